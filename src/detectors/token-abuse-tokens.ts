// What the token-abuse detector remembers per credential (by its keyed fingerprint, never the
// secret): the client family and address that first presented it, and its uses after its JWT `exp`.
// A token is issued to one client: the same token later presented by another program from another
// place has been copied. Bounded: at most `max` tokens, the oldest forgotten first (counted).
import type { Counters } from '../core/counters';
import type { EvidenceItem } from '../core/finding';
import type { TransactionCredential } from '../http/types';
import { clientFamily } from './token-abuse-net';

export interface TokenRecord {
  /** Client family (token-abuse-net.ts) and address of its first use. */
  readonly family: number;
  readonly firstIp: string;
  readonly first: number;
  /** Uses after `exp` plus the grace, and how many of those the API answered 2xx. */
  expiredUses: number;
  expiredAccepted: number;
  /** Seconds past `exp` of the latest expired use. */
  pastExp: number;
  /** Expired uses from another client family or address than the first use. */
  expiredElsewhere: number;
  /** A few of the expired uses (null until the first). */
  expiredEvidence: EvidenceItem[] | null;
  /** What was reported of its expired uses: 0 nothing, 1 refused uses, 2 accepted ones. */
  expiredReported: number;
}

export class TokenRegistry {
  private readonly byHash = new Map<string, TokenRecord>();

  constructor(
    private readonly max: number,
    private readonly counters: Counters,
  ) {}

  /** The record of `hash`, made at its first use (the oldest record makes room when full). */
  see(hash: string, ip: string, ua: string | null, ts: number): TokenRecord {
    const known = this.byHash.get(hash);
    if (known !== undefined) return known;
    if (this.byHash.size >= this.max) {
      const oldest = this.byHash.keys().next();
      if (oldest.done !== true) this.byHash.delete(oldest.value);
      this.counters.inc('detectors.token-abuse.tokens_overflow');
    }
    const fresh: TokenRecord = { family: clientFamily(ua), firstIp: ip, first: ts, expiredUses: 0, expiredAccepted: 0, pastExp: 0, expiredElsewhere: 0, expiredEvidence: null, expiredReported: 0 };
    this.byHash.set(hash, fresh);
    return fresh;
  }

  get size(): number {
    return this.byHash.size;
  }
}

/**
 * The credential that stands for the client's token: a bearer token, Basic credential or API key
 * before a session cookie (the identity stage prefers them in that order by default); null when the
 * request carries none.
 */
export function tokenOf(creds: readonly TransactionCredential[]): TransactionCredential | null {
  let cookie: TransactionCredential | null = null;
  for (let i = 0; i < creds.length; i++) {
    const c = creds[i] as TransactionCredential;
    if (c.kind !== 'session-cookie') return c;
    cookie ??= c;
  }
  return cookie;
}
