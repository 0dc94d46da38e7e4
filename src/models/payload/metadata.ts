// metadata.json beside the shipped model: what it was trained on and how, how it scores on the
// held-out splits, and the versions of the text and tokeniser it must be scored with.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PayloadArchitecture } from './architecture';
import type { BinaryMetrics } from './metrics';

export const METADATA_JSON = 'metadata.json';

export interface PayloadMetadata {
  readonly model: 'payload';
  readonly tokeniserVersion: string;
  readonly requestTextVersion: string;
  readonly architecture: PayloadArchitecture;
  /** Score at or over which a request is an attack. */
  readonly threshold: number;
  /** The validation false-positive rate the threshold was calibrated to. */
  readonly calibration: { readonly targetFpr: number; readonly validationRows: number; readonly validationMetrics: BinaryMetrics };
  readonly output: 'binary';
  readonly seed: number;
  readonly epochs: number;
  readonly trainBatchSize: number;
  readonly backend: string;
  readonly trainingSeconds: number;
  readonly trainedAt: string;
  readonly data: {
    readonly files: readonly string[];
    readonly split: Readonly<Record<string, number>>;
    readonly counts: Readonly<Record<string, number>>;
    readonly notes: readonly string[];
  };
  readonly metrics: {
    readonly csicEvaluation: BinaryMetrics;
    readonly httpParamsEvaluation: BinaryMetrics;
    readonly httpParamsRecall: Readonly<Record<string, number>>;
    readonly httpParamsNormalFpr: number;
    readonly [extra: string]: unknown;
  };
}

/** metadata.json of a model folder, checked for what the scorer needs. */
export function readPayloadMetadata(dir: string): PayloadMetadata {
  const file = path.join(dir, METADATA_JSON);
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Partial<PayloadMetadata>;
  if (meta.model !== 'payload' || typeof meta.threshold !== 'number' || meta.architecture === undefined || typeof meta.architecture.maxLen !== 'number') {
    throw new Error(`${file} is not the metadata of a payload model (model, threshold or architecture missing)`);
  }
  return meta as PayloadMetadata;
}
