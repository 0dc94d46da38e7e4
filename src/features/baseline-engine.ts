// Updates the four baselines a transaction touches — its identity, its client IP, its endpoint and
// the (identity, endpoint) pair — in O(1) per transaction without allocating in the common case:
// one reused Observation, endpoint baselines cached by the inventory's EndpointRef object, pairs
// found through their identity, object ids hashed in place. Bodies are read only when
// body-sampling.ts says so. Sessions (the identity stage's, else one per identity) end on an idle
// gap and are handed to the session listeners.
import type { Counters } from '../core/counters';
import type { EndpointRef } from '../core/finding';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { BaselineTable } from './baseline-table';
import { BodyLearner, unreadRecords } from './body-learner';
import { BodySampler } from './body-sampling';
import { BoundedTally, TALLY_OVERFLOW } from './bounded-tally';
import type { FeaturesConfig } from './config';
import { ENDPOINT_CALLERS, EndpointBaseline, endpointKey } from './endpoint-baseline';
import { combineHashes, hashString } from '../core/hashing';
import { IDENTITY_IDS, IDENTITY_TEMPLATES, IdentityBaseline, type IdentityBounds } from './identity-baseline';
import { IP_IDENTITIES, IP_TEMPLATES, IpBaseline } from './ip-baseline';
import { hourOfWeek } from './hour-of-week';
import { histogramAdd } from './log-histogram';
import { errorMetric, M_REQUESTS, newObservation } from './metrics';
import { extractIdHashes, MAX_IDS_PER_CALL } from './object-ids';
import { PAIR_IDS, PairBaseline, pairKey } from './pair-baseline';
import { admissionFilter, type SeenFilter } from '../core/seen-filter';
import { SessionState } from './session-state';

/** The baselines of the transaction being processed: what later consumers read during onTransaction. */
export interface CurrentBaselines {
  identity: IdentityBaseline | null;
  clientIp: IpBaseline | null;
  endpoint: EndpointBaseline | null;
  pair: PairBaseline | null;
  session: SessionState | null;
}

/** Autonomous system of an address (`AS13335`), or null; from an offline database when one is configured. */
export type AsnLookup = (ip: string) => string | null;

export class BaselineEngine {
  readonly identities: BaselineTable<IdentityBaseline>;
  readonly clientIps: BaselineTable<IpBaseline>;
  readonly endpoints: BaselineTable<EndpointBaseline>;
  readonly pairs: BaselineTable<PairBaseline>;
  readonly sessions: BaselineTable<SessionState>;
  readonly current: CurrentBaselines = { identity: null, clientIp: null, endpoint: null, pair: null, session: null };
  readonly identityBounds: IdentityBounds;
  /** Told when a session ends (idle for longer than sessionIdleSec), before it is removed. */
  onSessionEnd: ((session: SessionState) => void) | null = null;

  private readonly byRef = new WeakMap<EndpointRef, EndpointBaseline>();
  /** `ip:<addr>` identities by address, for transactions the identity stage did not name. */
  private readonly fallbackByIp = new Map<string, IdentityBaseline>();
  private readonly obs = newObservation();
  private readonly idHashes = new Uint32Array(MAX_IDS_PER_CALL);
  private readonly sampler: BodySampler;
  private readonly bodies: BodyLearner;
  /** Identities seen once (admitOnSecondRequest); null when every identity is admitted at once. */
  admission: SeenFilter | null;
  /** The admission filter changed since it was last written. */
  admissionChanged = false;
  /** Identities were forgotten since their sessions were last dropped. */
  private identitiesForgotten = false;
  /** Key hash of the unadmitted identity of the transaction in hand. */
  private unadmittedHash = 0;

  constructor(
    private readonly config: Readonly<FeaturesConfig>,
    private readonly counters: Counters,
    private readonly asnOf: AsnLookup | null = null,
  ) {
    this.identityBounds = {
      historySize: config.historyWindows,
      maxIps: config.maxIpsPerIdentity,
      maxUserAgents: config.maxUserAgentsPerIdentity,
      maxAsns: config.maxAsnsPerIdentity,
    };
    this.sampler = new BodySampler(config.bodySampling);
    this.bodies = new BodyLearner(config, counters, this.sampler);
    this.admission = config.admitOnSecondRequest ? admissionFilter(config.admissionBits) : null;
    this.pairs = new BaselineTable<PairBaseline>(config.maxPairs, counters, 'features.pairs.evicted', (p) => {
      this.identities.get(p.identityKey)?.pairs?.delete(p.endpointKey);
    });
    this.identities = new BaselineTable<IdentityBaseline>(config.maxIdentities, counters, 'features.identities.evicted', (id) => {
      for (const p of id.pairs?.values() ?? []) this.pairs.remove(p);
      id.pairs = null;
      this.identitiesForgotten = true;
      if (id.key.startsWith('ip:')) this.fallbackByIp.delete(id.key.slice(3));
    });
    this.sessions = new BaselineTable<SessionState>(config.maxSessions, counters, 'features.sessions.evicted', (session) => {
      if (session.identity.lastSession === session) session.identity.lastSession = null;
    });
    this.clientIps = new BaselineTable<IpBaseline>(config.maxClientIps, counters, 'features.client_ips.evicted');
    this.endpoints = new BaselineTable<EndpointBaseline>(config.maxEndpoints, counters, 'features.endpoints.evicted');
  }

