// The peer norm the scraping detector judges a client against: what the runs of requests of the
// clients of one API host looked like when they ended (how regular their think time was at its most
// regular, how many distinct resources they read, how fast they went). Every run enters the
// think-time spread. Only the runs that were not machine-regular (spread above the regularity ratio
// of the upper spreads, which are people's) enter the others, so breadth, pace and re-reads describe
// human sessions, and a service syncing a catalogue every hour does not teach the norm that reading
// everything is normal. The first `minRuns` runs wait (bounded) until the spreads are known. Counts
// live in small fixed histograms that halve when they hold `maxRuns` runs: the norm follows the traffic.
import { histogramQuantileBin } from '../core/quantile';

/** One finished run, as it enters the norm. */
export interface RunSample {
  /** Standard deviation of log2 think time over its most regular window (log2 seconds). */
  readonly spread: number;
  /** Distinct resources (paths) it read. */
  readonly distinct: number;
  /** Geometric mean of its gaps, seconds. */
  readonly gap: number;
  /** Requests per minute over its span. */
  readonly rate: number;
  /** Share of its requests that asked again for a resource it had already read. */
  readonly repeatShare: number;
}

/** Spread in bins of 1/8 of a log2 unit, up to 8 (a perfectly random gap spreads about 2–4). */
const SPREAD_BINS = 64;
const SPREAD_STEP = 0.125;
/** Quarter-octave bins for counts and durations: value = base × 2^(bin/4). */
const LOG_BINS = 96;
const REPEAT_BINS = 20;

/** Log-scale histogram of positive values from `base` up, a quarter octave per bin. */
class LogHistogram {
  readonly counts = new Float64Array(LOG_BINS);
  constructor(private readonly base: number) {}

  add(value: number): void {
    const bin = value <= this.base ? 0 : Math.min(LOG_BINS - 1, Math.floor(4 * Math.log2(value / this.base)));
    this.counts[bin] = (this.counts[bin] as number) + 1;
  }

  quantile(q: number): number {
    const bin = quantileBin(this.counts, q);
    return this.base * 2 ** ((bin + 0.5) / 4);
  }
}

/** Index of the bin holding quantile q of a histogram (0 when empty). */
function quantileBin(counts: Float64Array, q: number): number {
  return Math.max(0, histogramQuantileBin(counts, q));
}

export class PeerNorm {
  /** Runs counted in the spread histogram (fractional after halving). */
  runs = 0;
  /** Of those, runs that were not machine-regular: the other histograms hold these. */
  humanRuns = 0;
  /** Runs waiting for the median spread (at most minRuns). */
  private pending: RunSample[] | null = [];
  private readonly spread = new Float64Array(SPREAD_BINS);
  private readonly repeat = new Float64Array(REPEAT_BINS);
  private readonly distinct = new LogHistogram(1);
  /** From about 1 ms. */
  private readonly gap = new LogHistogram(1 / 1024);
  /** From about one request a day. */
  private readonly rate = new LogHistogram(1 / 1024);
  /** Quantiles cached until the next run is added. */
  private cache: { spreadMedian: number; spreadP75: number; distinctP90: number; gapMedian: number; rateMedian: number; repeatMedian: number } | null = null;

  constructor(
    private readonly maxRuns: number,
    private readonly minRuns: number,
    /** A run at most this share of the 75th-percentile spread is machine-regular. */
    private readonly regularityRatio: number,
  ) {}

  /** Enough runs, and enough of people among them, to judge a client against. */
  ready(): boolean {
    return this.pending === null && this.humanRuns >= this.minRuns / 2;
  }

  add(s: RunSample): void {
    const sb = Math.min(SPREAD_BINS - 1, Math.max(0, Math.floor(s.spread / SPREAD_STEP)));
    this.spread[sb] = (this.spread[sb] as number) + 1;
    this.runs++;
    this.cache = null;
    const pending = this.pending;
    if (pending !== null) {
      pending.push(s);
      if (pending.length < this.minRuns) return;
      this.pending = null;
      for (const p of pending) this.addHuman(p);
    } else this.addHuman(s);
    if (this.runs >= this.maxRuns) this.halve();
  }

  /**
   * The run's breadth, pace and re-reads, when it was not machine-regular. Machine-regular here is
   * against the 75th percentile of the spread: people are the upper part of the spread however many
   * machines share the API, as long as they make a quarter of its runs.
   */
  private addHuman(s: RunSample): void {
    if (s.spread <= this.regularityRatio * this.quantiles().spreadP75) return;
    const rb = Math.min(REPEAT_BINS - 1, Math.max(0, Math.floor(s.repeatShare * REPEAT_BINS)));
    this.repeat[rb] = (this.repeat[rb] as number) + 1;
    this.distinct.add(s.distinct);
    this.gap.add(s.gap);
    this.rate.add(s.rate);
    this.humanRuns++;
    this.cache = null;
  }

  /** Older runs weigh half: the norm follows the API's traffic as it changes. */
  private halve(): void {
    for (const h of [this.spread, this.repeat, this.distinct.counts, this.gap.counts, this.rate.counts]) for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) / 2;
    this.runs /= 2;
    this.humanRuns /= 2;
    this.cache = null;
  }

  private quantiles(): NonNullable<PeerNorm['cache']> {
    this.cache ??= {
      spreadMedian: (quantileBin(this.spread, 0.5) + 0.5) * SPREAD_STEP,
      spreadP75: (quantileBin(this.spread, 0.75) + 0.5) * SPREAD_STEP,
      distinctP90: this.distinct.quantile(0.9),
      gapMedian: this.gap.quantile(0.5),
      rateMedian: this.rate.quantile(0.5),
      repeatMedian: (quantileBin(this.repeat, 0.5) + 0.5) / REPEAT_BINS,
    };
    return this.cache;
  }

  /** Median think-time spread of the peers' runs (log2 seconds). */
  spreadMedian(): number {
    return this.quantiles().spreadMedian;
  }

  /** 90th percentile of distinct resources per run. */
  distinctP90(): number {
    return this.quantiles().distinctP90;
  }

  /** Median geometric-mean gap, seconds. */
  gapMedian(): number {
    return this.quantiles().gapMedian;
  }

  /** Median requests per minute of a run. */
  rateMedian(): number {
    return this.quantiles().rateMedian;
  }

  repeatMedian(): number {
    return this.quantiles().repeatMedian;
  }
}

/**
 * One norm per API host (the Host header, else the server address), at most `maxHosts`; runs of
 * further hosts share one overflow norm, counted by `onOverflow` once per such run.
 */
export class PeerNorms {
  private readonly byHost = new Map<string, PeerNorm>();
  private readonly overflow: PeerNorm;

  constructor(
    private readonly maxHosts: number,
    private readonly make: () => PeerNorm,
    private readonly onOverflow: () => void,
  ) {
    this.overflow = make();
  }

  /** The norm of `host` (made on first use); the shared overflow norm beyond the bound. */
  of(host: string): PeerNorm {
    const known = this.byHost.get(host);
    if (known !== undefined) return known;
    if (this.byHost.size >= this.maxHosts) {
      this.onOverflow();
      return this.overflow;
    }
    const fresh = this.make();
    this.byHost.set(host, fresh);
    return fresh;
  }

  get hosts(): number {
    return this.byHost.size;
  }
}
