// The baseline of one identity on one endpoint: how often it calls it, its errors there, what it
// gets back, and how many distinct object ids it asks for (the enumeration / BOLA view).
import { Baseline } from './baseline';

/** Distinct dimension of a pair: object ids requested. */
export const PAIR_IDS = 0;

export class PairBaseline extends Baseline {
  readonly kind = 'pair';

  constructor(
    key: string,
    keyHash: number,
    ts: number,
    historySize: number,
    readonly identityKey: string,
    readonly endpointKey: string,
  ) {
    super(key, keyHash, ts, historySize, { dimensions: 1, tenMinutes: false, profile: false });
  }
}

/** The pair's key in the database: identity and endpoint keys joined by a newline (in neither). */
export function pairKey(identityKey: string, endpointKey: string): string {
  return `${identityKey}\n${endpointKey}`;
}
