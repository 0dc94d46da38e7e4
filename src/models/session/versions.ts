// The session model's versions in its state directory: `vNNNN/` with model.json + weights.bin
// (writeModelFiles) and metadata.json, and a `current` file naming the version the sensor loads at
// start. Only the last `keep` versions stay (the current one always does); rollback moves `current`.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeModelFiles } from '../model-files';
import type { Architecture } from './autoencoder';
import type { Calibration } from './calibration';
import type { Scaler } from './inputs';

export const CURRENT_FILE = 'current';
export const METADATA_FILE = 'metadata.json';

export interface HeldBackMetrics {
  readonly sessions: number;
  /** Mean calibrated score of the held-back sessions under this model. */
  readonly meanScore: number;
  /** Share of them at or over the threshold. */
  readonly alertRate: number;
  /** Mean change of their scores against the model this one replaced (null for a first model). */
  readonly drift: number | null;
}

export interface VersionMetadata {
  readonly version: number;
  /** Packet time the training finished. */
  readonly packetTime: number;
  readonly trainingSessions: number;
  readonly identities: number;
  readonly excludedFlagged: number;
  readonly cappedSessions: number;
  /** False-positive verdicts (on forgiven identities in the training set) this version learned from. */
  readonly feedbackLearnedFrom: number;
  readonly calibration: Calibration;
  readonly scaler: Scaler;
  /** Raw training medians of the inputs (explanation baselines). */
  readonly medians: readonly number[];
  readonly heldBack: HeldBackMetrics;
  readonly featureSchema: string;
  readonly inputFeatures: readonly string[];
  readonly architecture: Architecture;
  readonly trainSteps: number;
  readonly finalLoss: number;
}

export const versionName = (v: number): string => `v${String(v).padStart(4, '0')}`;

export class VersionStore {
  constructor(
    readonly dir: string,
    private readonly keep: number,
  ) {}

  /** Stored version numbers, oldest first. */
  versions(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => /^v\d{4,}$/.test(name) && existsSync(path.join(this.dir, name, METADATA_FILE)))
      .map((name) => Number(name.slice(1)))
      .sort((a, b) => a - b);
  }

  current(): number | null {
    const file = path.join(this.dir, CURRENT_FILE);
    if (!existsSync(file)) return null;
    const v = Number(readFileSync(file, 'utf8').trim().replace(/^v/, ''));
    return Number.isInteger(v) && v > 0 ? v : null;
  }

  modelDir(version: number): string {
    return path.join(this.dir, versionName(version));
  }

  metadata(version: number): VersionMetadata {
    return JSON.parse(readFileSync(path.join(this.modelDir(version), METADATA_FILE), 'utf8')) as VersionMetadata;
  }

  /** Writes a version, points `current` at it, and removes the oldest beyond `keep`. */
  save(model: tfl.LayersModel, meta: VersionMetadata): void {
    const dir = this.modelDir(meta.version);
    writeModelFiles(model, dir, true);
    atomicWrite(path.join(dir, METADATA_FILE), JSON.stringify(meta, null, 2));
    this.setCurrent(meta.version);
    const all = this.versions();
    for (const v of all.slice(0, Math.max(0, all.length - this.keep))) {
      if (v !== meta.version) rmSync(this.modelDir(v), { recursive: true, force: true });
    }
  }

  setCurrent(version: number): void {
    if (!existsSync(path.join(this.modelDir(version), METADATA_FILE))) throw new Error(`${this.dir}: no version ${versionName(version)}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    atomicWrite(path.join(this.dir, CURRENT_FILE), versionName(version) + '\n');
  }
}

function atomicWrite(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  // state-directory files: owner-only whatever the umask of the CLI that wrote them
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}
