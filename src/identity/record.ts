// One identity in memory: what it used (bounded tallies), when (hour of week), with which tokens, and
// its open sessions. Updated for every request without allocating once its values are known, and
// kept small (most identities make few requests from one place): hours are a short list, sessions a
// field. Converted to and from the stored row, and merged with a stored row the first time it is
// written (an identity forgotten from memory comes back as a fresh record, and its stored past is
// folded in on flush, where reading the database is allowed).
import { hourOfWeek, HOURS_PER_WEEK } from '../core/hour-of-week';
import type { JwtClaims } from '../core/jwt';
import type { Session } from './sessions';
import {
  IDENTITY_SOURCE_KINDS,
  type ClaimSummary,
  type EndpointUse,
  type IdentityKind,
  type IdentityRow,
  type IdentitySourceKind,
  type IdentityStats,
  type IpUse,
  type LastSession,
  type UserAgentUse,
} from './types';
import { emptyTally, mergeTally, tallyOf, tallyUses, type Tally } from './uses';

export { hourOfWeek, HOURS_PER_WEEK };

const SOURCE_INDEX = new Map<IdentitySourceKind, number>(IDENTITY_SOURCE_KINDS.map((k, i) => [k, i]));

/**
 * Adds `n` to the count of `key` in a list of [key, count] pairs (short lists: an identity is active
 * in few hours and named in few ways); `hint` is where the last key sat. Returns where `key` sits.
 */
function addCount(pairs: number[], key: number, n: number, hint: number): number {
  if (hint >= 0 && pairs[hint] === key) {
    pairs[hint + 1] = (pairs[hint + 1] ?? 0) + n;
    return hint;
  }
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === key) {
      pairs[i + 1] = (pairs[i + 1] ?? 0) + n;
      return i;
    }
  }
  pairs.push(key, n);
  return pairs.length - 2;
}

const ipOf = (u: IpUse): string => u.ip;
const agentOf = (u: UserAgentUse): string => u.userAgent;
const endpointOf = (u: EndpointUse): string => u.endpoint;

export interface Bounds {
  readonly ips: number;
  readonly userAgents: number;
  readonly endpoints: number;
}

export class IdentityRecord {
  firstSeen = Infinity;
  lastSeen = -Infinity;
  requests = 0;
  ips: Tally<IpUse> = emptyTally();
  userAgents: Tally<UserAgentUse> = emptyTally();
  endpoints: Tally<EndpointUse> = emptyTally();
  /** Hour-of-week counts as pairs: [hour, count, hour, count, ...], in the order first seen. */
  private hours: number[] = [];
  /** Where the last request's hour sits in `hours` (requests come in runs within an hour). */
  private lastHourSlot = -1;
  /** Requests per source as pairs: [source index, count, ...]. */
  private sourceCounts: number[] = [];
  private lastSourceSlot = -1;
  tokenExpiry: number | null = null;
  expiredTokenRequests = 0;
  claims: ClaimSummary | null = null;
  /** Sessions started. */
  sessions = 0;
  /** The latest session of a named identity (open while requests come within the idle timeout). */
  session: Session | null = null;
  /** The latest sessions of an `ip:` identity, one per user agent ('' without one); made on first use. */
  sessionsByAgent: Map<string, Session> | null = null;
  /** Last sessions read from the stored row, continued by the session tracker at start. */
  storedSessions: LastSession[] | null = null;
  /** Changed since it was last written. */
  dirty = false;
  /** The database may hold an older row of it that is not folded in yet. */
  partial: boolean;

  /** `kind:value`: ctx.identity, alert identities, the stored key. */
  readonly id: string;

  /** `value` is what follows `kind:` (a user name or its hash, a credential fingerprint, an address). */
  constructor(
    readonly kind: IdentityKind,
    readonly value: string,
    readonly display: string,
    public source: IdentitySourceKind,
    partial: boolean,
  ) {
    this.id = `${kind}:${value}`;
    this.partial = partial;
  }

  /** One request at packet time `ts`, named through `source`. */
  noteRequest(ts: number, source: IdentitySourceKind): void {
    this.requests++;
    if (ts < this.firstSeen) this.firstSeen = ts;
    if (ts > this.lastSeen) this.lastSeen = ts;
    this.lastHourSlot = addCount(this.hours, hourOfWeek(ts), 1, this.lastHourSlot);
    this.lastSourceSlot = addCount(this.sourceCounts, SOURCE_INDEX.get(source) ?? 0, 1, this.lastSourceSlot);
  }

  /** The JWT claims a request carried: the latest expiry, a use after expiry, the non-secret claims. Returns true for a use after expiry. */
  noteClaims(claims: JwtClaims, ts: number): boolean {
    let expired = false;
    if (claims.exp !== null) {
      if (this.tokenExpiry === null || claims.exp > this.tokenExpiry) this.tokenExpiry = claims.exp;
      if (ts > claims.exp) {
        this.expiredTokenRequests++;
        expired = true;
      }
    }
    const c = this.claims;
    if (c === null || c.iss !== claims.iss || c.aud !== claims.aud || c.scope !== claims.scope || c.role !== claims.role) {
      // claims objects are shared per distinct token, so this allocates once per token change
      this.claims = { iss: claims.iss, aud: claims.aud, scope: claims.scope, role: claims.role };
    }
    return expired;
  }

