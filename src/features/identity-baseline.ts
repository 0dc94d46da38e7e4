// The baseline of one identity (`user:alice`, `key:3f2a9c1b`, `ip:10.0.0.5`): the common windows
// and totals (baseline.ts) plus what only a client has — think time between its requests, the IPs,
// user agents and autonomous systems it used, the object ids it was shown (seen-filter.ts), its
// budget of extra body reads, and its (identity, endpoint) pairs.
import { Baseline } from './baseline';
import { BoundedTally } from './bounded-tally';
import { THINK_BINS } from './log-histogram';
import type { PairBaseline } from './pair-baseline';
import type { SeenFilter } from '../core/seen-filter';
import type { SessionState } from './session-state';

/** Distinct dimensions of an identity: endpoint templates, then object ids (template × id). */
export const IDENTITY_TEMPLATES = 0;
export const IDENTITY_IDS = 1;

export interface IdentityBounds {
  historySize: number;
  maxIps: number;
  maxUserAgents: number;
  maxAsns: number;
}

export class IdentityBaseline extends Baseline {
  readonly kind = 'identity';
  /** Gaps between requests within sessions (log-histogram.ts). */
  readonly think = new Uint8Array(THINK_BINS);
  ips: BoundedTally;
  userAgents: BoundedTally;
  /** Null until an ASN database names one. */
  asns: BoundedTally | null = null;
  /** Ids shown to this identity in the responses read; null until one was. */
  seen: SeenFilter | null = null;
  /** Its most recently active open session (derived: restored from the sessions at start). */
  lastSession: SessionState | null = null;
  /** Tokens for extra reads of list responses (refilled on packet time; empty at first, so one-off clients get none). */
  readTokens = 0;
  readTokensTs: number;
  /** Sessions ended so far. */
  sessions = 0;
  /** Pairs of this identity by endpoint key (the table of all pairs bounds them); null until the first. */
  pairs: Map<string, PairBaseline> | null = null;

  constructor(key: string, keyHash: number, ts: number, bounds: IdentityBounds) {
    super(key, keyHash, ts, bounds.historySize, { dimensions: 2, tenMinutes: true, profile: true });
    this.readTokensTs = ts;
    this.ips = new BoundedTally(bounds.maxIps);
    this.userAgents = new BoundedTally(bounds.maxUserAgents);
  }
}
