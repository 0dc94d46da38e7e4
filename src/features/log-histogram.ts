// Think time (the gap between one identity's requests) in 24 power-of-two bins of milliseconds:
// bin 0 is under 1 ms, bin b covers [2^(b-1), 2^b) ms, the last bin everything from about 70 min.
// 8-bit counts; when one would overflow, every bin is halved (the shape is kept, old gaps weigh
// less). Quantiles are the geometric middle of their bin: within a factor √2, enough to tell a
// script (milliseconds) from a person (seconds).

import { histogramQuantileBin } from '../core/quantile';

export const THINK_BINS = 24;

export function thinkBin(seconds: number): number {
  const ms = seconds * 1000;
  if (ms < 1) return 0;
  return Math.min(THINK_BINS - 1, Math.floor(Math.log2(ms)) + 1);
}

export function histogramAdd(bins: Uint8Array, seconds: number): void {
  const b = thinkBin(seconds);
  if ((bins[b] as number) === 0xff) {
    for (let i = 0; i < bins.length; i++) bins[i] = (bins[i] as number) >>> 1;
  }
  bins[b] = (bins[b] as number) + 1;
}

/** Seconds at quantile q (0–1) of the histogram; 0 when empty. */
export function histogramQuantile(bins: Uint8Array, q: number): number {
  const b = histogramQuantileBin(bins, q);
  if (b < 0) return 0;
  return b === 0 ? 0.0005 : (2 ** (b - 1) * Math.SQRT2) / 1000;
}
