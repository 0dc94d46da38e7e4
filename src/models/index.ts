// The TF.js models, in the order the pipeline calls them (after the detectors). A model is one folder
// here plus one entry in MODELS: its options are mounted under `models.<key>` in the config and
// validated by its own schema, like a detector's.
import type { Counters } from '../core/counters';
import type { Finding } from '../core/finding';
import type { FeatureView } from '../features/types';
import type { FindingSink, TransactionConsumer } from '../http/consumer';
import type { z } from 'zod';
import type { BackendInfo } from './backend';

/** Identities the alert stage holds against training: open alerts, or alerts confirmed true positive. */
export type FlaggedIdentities = () => ReadonlySet<string>;

/** What a model is given when the pipeline opens. */
export interface ModelContext {
  /** Where findings go (the alert stage). */
  readonly report: FindingSink;
  readonly counters: Counters;
  /** The behaviour baselines; null when `features.enabled` is false (a model that needs them stays idle). */
  readonly features: FeatureView | null;
  /** The backend initialised before the pipeline opened (initBackend). */
  readonly backend: BackendInfo;
  /** Where this model keeps its versions (`<state dir>/models/<key>`); null when nothing is persisted (replay without --db). */
  readonly stateDir: string | null;
  /** Identities whose traffic must not train a model (see FlaggedIdentities). */
  readonly flagged: FlaggedIdentities;
  /** Analysts' false-positive verdicts on this model's alerts: identity → count, re-read on flush ticks. */
  readonly falsePositives: () => ReadonlyMap<string, number>;
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

export const MODELS: readonly ModelEntry[] = [];
