// Which calls of an endpoint are analysed in full (see `Sampling` in tracked.ts): all of its first
// `fullAnalysisCalls`, then one in `interval`, which backs off while analyses bring nothing new.
import type { Counters } from '../core/counters';
import type { InventoryConfig } from './config';
import type { Sampling, Tracked } from './tracked';

export class SamplingPolicy {
  constructor(
    private readonly config: Readonly<InventoryConfig>,
    private readonly counters: Counters,
  ) {}

  fresh(): Sampling {
    return { interval: this.config.sampleEvery, quiet: 0, sinceLast: 0 };
  }

  /** The sampling state a row was stored with, within the configured interval range (it may have changed). */
  stored(stats: unknown): Sampling {
    const s = typeof stats === 'object' && stats !== null ? (stats as { sampling?: Partial<Record<keyof Sampling, unknown>> }).sampling : undefined;
    const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
    const interval = int(s?.interval);
    const quiet = int(s?.quiet);
    const sinceLast = int(s?.sinceLast);
    if (interval === null || quiet === null || sinceLast === null) return this.fresh();
    const { sampleEvery, maxSampleEvery } = this.config;
    return { interval: Math.min(Math.max(interval, sampleEvery), Math.max(sampleEvery, maxSampleEvery)), quiet, sinceLast };
  }

  shouldAnalyse(t: Tracked): boolean {
    if (t.learner.snapshotCalls() < this.config.fullAnalysisCalls) return true;
    return t.sampling.sinceLast + 1 >= t.sampling.interval;
  }

  /** After an analysed call: back off while nothing is new, start over when something is. */
  adapt(t: Tracked, novel: boolean): void {
    const s = t.sampling;
    s.sinceLast = 0;
    if (t.learner.snapshotCalls() <= this.config.fullAnalysisCalls) return;
    if (novel) {
      if (s.interval !== this.config.sampleEvery) this.counters.inc('inventory.sampling.reset');
      s.interval = this.config.sampleEvery;
      s.quiet = 0;
    } else if (++s.quiet >= this.config.stableAnalyses && s.interval < this.config.maxSampleEvery) {
      s.interval = Math.min(s.interval * 2, this.config.maxSampleEvery);
      s.quiet = 0;
      this.counters.inc('inventory.sampling.backoff');
    }
  }
}
