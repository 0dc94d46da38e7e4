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
