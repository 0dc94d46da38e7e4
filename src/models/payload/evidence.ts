// The explanation of a payload finding (its evidence is the detectors' one, core/evidence.ts): the
// parameter whose removal lowers the score most (occlusion, computed only for flagged requests), never
// its value.
import type { ExplanationFactor } from '../../core/finding';

const SHOWABLE_NAME = /^[\w.\-[\]$]{1,64}$/;
/** Parameters tried per flagged request. */
export const MAX_OCCLUDED = 16;

export interface Occlusion {
  /** Parameter name as it may be shown. */
  readonly name: string;
  /** The text with that parameter's value removed. */
  readonly text: string;
}

/** The text once per `name=value` pair of its query and body (at most MAX_OCCLUDED), that value removed. */
export function occlusions(text: string): Occlusion[] {
  const out: Occlusion[] = [];
  const re = /(^|[?&\n])([^=&?\n]{1,64})=([^&\n]*)/g;
  for (let m = re.exec(text); m !== null && out.length < MAX_OCCLUDED; m = re.exec(text)) {
    if ((m[3] ?? '') === '') continue;
    const valueStart = m.index + (m[1] ?? '').length + (m[2] ?? '').length + 1;
    const name = m[2] ?? '';
    out.push({ name: SHOWABLE_NAME.test(name) ? name : '(a name that is not shown)', text: text.slice(0, valueStart) + text.slice(valueStart + (m[3] ?? '').length) });
  }
  return out;
}

/** The factors of a flagged request: the score against the threshold, and the parameter that drives it. */
export function payloadFactors(score: number, threshold: number, strongest: { name: string; drop: number } | null): ExplanationFactor[] {
  const factors: ExplanationFactor[] = [{ name: 'payload_model_score', value: round(score), baseline: round(threshold) }];
  if (strongest !== null && strongest.drop > 0) factors.push({ name: 'strongest_parameter', value: strongest.name, contribution: round(Math.min(1, strongest.drop / score)) });
  return factors;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