  toRow(): IdentityRow {
    const hoursOfWeek: Record<string, number> = {};
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.hours.length; i += 2) pairs.push([this.hours[i] ?? 0, this.hours[i + 1] ?? 0]);
    for (const [h, n] of pairs.sort((a, b) => a[0] - b[0])) hoursOfWeek[String(h)] = n;
    const sources: Partial<Record<IdentitySourceKind, number>> = {};
    for (let i = 0; i < this.sourceCounts.length; i += 2) {
      const kind = IDENTITY_SOURCE_KINDS[this.sourceCounts[i] ?? 0];
      if (kind !== undefined) sources[kind] = this.sourceCounts[i + 1] ?? 0;
    }
    const stats: IdentityStats = {
      ips: tallyUses(this.ips),
      ipsOverflow: this.ips.overflow,
      userAgents: tallyUses(this.userAgents),
      userAgentsOverflow: this.userAgents.overflow,
      endpoints: tallyUses(this.endpoints),
      endpointsOverflow: this.endpoints.overflow,
      hoursOfWeek,
      sources,
      tokenExpiry: this.tokenExpiry,
      expiredTokenRequests: this.expiredTokenRequests,
      claims: this.claims,
      sessions: this.sessions,
      lastSessions: this.lastSessions(),
    };
    return { id: this.id, kind: this.kind, display: this.display, source: this.source, firstSeen: this.firstSeen, lastSeen: this.lastSeen, requests: this.requests, stats };
  }

  private lastSessions(): LastSession[] {
    const out: LastSession[] = [];
    const add = (s: Session): void => {
      const o: LastSession = { id: s.id, started: s.started, lastSeen: s.lastSeen, requests: s.requests };
      if (this.kind === 'ip') o.userAgent = s.slot;
      out.push(o);
    };
    if (this.session !== null) add(this.session);
    if (this.sessionsByAgent !== null) for (const s of this.sessionsByAgent.values()) add(s);
    return out;
  }

  /** A record continuing from its stored row (its open sessions are restored by the session tracker). */
  static fromRow(row: IdentityRow): IdentityRecord {
    const r = new IdentityRecord(row.kind, row.id.slice(row.kind.length + 1), row.display, row.source, false);
    r.absorb(row, { ips: Infinity, userAgents: Infinity, endpoints: Infinity });
    r.storedSessions = row.stats.lastSessions;
    return r;
  }

  /**
   * Folds the stored row of this identity (older traffic) into this record (newer traffic): counts
   * add up, spans widen, older tallied values keep their places.
   */
  absorb(row: IdentityRow, bounds: Bounds): void {
    const s = row.stats;
    this.firstSeen = Math.min(this.firstSeen, row.firstSeen);
    this.lastSeen = Math.max(this.lastSeen, row.lastSeen);
    this.requests += row.requests;
    this.source = row.source;
    this.ips = mergeTally(tallyOf(s.ips, ipOf, s.ipsOverflow), this.ips, bounds.ips, ipOf);
    this.userAgents = mergeTally(tallyOf(s.userAgents, agentOf, s.userAgentsOverflow), this.userAgents, bounds.userAgents, agentOf);
    this.endpoints = mergeTally(tallyOf(s.endpoints, endpointOf, s.endpointsOverflow), this.endpoints, bounds.endpoints, endpointOf);
    // stored counts first, newer after: the order first seen
    const newerHours = this.hours;
    this.hours = [];
    for (const [h, n] of Object.entries(s.hoursOfWeek)) {
      const hour = Number(h);
      if (hour >= 0 && hour < HOURS_PER_WEEK) addCount(this.hours, hour, n, -1);
    }
    for (let i = 0; i < newerHours.length; i += 2) addCount(this.hours, newerHours[i] ?? 0, newerHours[i + 1] ?? 0, -1);
    this.lastHourSlot = -1;
    const newerSources = this.sourceCounts;
    this.sourceCounts = [];
    for (const [k, n] of Object.entries(s.sources) as [IdentitySourceKind, number][]) {
      const i = SOURCE_INDEX.get(k);
      if (i !== undefined) addCount(this.sourceCounts, i, n, -1);
    }
    for (let i = 0; i < newerSources.length; i += 2) addCount(this.sourceCounts, newerSources[i] ?? 0, newerSources[i + 1] ?? 0, -1);
    this.lastSourceSlot = -1;
    if (s.tokenExpiry !== null && (this.tokenExpiry === null || s.tokenExpiry > this.tokenExpiry)) this.tokenExpiry = s.tokenExpiry;
    this.expiredTokenRequests += s.expiredTokenRequests;
    this.claims ??= s.claims;
    this.sessions += s.sessions;
    this.partial = false;
  }
}
