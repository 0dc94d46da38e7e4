// The TF.js models, in the order the pipeline calls them (after the detectors). A model is one folder
// here plus one entry in MODELS: its options are mounted under `models.<key>` in the config and
// validated by its own schema, like a detector's.
import path from 'node:path';
import type { Counters } from '../core/counters';
import type { Logger } from '../core/logger';
import type { Finding } from '../core/finding';
import type { FeatureSpec, FeatureView } from '../features/types';
import type { FindingSink, TransactionConsumer } from '../http/consumer';
import type { z } from 'zod';
import type { BackendInfo } from './backend';
import { payloadModel } from './payload';
import { sessionModel } from './session';

/**
 * Identities the alert stage holds against training: open alerts, or alerts confirmed true positive,
 * the most recently seen first, at most `limit` + 1 (one more tells the caller the bound was hit).
 */
export type FlaggedIdentities = (limit: number) => ReadonlySet<string>;

/** The session feature schema, handed over by the composition root (models/ may not import the features stage's runtime modules). */
export interface SessionSchema {
  /** SESSION_FEATURES. */
  readonly features: readonly FeatureSpec[];
  /** schemaFingerprint(SESSION_FEATURES): a model records it and refuses weights trained on another. */
  readonly fingerprint: string;
  /** normaliseVector. */
  readonly normalise: (schema: readonly FeatureSpec[], raw: Float32Array, out?: Float32Array) => Float32Array;
}

/** What a model is given when the pipeline opens. */
export interface ModelContext {
  /** Where findings go (the alert stage). */
  readonly report: FindingSink;
  readonly counters: Counters;
  /** The behaviour baselines; null when `features.enabled` is false (a model that needs them stays idle). */
  readonly features: FeatureView | null;
  readonly sessionSchema: SessionSchema;
  /** The backend initialised before the pipeline opened (initBackend). */
  readonly backend: BackendInfo;
  /** Where this model keeps its versions (`<state dir>/models/<key>`); null when nothing is persisted (replay without --db). */
  readonly stateDir: string | null;
  /** Identities whose traffic must not train a model (see FlaggedIdentities). */
  readonly flagged: FlaggedIdentities;
  /** Analysts' false-positive verdicts on a detector's alerts: identity (or client) → count, the most judged first, at most `limit`; read on flush ticks. */
  readonly falsePositives: (detector: string, limit: number) => ReadonlyMap<string, number>;
  readonly log: Logger;
}

/**
 * A model consumer may also annotate the findings of the detectors before they reach the alert stage
 * (the session model attaches its score for the finding's identity).
 */
export interface ModelConsumer extends TransactionConsumer {
  annotate?(finding: Finding): Finding;
}

export interface ModelEntry<Options = unknown> {
  /** The config key under `models:` and the model's name in logs, metrics and `tapwatch model`. */
  readonly key: string;
  readonly description: string;
  readonly schema: z.ZodType<Options>;
  create(options: Options, context: ModelContext): ModelConsumer;
}

/** Where a model keeps its versions: `models/<key>` beside the state database. */
export function modelStateDir(dbFile: string, key: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'models', key);
}

export const MODELS: readonly ModelEntry[] = [sessionModel, payloadModel];
