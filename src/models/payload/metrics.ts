// Threshold calibration and the metrics metadata.json reports.

export interface BinaryMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly fpr: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Metrics of `scores` against `labels` (1 = attack) at `threshold` (score ≥ threshold is an attack). */
export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const attack = (scores[i] as number) >= threshold;
    if (labels[i] === 1) {
      if (attack) tp++;
      else fn++;
    } else if (attack) fp++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round(precision), recall: round(recall), f1: round(f1), fpr: round(fp + tn === 0 ? 0 : fp / (fp + tn)), tp, fp, tn, fn };
}

/** Share of `scores` at or over the threshold. */
export function shareAtOrOver(scores: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) >= threshold) n++;
  return scores.length === 0 ? 0 : round(n / scores.length);
}

/**
 * The lowest threshold whose false-positive rate on the benign `normalScores` is at most `targetFpr`:
 * just over the benign score that ⌊target·n⌋ benign scores exceed (the most recall the budget allows).
 */
export function calibrateThreshold(normalScores: ArrayLike<number>, targetFpr: number): number {
  const sorted = Float64Array.from(normalScores).sort();
  const allowed = Math.floor(targetFpr * sorted.length);
  const index = sorted.length - 1 - allowed;
  if (index < 0) return 0.5;
  const at = sorted[index] as number;
  // the next float32 above the score (scores come from a float32 model)
  const next = Math.fround(at + Math.max(1e-7, at * 1e-6));
  return Math.min(next, 0.999999);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
