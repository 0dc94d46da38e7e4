// The detectors, in the order the pipeline calls them (after identity, inventory and baselines).
// A detector is one file in this folder plus one entry here: its options are mounted under
// `detectors.<key>` in the config, validated by its own schema (README.md beside this file).
import type { Counters } from '../core/counters';
import type { FindingSink, TransactionConsumer } from '../http/consumer';
import type { z } from 'zod';

export interface DetectorEntry<Options = unknown> {
  /** The config key under `detectors:` and the detector's name in logs. */
  readonly key: string;
  /** Its options, with defaults: `detectors.<key>` in the config. */
  readonly schema: z.ZodType<Options>;
  create(options: Options, report: FindingSink, counters: Counters): TransactionConsumer;
}

export const DETECTORS: readonly DetectorEntry[] = [];
