// Why a session scored: each input's share of the reconstruction error (shares sum to 1), with the
// session's raw value and the training median as the baseline an analyst compares against.
import type { ExplanationFactor } from '../../core/finding';
import type { SessionInputs } from './inputs';

export interface FeatureShare {
  readonly name: string;
  readonly value: number;
  readonly baseline: number;
  readonly share: number;
}

/** Every input's share of one session's error, largest first. `squared` holds the session's per-input squared errors. */
export function errorShares(inputs: SessionInputs, squared: ArrayLike<number>, raw: Float32Array, medians: readonly number[]): FeatureShare[] {
  const d = inputs.size;
  let total = 0;
  for (let j = 0; j < d; j++) total += squared[j] as number;
  const shares: FeatureShare[] = [];
  for (let j = 0; j < d; j++) {
    shares.push({
      name: inputs.features[j]?.name ?? `input_${j}`,
      value: raw[inputs.indices[j] as number] as number,
      baseline: medians[j] ?? 0,
      // a perfect reconstruction has no error to share: spread it evenly so the shares still sum to 1
      share: total > 0 ? (squared[j] as number) / total : 1 / d,
    });
  }
  return shares.sort((a, b) => b.share - a.share);
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** The top `n` shares as finding factors. */
export function explanationFactors(shares: readonly FeatureShare[], n: number): ExplanationFactor[] {
  return shares.slice(0, n).map((s) => ({ name: s.name, value: round(s.value, 3), baseline: round(s.baseline, 3), contribution: round(s.share, 3) }));
}

/** One sentence naming the features that explain most of the error. */
export function explanationSummary(shares: readonly FeatureShare[], score: number): string {
  const top = shares.slice(0, 3).map((s) => `${s.name} ${fmt(s.value)} (usually ${fmt(s.baseline)}, ${Math.round(s.share * 100)}%)`);
  return `Session unlike this site's normal sessions (score ${score.toFixed(3)}): ${top.join(', ')}`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? String(Math.round(x)) : String(round(x, 2));
}
