// The detectors, in the order the pipeline calls them (after identity, inventory and baselines).
// A detector is one file in this folder plus one entry here: its options are mounted under
// `detectors.<key>` in the config, validated by its own schema (README.md beside this file).
import type { Counters } from '../core/counters';
import type { EndpointRef } from '../core/finding';
import type { FeatureView } from '../features/types';
import type { FindingSink, TransactionConsumer } from '../http/consumer';
import type { Db } from '../store/database';
import type { z } from 'zod';
import { bulkPull } from './bulk-pull';
import { credentialAttacks } from './credential-attacks';
import { enumeration } from './enumeration';
import { injection } from './injection';
import { massAssignment } from './mass-assignment';
import { rateLimits } from './rate-limits';
import { scraping } from './scraping';
import { spike } from './spike';
import { tokenAbuse } from './token-abuse';

/**
 * How far analysts' false-positive verdicts raise a detector's threshold for one identity or
 * endpoint: 1 when there is none, more with each verdict (alerting.feedbackTuning). A detector
 * multiplies the threshold it compares against by it.
 */
export interface FeedbackTuning {
  factor(detector: string, identity: string | null, endpoint: EndpointRef | null): number;
}

/** No verdicts (tests, or a pipeline without a state database). */
export const NO_FEEDBACK_TUNING: FeedbackTuning = { factor: () => 1 };

/** ASN and country of an address, from the offline databases the identity stage was given (empty without). */
export type GeoOf = (ip: string) => { readonly asn?: number; readonly country?: string };

/** No geo database. */
export const NO_GEO: GeoOf = () => ({});

/** What a detector is given when the pipeline opens. */
export interface DetectorContext {
  /** Where findings go (the alert stage). */
  readonly report: FindingSink;
  readonly counters: Counters;
  /** The behaviour baselines; null when `features.enabled` is false (a detector that needs them stays idle). */
  readonly features: FeatureView | null;
  readonly feedback: FeedbackTuning;
  /** Where a client address is (ASN, country); empty for private addresses or without databases. */
  readonly geo: GeoOf;
  /**
   * The state database, for a detector that keeps what it learned across restarts (writes only in
   * `flush`/`close`, through its own BatchWriter); null when nothing is persisted (replay without --db).
   */
  readonly store: DetectorStore | null;
}

export interface DetectorStore {
  readonly db: Db;
  readonly dbFile: string;
  /** store.maxPendingWrites: writes held while the database refuses them. */
  readonly maxPendingWrites: number;
}

export interface DetectorEntry<Options = unknown> {
  /** The config key under `detectors:` and the detector's name in logs. */
  readonly key: string;
  /** What it catches, one sentence (`tapwatch config docs` shows it at `detectors.<key>`). */
  readonly description: string;
  /** Its options, with defaults: `detectors.<key>` in the config. */
  readonly schema: z.ZodType<Options>;
  create(options: Options, context: DetectorContext): TransactionConsumer;
}

export const DETECTORS: readonly DetectorEntry[] = [credentialAttacks, tokenAbuse, bulkPull, enumeration, scraping, injection, massAssignment, spike, rateLimits];
