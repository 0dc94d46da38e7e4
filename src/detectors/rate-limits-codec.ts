// The stored form of a rate-limit pair (the `state` JSON of the rate_limits table) and its check on
// the way back in: a row another version wrote, or a damaged one, is refused rather than half-read.

/** The serialised form of a PairLimits (rate-limits-pair.ts). */
export interface PairState {
  v: 1;
  minuteStart: number | null;
  minuteCount: number;
  tenStart: number | null;
  tenMax: number;
  flagBase: number | null;
  /** Per band, the kept peaks oldest first. */
  peaks: number[][];
  seen: number[];
  days: number[];
  lastDay: number[];
  last: number;
}

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const isNumberOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

export function isPairState(v: unknown): v is PairState {
  if (v === null || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (
    s['v'] === 1 &&
    isNumberOrNull(s['minuteStart']) &&
    isNumberOrNull(s['tenStart']) &&
    isNumberOrNull(s['flagBase']) &&
    typeof s['minuteCount'] === 'number' &&
    typeof s['tenMax'] === 'number' &&
    typeof s['last'] === 'number' &&
    Array.isArray(s['peaks']) &&
    (s['peaks'] as unknown[]).every(isNumberArray) &&
    isNumberArray(s['seen']) &&
    isNumberArray(s['days']) &&
    isNumberArray(s['lastDay'])
  );
}
