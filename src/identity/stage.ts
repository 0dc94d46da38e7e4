// The identity stage: for every transaction, who the client is (ctx.identity), from where
// (ctx.clientIp) and in which session (ctx.session), and what each identity did, kept in memory
// (bounded) and written to SQLite on the flush ticks of the packet clock. Two hooks: `resolve` runs
// first in the pipeline; `noteEndpoint` runs after the inventory, which is what maps the endpoint,
// and adds it to the identity the first hook resolved (identity and inventory each stay one job, and
// the inventory never needs to know about identities).
import type { Counters } from '../core/counters';
import type { EndpointRef } from '../core/finding';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { BatchWriter } from '../store/batch-writer';
import type { Db } from '../store/database';
import { Admission } from './admission';
import { Bindings, C_BINDINGS_EVICTED } from './bindings';
import type { IdentityConfig } from './config';
import { ClientAddress } from './forwarded';
import { GeoLookup, type GeoInfo } from './geo';
import { LoginDetector } from './login';
import { fingerprint, IdentityNaming } from './naming';
import { IdentityRecord, type Bounds } from './record';
import { Resolver } from './resolve';
import { sessionId, Sessions } from './sessions';
import { IdentityStore } from './store';
import { IdentityTable } from './table';
import type { EndpointUse, IdentityRow, IpUse, UserAgentUse } from './types';
import { noteUse, tallyGet } from './uses';

export const C_IPS_OVERFLOW = 'identity.ips.overflow';
export const C_USER_AGENTS_OVERFLOW = 'identity.user_agents.overflow';
export const C_ENDPOINTS_OVERFLOW = 'identity.endpoints.overflow';
export const C_EXPIRED_TOKEN_USE = 'identity.tokens.expired_use';
export const C_BINDINGS_LEARNED = 'identity.bindings.learned';
/** Longest packet-time gap between idle sweeps (they free memory; no decision waits for them). */
const MAX_SWEEP_INTERVAL_SEC = 60;

export interface IdentityStageOptions {
  /** The state database, or null to keep identities in memory for the run. */
  db: Db | null;
  dbFile: string;
  /** Rows written per flush (`store.maxRowsPerFlush`) and writes held while the disk refuses them. */
  maxRowsPerFlush: number;
  maxPendingWrites: number;
  /** The key of credential fingerprints, read when first needed. */
  installationKey: () => Buffer;
}

export class IdentityStage {
  private readonly counters: Counters;
  private readonly store: IdentityStore | null;
  private readonly naming: IdentityNaming;
  private readonly bindings: Bindings;
  private readonly sessions: Sessions;
  private readonly table: IdentityTable;
  private readonly resolver: Resolver;
  private readonly login: LoginDetector;
  private readonly clientAddress: ClientAddress;
  private readonly geo: GeoLookup;
  private readonly bounds: Bounds;
  private readonly endpointKeys = new WeakMap<EndpointRef, string>();
  private readonly admission: Admission | null;
  /** Filled by the table when a record is admitted on its second request (one object, reused). */
  private readonly firstRequest = { ts: NaN };
  /** The identity `resolve` chose for the transaction in hand, for `noteEndpoint`. */
  private current: IdentityRecord | null = null;
  private nextSweep = -Infinity;
  private readonly sweepEverySec: number;
  private readonly maxRowsPerFlush: number;
  /** Told when a flush fails (disk full ...); the writes stay queued and are retried next flush. */
  onStoreError: ((err: Error) => void) | null = null;