  /** Indexes an open session read from the database (after its identity). */
  restoreSession(session: SessionState): void {
    this.sessions.load(session);
    const id = session.identity;
    if (id.lastSession === null || session.last > id.lastSession.last) id.lastSession = session;
  }

  /** Indexes a baseline read from the database (identities before their pairs); false when it has no place. */
  restore(b: IdentityBaseline | IpBaseline | EndpointBaseline | PairBaseline): boolean {
    if (b instanceof IdentityBaseline) {
      this.identities.load(b);
      if (b.key.startsWith('ip:')) this.fallbackByIp.set(b.key.slice(3), b);
    } else if (b instanceof IpBaseline) this.clientIps.load(b);
    else if (b instanceof EndpointBaseline) this.endpoints.load(b);
    else {
      const owner = this.identities.get(b.identityKey);
      if (!owner) return false;
      this.pairs.load(b);
      owner.pairs ??= new Map();
      owner.pairs.set(b.endpointKey, b);
    }
    return true;
  }

  observe(tx: HttpTransaction, ctx: Readonly<TransactionContext>): void {
    const ts = tx.ts;
    const o = this.obs;
    o.ts = ts;
    o.hourOfWeek = hourOfWeek(ts);
    o.error = errorMetric(tx.status);
    o.bytes = tx.respBodyLen;
    o.records = 0;
    o.idRequest = 0;
    o.unseenId = 0;
    o.newFields = 0;
    const clientIp = ctx.clientIp ?? tx.clientIp;
    const id = this.identityOf(ctx.identity, clientIp);
    const idHash = id === null ? this.unadmittedHash : id.keyHash;
    const ip = this.clientIpOf(clientIp, ts);
    const ep = ctx.endpoint === null ? null : this.endpointOf(ctx.endpoint, ts);
    const pair = ep === null || id === null ? null : this.pairOf(id, ep, ts);
    ip.advance(ts);
    ep?.advance(ts);
    pair?.advance(ts);
    let gap = -1;
    let session: SessionState | null = null;
    if (id !== null) {
      id.advance(ts);
      session = this.sessionOf(id, ctx.session, ts);
      if ((session.counts[M_REQUESTS] as number) > 0) {
        gap = Math.max(0, ts - session.last);
        histogramAdd(id.think, gap);
      }
    }
    if (ep !== null) {
      if (id !== null && pair !== null && session !== null) this.countIds(tx, id, ep, pair, session);
      if (this.sampler.responseEligible(tx)) o.records = id !== null && this.sampler.readResponse(ep, id, ts) ? this.bodies.readResponse(tx, ep, id) : unreadRecords(ep, tx.respBodyLen);
      if (this.sampler.readRequest(tx, ep)) o.newFields = this.bodies.readRequest(tx, ep);
      ip.addDistinct(IP_TEMPLATES, ep.keyHash);
      ep.addDistinct(ENDPOINT_CALLERS, idHash);
      ep.count(o);
      this.endpoints.markDirty(ep);
    }
    ip.addDistinct(IP_IDENTITIES, idHash);
    ip.count(o);
    this.clientIps.markDirty(ip);
    const ua = tx.userAgent;
    if (ua !== null && ip.userAgents.note(ua, ts) === TALLY_OVERFLOW) this.counters.inc('features.user_agents.overflow');
    if (id !== null && session !== null) {
      if (ep !== null) {
        id.addDistinct(IDENTITY_TEMPLATES, ep.keyHash);
        session.addTemplate(ep.keyHash);
      }
      this.noteSources(ua, id, clientIp, ts);
      id.count(o);
      session.count(o, gap, clientIp);
      this.identities.markDirty(id);
      this.sessions.markDirty(session);
    }
    if (pair !== null) {
      pair.count(o);
      this.pairs.markDirty(pair);
    }
    const cur = this.current;
    cur.identity = id;
    cur.clientIp = ip;
    cur.endpoint = ep;
    cur.pair = pair;
    cur.session = session;
  }

  /**
   * The open session of this request: the identity stage's session id, else the identity's own
   * key. A session idle for longer than sessionIdleSec ends first (the same rule as
   * sweepSessions, so it ends alike whether a tick or a request notices first).
   */
  private sessionOf(id: IdentityBaseline, sessionId: string | null, ts: number): SessionState {
    const key = sessionId ?? id.key;
    let session = this.sessions.get(key);
    if (session !== undefined && (session.identity !== id || ts - session.last > this.config.sessionIdleSec)) {
      if (session.identity === id) this.endSession(session);
      else this.sessions.remove(session);
      session = undefined;
    }
    if (session === undefined) {
      session = new SessionState(key, id, ts);
      this.sessions.insert(session);
    }
    id.lastSession = session;
    return session;
  }

