// Runs one detector behind a real features stage (in memory) on hand-built transactions, as the
// pipeline would: features first, then the detector, each transaction, then ticks on packet time.
// The findings it reports are collected for the test to read.
import { Counters } from '../../../src/core/counters';
import type { Finding } from '../../../src/core/finding';
import { NO_FEEDBACK_TUNING, NO_GEO, type DetectorEntry, type FeedbackTuning, type GeoOf } from '../../../src/detectors';
import type { TransactionConsumer } from '../../../src/http/consumer';
import { call, openStage, type OpenStage, type TxSpec } from '../features/helpers';

export { call, endpointRef, MONDAY, type TxSpec } from '../features/helpers';

export interface Harness {
  readonly findings: Finding[];
  readonly counters: Counters;
  readonly features: OpenStage;
  readonly detector: TransactionConsumer;
  /** Features stage, then the detector, per transaction; a tick after each (packet time). */
  feed(specs: Iterable<TxSpec>): void;
  /** A tick at packet time `now` without a transaction (windows close, quiet time passes). */
  tick(now: number): void;
}

export interface HarnessOptions<O> {
  /** The detector's options (parsed by its schema: defaults fill the rest). */
  options?: Record<string, unknown>;
  /** `features.*` overrides. */
  features?: Record<string, unknown>;
  feedback?: FeedbackTuning;
  /** ASN / country of addresses (default: none known). */
  geo?: GeoOf;
  /** Without the features stage (the detector must stay idle). */
  noFeatures?: boolean;
  parsed?: (o: O) => void;
}

export function harness<O>(entry: DetectorEntry<O>, opts: HarnessOptions<O> = {}): Harness {
  const features = openStage(null, opts.features ?? {});
  const counters = features.counters;
  const findings: Finding[] = [];
  const options = entry.schema.parse(opts.options ?? {});
  opts.parsed?.(options);
  const detector = entry.create(options, {
    report: (f) => findings.push(f),
    counters,
    features: opts.noFeatures ? null : features.stage.view,
    feedback: opts.feedback ?? NO_FEEDBACK_TUNING,
    geo: opts.geo ?? NO_GEO,
    store: null,
  });
  return {
    findings,
    counters,
    features,
    detector,
    feed(specs) {
      for (const s of specs) {
        const { tx, ctx } = call(s);
        if (!opts.noFeatures) features.stage.consumer.onTransaction(tx, ctx);
        detector.onTransaction(tx, ctx);
        if (!opts.noFeatures) features.stage.consumer.onTick?.(tx.ts);
        detector.onTick?.(tx.ts);
      }
    },
    tick(now) {
      if (!opts.noFeatures) features.stage.consumer.onTick?.(now);
      detector.onTick?.(now);
    },
  };
}