  /** Throws GeoError when a configured geo database cannot be read. */
  constructor(
    private readonly config: Readonly<IdentityConfig>,
    counters: Counters,
    opts: IdentityStageOptions,
  ) {
    this.counters = counters;
    this.bounds = { ips: config.maxIpsPerIdentity, userAgents: config.maxUserAgentsPerIdentity, endpoints: config.maxEndpointsPerIdentity };
    this.geo = new GeoLookup(config.geo, counters);
    this.store = opts.db ? new IdentityStore(opts.db, new BatchWriter(opts.db, opts.dbFile, opts.maxPendingWrites, counters)) : null;
    this.naming = new IdentityNaming(opts.installationKey, config.hashUsernames);
    this.bindings = new Bindings(config.maxBindings, (n) => counters.inc(C_BINDINGS_EVICTED, n));
    this.sessions = new Sessions(config.sessionIdleSec, config.maxSessions, counters);
    this.admission = config.admitOnSecondRequest ? new Admission(config.maxFirstSightings, config.knownFilterBits, counters) : null;
    this.table = new IdentityTable(config.maxIdentities, this.bounds, this.naming, this.sessions, this.store, counters, this.admission);
    this.resolver = new Resolver(config.precedence, this.naming, this.bindings);
    this.login = new LoginDetector(config.login, (c) => counters.inc(c));
    this.clientAddress = new ClientAddress(config.trustedProxies, counters);
    this.sweepEverySec = Math.min(MAX_SWEEP_INTERVAL_SEC, config.idleEvictSec / 10);
    this.maxRowsPerFlush = opts.maxRowsPerFlush;
    this.restore();
  }

  /** ASN and country of a client address from the configured offline databases (cached; none for private addresses). */
  geoOf(ip: string): GeoInfo {
    return this.geo.lookup(ip);
  }

  /** Whether a geo database is configured (else geoOf always answers nothing). */
  get hasGeo(): boolean {
    return this.geo.enabled;
  }

  /** Identities in memory. */
  get size(): number {
    return this.table.size;
  }

  /** The identities in memory, as rows (what the next flush would write, without a stored past folded in). */
  rows(): IdentityRow[] {
    return [...this.table.records()].map((r) => r.toRow());
  }

  /** Fills ctx.clientIp, ctx.identity and ctx.session. Synchronous, no I/O. */
  resolve(tx: HttpTransaction, ctx: TransactionContext): void {
    const ts = tx.ts;
    // the standard Forwarded header (RFC 7239) over X-Forwarded-For when a request has both
    const clientIp = this.clientAddress.resolve(tx.clientIp, tx.forwardedFor ?? tx.xForwardedFor);
    const loginUser = this.login.userOf(tx);
    const chosen = this.resolver.resolve(tx, clientIp, loginUser);
    let loginIdentity: string | null = null;
    if (loginUser !== null) {
      const user = this.naming.userValue(loginUser);
      this.bindLogin(tx, user);
      loginIdentity = `user:${user}`;
    }
    ctx.clientIp = clientIp;
    ctx.loginUser = loginIdentity;
    const first = this.firstRequest;
    const r = this.table.obtain(chosen.kind, chosen.value, chosen.source, ts, first);
    if (r === null) {
      // a first sighting: attributed, with the session id it keeps if a second request follows in time
      const id = `${chosen.kind}:${chosen.value}`;
      const exp = chosen.claims?.exp ?? null;
      if (exp !== null && ts > exp) this.counters.inc(C_EXPIRED_TOKEN_USE);
      this.current = null;
      ctx.identity = id;
      ctx.session = sessionId(id, '', ts);
      return;
    }
    if (!Number.isNaN(first.ts)) r.noteRequest(first.ts, chosen.source);
    r.noteRequest(ts, chosen.source);
    if (chosen.claims !== null && r.noteClaims(chosen.claims, ts)) this.counters.inc(C_EXPIRED_TOKEN_USE);
    if (noteUse(r.ips, clientIp, ts, this.bounds.ips, this.newIpUse) === null) this.counters.inc(C_IPS_OVERFLOW);
    const ua = tx.userAgent;
    if (ua !== null && noteUse(r.userAgents, ua, ts, this.bounds.userAgents, newUserAgentUse) === null) this.counters.inc(C_USER_AGENTS_OVERFLOW);
    // an `ip:` identity has a session per user agent, as far as its user agents are kept
    const agent = r.kind === 'ip' && ua !== null && tallyGet(r.userAgents, ua) !== undefined ? ua : '';
    const session = this.sessions.touch(r, agent, ts, first.ts);
    this.table.markDirty(r);
    this.current = r;
    ctx.identity = r.id;
    ctx.session = session.id;
  }