  /** Ends the sessions idle for longer than sessionIdleSec at packet time `now`. */
  sweepSessions(now: number): void {
    const idle = this.config.sessionIdleSec;
    for (const session of [...this.sessions.byKey.values()]) if (now - session.last > idle) this.endSession(session);
  }

  /** Sessions of identities just forgotten go with them (one pass per eviction batch). */
  private dropOrphanSessions(): void {
    this.identitiesForgotten = false;
    for (const session of [...this.sessions.byKey.values()]) if (session.identity.evicted) this.sessions.remove(session);
  }

  private endSession(session: SessionState): void {
    const id = session.identity;
    id.sessions++;
    this.identities.markDirty(id);
    this.onSessionEnd?.(session);
    this.sessions.remove(session);
    if (id.lastSession === session) id.lastSession = null;
  }

  /**
   * The identity's baseline; null while a credential identity is not admitted (its first request,
   * when admitOnSecondRequest), with `unadmittedHash` set to its key's hash for the distinct counts.
   */
  private identityOf(named: string | null, clientIp: string): IdentityBaseline | null {
    if (named === null) {
      const fallback = this.fallbackByIp.get(clientIp);
      if (fallback) return fallback;
    } else {
      const known = this.identities.get(named);
      if (known) return known;
    }
    const key = named ?? `ip:${clientIp}`;
    const hash = hashString(key);
    const admission = this.admission;
    // an `ip:` identity is its client IP, which has a baseline from the first request anyway
    if (admission !== null && named !== null && !named.startsWith('ip:') && !admission.has(hash)) {
      if (admission.add(hash)) this.counters.inc('features.admission.rotated');
      this.admissionChanged = true;
      this.unadmittedHash = hash;
      return null;
    }
    const fresh = new IdentityBaseline(key, hash, this.obs.ts, this.identityBounds);
    this.identities.insert(fresh);
    if (this.identitiesForgotten) this.dropOrphanSessions();
    if (key.startsWith('ip:')) this.fallbackByIp.set(key.slice(3), fresh);
    return fresh;
  }

  private clientIpOf(addr: string, ts: number): IpBaseline {
    const known = this.clientIps.get(addr);
    if (known) return known;
    const fresh = new IpBaseline(addr, hashString(addr), ts, this.config.historyWindows, this.config.maxUserAgentsPerIdentity);
    this.clientIps.insert(fresh);
    return fresh;
  }

  private endpointOf(ref: EndpointRef, ts: number): EndpointBaseline {
    const cached = this.byRef.get(ref);
    // the inventory renames an endpoint in place when templates merge: look again then
    if (cached && !cached.evicted && cached.template === ref.template && cached.host === ref.host) return cached;
    const key = endpointKey(ref.host, ref.method, ref.template);
    let ep = this.endpoints.get(key);
    if (!ep) {
      ep = new EndpointBaseline(key, hashString(key), ts, this.config.historyWindows, ref.host, ref.method, ref.template);
      this.endpoints.insert(ep);
    }
    this.byRef.set(ref, ep);
    return ep;
  }

  private pairOf(id: IdentityBaseline, ep: EndpointBaseline, ts: number): PairBaseline {
    const known = id.pairs?.get(ep.key);
    if (known) return known;
    const key = pairKey(id.key, ep.key);
    const fresh = new PairBaseline(key, hashString(key), ts, this.config.historyWindows, id.key, ep.key);
    this.pairs.insert(fresh);
    id.pairs ??= new Map();
    id.pairs.set(ep.key, fresh);
    return fresh;
  }

  /** Object ids in the path: distinct counts, and whether the identity was ever shown them. */
  private countIds(tx: HttpTransaction, id: IdentityBaseline, ep: EndpointBaseline, pair: PairBaseline, session: SessionState): void {
    const path = tx.path;
    if (path === null) return;
    const n = extractIdHashes(path, ep.ids, this.idHashes);
    if (n === 0) return;
    const seen = id.seen;
    let unseen = 0;
    for (let i = 0; i < n; i++) {
      const h = this.idHashes[i] as number;
      pair.addDistinct(PAIR_IDS, h);
      const scoped = combineHashes(ep.keyHash, h);
      id.addDistinct(IDENTITY_IDS, scoped);
      session.addId(scoped);
      if (seen !== null && !seen.has(h)) unseen = 1;
    }
    // judged only once the identity was shown some ids: before that every id would look unseen
    if (seen !== null && seen.total > 0) {
      this.obs.idRequest = 1;
      this.obs.unseenId = unseen;
    }
  }

  private noteSources(ua: string | null, id: IdentityBaseline, clientIp: string, ts: number): void {
    if (id.ips.note(clientIp, ts) === TALLY_OVERFLOW) this.counters.inc('features.identity_ips.overflow');
    if (ua !== null && id.userAgents.note(ua, ts) === TALLY_OVERFLOW) this.counters.inc('features.user_agents.overflow');
    if (this.asnOf !== null) {
      const asn = this.asnOf(clientIp);
      if (asn !== null) {
        id.asns ??= new BoundedTally(this.config.maxAsnsPerIdentity);
        if (id.asns.note(asn, ts) === TALLY_OVERFLOW) this.counters.inc('features.asns.overflow');
      }
    }
  }
}
