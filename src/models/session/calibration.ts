// From reconstruction error to score: the error's place in the training errors (an empirical
// quantile, 0–1, interpolated between stored points; past the largest training error it keeps
// rising towards 1). The alert threshold is the configured quantile of the training errors, on the
// error scale so false-positive feedback can multiply it per identity.

/** Probabilities of the stored quantile points below the tail. */
const BODY_POINTS = 100;
/** Finer points in the tail where thresholds sit. */
const TAIL_PROBS = [0.991, 0.992, 0.993, 0.994, 0.995, 0.996, 0.997, 0.998, 0.999, 0.9995, 0.9999];

export interface Calibration {
  /** Increasing probabilities and the training error at each. */
  readonly probs: readonly number[];
  readonly errors: readonly number[];
  /** The quantile reported sessions must reach, and its training error. */
  readonly thresholdQuantile: number;
  readonly thresholdError: number;
  readonly sessions: number;
}

function quantileOf(sorted: Float64Array, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export function calibrate(trainingErrors: Float64Array, thresholdQuantile: number): Calibration {
  if (trainingErrors.length === 0) throw new Error('session model: calibration needs training errors');
  const sorted = Float64Array.from(trainingErrors).sort();
  const n = sorted.length;
  // the largest error sits at the probability half a session short of 1, so scores past it stay below 1
  const top = 1 - 0.5 / n;
  const probs = [...Array.from({ length: BODY_POINTS }, (_, i) => i / BODY_POINTS), ...TAIL_PROBS].filter((p) => p < top);
  probs.push(top);
  const errors = probs.map((p) => (p === top ? (sorted[n - 1] as number) : quantileOf(sorted, p)));
  return { probs, errors, thresholdQuantile, thresholdError: quantileOf(sorted, thresholdQuantile), sessions: n };
}

/** The calibrated score (0–1) of a reconstruction error. */
export function scoreOf(cal: Calibration, error: number): number {
  const { probs, errors } = cal;
  const last = errors.length - 1;
  const maxError = errors[last] as number;
  const topProb = probs[last] as number;
  if (error >= maxError) return error <= 0 ? topProb : 1 - (1 - topProb) * (maxError / error);
  if (error <= (errors[0] as number)) return probs[0] as number;
  // binary search for the first stored error above `error`
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((errors[mid] as number) <= error) lo = mid;
    else hi = mid;
  }
  const e0 = errors[lo] as number;
  const e1 = errors[hi] as number;
  const p0 = probs[lo] as number;
  const p1 = probs[hi] as number;
  return e1 > e0 ? p0 + ((p1 - p0) * (error - e0)) / (e1 - e0) : p1;
}

/**
 * A reported session's finding score, for the alert policy's severity bands: 0.5 at the threshold,
 * rising with how many times the threshold the error is (0.75 at twice, 0.9 at five times).
 */
export function findingScore(error: number, threshold: number): number {
  if (threshold <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - 0.5 * (threshold / Math.max(error, threshold))));
}