  /** After the inventory: the endpoint it mapped joins the identity's endpoints. */
  noteEndpoint(tx: HttpTransaction, ctx: TransactionContext): void {
    const r = this.current;
    const ref = ctx.endpoint;
    this.current = null;
    if (r === null || ref === null) return;
    let key = this.endpointKeys.get(ref);
    if (key === undefined) {
      key = `${ref.method} ${ref.host}${ref.template}`;
      this.endpointKeys.set(ref, key);
    }
    if (noteUse(r.endpoints, key, tx.ts, this.bounds.endpoints, newEndpointUse) === null) this.counters.inc(C_ENDPOINTS_OVERFLOW);
  }

  /** Forgets idle identities now and then on packet time. No I/O. */
  tick(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.sweepEverySec;
    this.table.sweepIdle(now, this.config.idleEvictSec);
  }

  /** Writes what changed: bindings, login-path verdicts, identities with their open sessions (at most `maxRowsPerFlush`). */
  flush(): number {
    const store = this.store;
    const bindings = this.bindings.take();
    const paths = this.login.paths.takeDirty();
    if (store !== null) {
      for (const c of bindings.removed) store.removeBinding(c);
      for (const b of bindings.changed) store.saveBinding(b);
      for (const p of paths) store.savePath(p);
    }
    const left = this.table.queueWrites(this.maxRowsPerFlush);
    if (store === null) {
      this.table.committed();
      return left;
    }
    const result = store.commit();
    if (result.error) this.onStoreError?.(result.error);
    else this.table.committed();
    return left;
  }

  /** Writes everything (end of replay, shutdown), the keys waiting for a second request too. */
  close(): void {
    if (this.store !== null && this.admission !== null) this.store.saveFirstSightings(this.admission.waitingEntries());
    let left = this.flush();
    while (left > 0) {
      const before = left;
      left = this.flush();
      if (left >= before) return; // the store refuses writes: retrying now would not help
    }
  }

  private readonly newIpUse = (ip: string, ts: number): IpUse => {
    const geo = this.geo.lookup(ip);
    const use: IpUse = { ip, requests: 1, firstSeen: ts, lastSeen: ts };
    if (geo.asn !== undefined) use.asn = geo.asn;
    if (geo.asOrg !== undefined) use.asOrg = geo.asOrg;
    if (geo.country !== undefined) use.country = geo.country;
    return use;
  };

  /**
   * A successful login binds to the user the session cookies it carried and the credentials its
   * response handed out: session cookies it set, API-key headers, tokens in a JSON body.
   */
  private bindLogin(tx: HttpTransaction, user: string): void {
    const status = tx.status;
    if (status === null || status < 200 || status >= 400) return;
    for (const c of tx.credentials) {
      if (c.kind === 'session-cookie') this.learnBinding(c.hash, user, tx.ts);
    }
    for (const hash of tx.issuedCredentials ?? []) this.learnBinding(hash, user, tx.ts);
    const tokens = this.login.tokensHandedOut(tx);
    for (const token of tokens) this.learnBinding(fingerprint(this.naming.key(), token), user, tx.ts);
  }

  private learnBinding(credential: string, user: string, ts: number): void {
    if (this.bindings.get(credential) === user) return;
    this.bindings.bind(credential, user, ts);
    this.counters.inc(C_BINDINGS_LEARNED);
  }

  /** Continues from the stored state: active identities, their open sessions, bindings, login paths. */
  private restore(): void {
    const store = this.store;
    if (store === null) return;
    for (const row of store.loadActive(this.config.idleEvictSec, this.config.maxIdentities)) {
      const r = IdentityRecord.fromRow(row);
      if (this.table.load(r)) this.sessions.restore(r);
    }
    if (this.admission !== null) {
      for (const id of store.recentIds(this.config.maxRememberedAtStart)) this.admission.remember(id);
      this.admission.loadWaiting(store.loadFirstSightings(this.config.maxFirstSightings));
    }
    this.bindings.load(store.loadBindings(this.config.maxBindings));
    this.login.paths.load(store.loadPaths(this.config.login.maxProbedPaths));
  }
}

function newUserAgentUse(userAgent: string, ts: number): UserAgentUse {
  return { userAgent, requests: 1, firstSeen: ts, lastSeen: ts };
}

function newEndpointUse(endpoint: string, ts: number): EndpointUse {
  return { endpoint, requests: 1, firstSeen: ts, lastSeen: ts };
}
