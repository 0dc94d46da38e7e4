// The baseline of one client IP, whoever it claims to be: rate, errors, volume, how many identities
// it speaks for (credential stuffing tries many) and how many templates it touches, and its user agents.
import { Baseline } from './baseline';
import { BoundedTally } from './bounded-tally';

/** Distinct dimensions of a client IP: identities, then endpoint templates. */
export const IP_IDENTITIES = 0;
export const IP_TEMPLATES = 1;

export class IpBaseline extends Baseline {
  readonly kind = 'ip';
  userAgents: BoundedTally;

  constructor(key: string, keyHash: number, ts: number, historySize: number, maxUserAgents: number) {
    super(key, keyHash, ts, historySize, { dimensions: 2, tenMinutes: true, profile: false });
    this.userAgents = new BoundedTally(maxUserAgents);
  }
}
