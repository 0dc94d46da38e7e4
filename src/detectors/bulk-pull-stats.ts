// What the bulk-pull and spike detectors read from the features stage's baselines and the small
// statistics they keep of their own. A detector may import only the features stage's types, so the
// metric and history indices are restated here, each checked against metrics.ts by the compiler
// (its type is the literal type of the original). Nothing here allocates per call.
import { hourOfWeek } from '../core/hour-of-week';
import { quantileSorted } from '../core/quantile';
import type * as Metrics from '../features/metrics';
import type { WindowHistory } from '../features/window-counts';

export const M_REQUESTS: typeof Metrics.M_REQUESTS = 0;
/** Error metrics (401, 403, 404, 429, 5xx) are 1 to 5. */
export const M_FIRST_ERROR: typeof Metrics.M_401 = 1;
export const M_LAST_ERROR: typeof Metrics.M_5XX = 5;
export const M_BYTES: typeof Metrics.M_BYTES = 6;
export const M_RECORDS: typeof Metrics.M_RECORDS = 7;
export const H_REQUESTS: typeof Metrics.H_REQUESTS = 0;
export const H_BYTES: typeof Metrics.H_BYTES = 1;
export const H_RECORDS: typeof Metrics.H_RECORDS = 2;
/** Distinct dimension 0 of an endpoint (its callers) and of a client IP (its identities). */
export const CALLERS_DIMENSION = 0;

export { hourOfWeek };

export function hourOfDay(ts: number): number {
  return Math.floor(ts / 3600) % 24;
}

/** Saturday or Sunday (UTC). */
export function isWeekend(ts: number): boolean {
  return hourOfWeek(ts) >= 120;
}

const scratch = new Float64Array(256);

/** Quantile q (0–1, linear interpolation) of column `col` of a window history; 0 when empty. */
export function historyQuantile(history: WindowHistory, col: number, q: number): number {
  const n = Math.min(history.count, scratch.length);
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) scratch[i] = history.values[i * history.width + col] as number;
  return quantileSorted(scratch.subarray(0, n).sort(), n, q);
}

/** The newest row's value in column `col` of a history (the window that closed last); 0 when empty. */
export function newestInHistory(history: WindowHistory, col: number): number {
  if (history.count === 0) return 0;
  const row = (history.pos - 1 + history.size) % history.size;
  return history.values[row * history.width + col] as number;
}

/** Bins per doubling of the value: each bin spans a factor of √2. */
const BINS_PER_OCTAVE = 2;
/** Values up to 2^40 (a terabyte an hour) have their own bin. */
export const HISTOGRAM_BINS = 1 + 40 * BINS_PER_OCTAVE;

/**
 * A log-binned histogram of non-negative values in a fixed array (no samples kept): quantiles of
 * per-client volumes or rates within a factor of √2, interpolated within the bin. When the total
 * reaches `halveAt` every bin is halved, so old samples weigh less and the counts stay bounded.
 */
export class LogHistogram {
  readonly bins: Uint32Array;
  total = 0;

  constructor(
    private readonly halveAt = 1 << 16,
    bins?: Uint32Array,
  ) {
    this.bins = bins ?? new Uint32Array(HISTOGRAM_BINS);
  }

  add(value: number): void {
    const b = binOf(value);
    if (this.total >= this.halveAt) {
      let t = 0;
      for (let i = 0; i < this.bins.length; i++) {
        const v = (this.bins[i] as number) >>> 1;
        this.bins[i] = v;
        t += v;
      }
      this.total = t;
    }
    this.bins[b] = (this.bins[b] as number) + 1;
    this.total++;
  }

  /** The value at quantile q (0–1); 0 when empty. */
  quantile(q: number): number {
    return binsQuantile(this.bins, this.total, q);
  }
}

/** The value at quantile q of histogram bins holding `total` samples; 0 when empty. */
export function binsQuantile(bins: Uint32Array, total: number, q: number): number {
  if (total <= 0) return 0;
  const target = q * total;
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    const n = bins[b] as number;
    if (n === 0) continue;
    if (seen + n >= target) {
      if (b === 0) return 0;
      const lo = 2 ** ((b - 1) / BINS_PER_OCTAVE);
      const hi = 2 ** (b / BINS_PER_OCTAVE);
      return lo + (hi - lo) * Math.min(1, Math.max(0, (target - seen) / n));
    }
    seen += n;
  }
  return 2 ** ((bins.length - 1) / BINS_PER_OCTAVE);
}

/** Bin 0 holds values under 1; bin b ≥ 1 holds [2^((b−1)/2), 2^(b/2)). */
export function binOf(value: number): number {
  if (!(value >= 1)) return 0;
  return Math.min(HISTOGRAM_BINS - 1, 1 + Math.floor(Math.log2(value) * BINS_PER_OCTAVE));
}

/** Share of each factor in a score from how far each went past its own bar (log ratio), summing to 1. */
export function contributions(excess: readonly number[]): number[] {
  const logs = excess.map((e) => Math.max(0, Math.log(Math.max(e, 1e-9))));
  const sum = logs.reduce((a, b) => a + b, 0);
  if (sum <= 0) return excess.map(() => Math.round((1 / excess.length) * 100) / 100);
  return logs.map((l) => Math.round((l / sum) * 100) / 100);
}
