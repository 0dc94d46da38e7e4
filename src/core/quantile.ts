// The linear-interpolated quantile of a sorted sample, shared by the baselines' robust statistics and
// the detectors that read quantiles of their own histories.

/** Linear-interpolated quantile q (0–1) of sorted[0, n); 0 when n is 0. */
export function quantileSorted(sorted: Float64Array, n: number, q: number): number {
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

/**
 * The bin holding quantile q (0–1) of a histogram: the first bin with samples where the running
 * count reaches q × total (the last bin if rounding leaves none); -1 when the histogram is empty.
 * Callers map the bin to a value their own way (its middle, an edge, an interpolation).
 */
export function histogramQuantileBin(counts: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return -1;
  const target = q * total;
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    const n = counts[b] as number;
    seen += n;
    if (seen >= target && n > 0) return b;
  }
  return counts.length - 1;
}
