// Robust statistics of a small sample (a window history column): median, MAD, quantiles and the
// robust z-score. Used when a feature vector or a summary is read, never per transaction.
import { quantileSorted } from '../core/quantile';
import type { WindowHistory } from './window-counts';

/** Consistency constant: 1.4826 × MAD estimates σ for normal data. */
export const MAD_SCALE = 1.4826;

const scratch = new Float64Array(512);
const deviations = new Float64Array(512);

export interface RobustSummary {
  /** Rows the summary is taken from (0: none, and every figure is 0). */
  n: number;
  median: number;
  mad: number;
  p10: number;
  p90: number;
}

export { quantileSorted };

/** Median, MAD and the 10th/90th percentiles of column `col` of `history`. */
export function summarize(history: WindowHistory, col: number): RobustSummary {
  const n = history.column(col, scratch);
  if (n === 0) return { n: 0, median: 0, mad: 0, p10: 0, p90: 0 };
  const sorted = scratch.subarray(0, n).sort();
  const median = quantileSorted(sorted, n, 0.5);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs((sorted[i] as number) - median);
  const mad = quantileSorted(deviations.subarray(0, n).sort(), n, 0.5);
  return { n, median, mad, p10: quantileSorted(sorted, n, 0.1), p90: quantileSorted(sorted, n, 0.9) };
}

/**
 * How far `value` is above the baseline in robust standard deviations, clipped to ±10. The scale
 * is at least 1 and at least a tenth of the median, so a perfectly regular baseline (MAD 0) does not
 * turn one extra request into an outlier. 0 without a baseline.
 */
export function robustZ(value: number, s: RobustSummary): number {
  if (s.n === 0) return 0;
  const scale = Math.max(MAD_SCALE * s.mad, 1, 0.1 * s.median);
  return Math.max(-10, Math.min(10, (value - s.median) / scale));
}
