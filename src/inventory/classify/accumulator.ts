// Per-endpoint accumulation of what transactions taught (issue 4 §2): parameters with presence
// counts (required vs optional), types and formats with counts, sensitive data by kind per field,
// auth mechanisms, credentials sent in the URL, status codes, content types, response sizes and
// record counts, clients. Everything is bounded (parameters, PII fields, URL credentials, content
// types, clients) and overflow is counted. Sensitive values are kept only as redacted samples.
// The learner stays one class (a little over 400 lines): observing, merging (absorb /
// fromSnapshot) and snapshotting all read and write the same private counts, and splitting it
// would mean exposing them. Its data shapes are in endpoint-learner-types.ts, counting helpers in
// learner-counting.ts, snapshot reading and parameter summaries in endpoint-snapshot.ts.
import type { Counters } from '../../core/counters';
import {
  DEFAULT_ENDPOINT_LEARNER_OPTIONS,
  type EndpointLearnerOptions,
  type EndpointSnapshot,
  type LearnerState,
  type LearnEvent,
  type ObservationMeta,
  type ParamSnapshot,
  type ParamStats,
  type PiiFieldStats,
  type UrlCredentialStats,
} from './endpoint-learner-types';
import { paramSnapshot, parseSnapshot } from './endpoint-snapshot';
import { addAll, addBounded, bump, bumpBounded, maxOf, mediaType, minOf, piiKey, statusClass } from './learner-counting';
import type { AuthKind, Direction, ParamLocation, PiiKind, TransactionClassification, UrlCredential } from './types';

type ParamIndex = Record<ParamLocation, Map<string, ParamStats>>;
const newParamIndex = (): ParamIndex => ({ query: new Map(), body: new Map(), header: new Map(), cookie: new Map() });

/** Accumulates `TransactionClassification`s of one endpoint. */
export class EndpointLearner {
  private readonly opts: EndpointLearnerOptions;
  /** Parameters in first-seen order; `paramIndex` finds one by group (direction, status class, location) then name. */
  private readonly params: ParamStats[] = [];
  private readonly paramIndex: Record<Direction, Map<string, ParamIndex>> = { request: new Map(), response: new Map() };
  private readonly piiFields = new Map<string, PiiFieldStats>();
  private readonly piiTotals: Partial<Record<PiiKind, number>> = {};
  /** By parameter name. */
  private readonly urlCredentials = new Map<string, UrlCredentialStats>();
  private urlCredentialsDropped = 0;
  private readonly clientSet = new Set<string>();
  /** Clients of restored rows known only by count; they take room under `maxClients` too. */
  private unlistedClients = 0;
  /** Analysed calls (every one is a request). */
  private calls = 0;
  private responses = 0;
  /** JSON/form response bodies per status class: the denominator of response-field presence. */
  private readonly respBodies: Record<string, number> = {};
  private firstSeen: number | null = null;
  private lastSeen: number | null = null;
  /** Of analysed calls; `sampledOutStatusCodes` holds the others (kept apart: only analysed calls bring novelty). */
  private readonly statusCodes: Record<string, number> = {};
  private sampledOutCalls = 0;
  private readonly sampledOutStatusCodes: Record<string, number> = {};
  private readonly reqCt: Record<string, number> = {};
  private readonly respCt: Record<string, number> = {};
  private readonly auth: Partial<Record<AuthKind, number>> = {};
  private readonly jwtAlgs: Record<string, number> = {};
  private readonly apiKeyNames: Record<string, number> = {};
  private readonly sessionCookies: Record<string, number> = {};
  private unauthSuccess = 0;
  private readonly bytes = { count: 0, sum: 0, max: 0 };
  private records: { count: number; sum: number; max: number; lowerBounds: number } | null = null;
  private paramsDropped = 0;
  private piiDropped = 0;
  private clientsOverflow = 0;
  /** First sightings so far (parameter, type of a parameter, sensitive field, status code, auth kind, content type). */
  private novelties = 0;

  constructor(
    opts: Partial<EndpointLearnerOptions> = {},
    private readonly counters?: Counters,
  ) {
    this.opts = { ...DEFAULT_ENDPOINT_LEARNER_OPTIONS, ...opts };
  }

  /**
   * A learner that continues as if it had seen the calls behind `snapshot` (a stored `snapshot()`,
   * also as written by older builds: without client addresses, response-body counts or sampled-out
   * status codes, which are then approximated). Malformed parts are skipped; null gives an empty learner.
   */
  static fromSnapshot(snapshot: unknown, opts: Partial<EndpointLearnerOptions> = {}, counters?: Counters): EndpointLearner {
    const learner = new EndpointLearner(opts, counters);
    learner.merge(parseSnapshot(snapshot));
    return learner;
  }

  get paramCount(): number {
    return this.params.length;
  }

  /** Kinds of sensitive data seen in this endpoint's requests or responses. */
  get sensitiveKinds(): PiiKind[] {
    return Object.keys(this.piiTotals) as PiiKind[];
  }

  /** Grows each time a call shows something not seen before; a stable endpoint stops growing it. */
  get noveltyCount(): number {
    return this.novelties;
  }

  /** Calls analysed plus calls only counted. */
  get totalCalls(): number {
    return this.calls + this.sampledOutCalls;
  }

  observe(c: TransactionClassification, meta: ObservationMeta): LearnEvent[] {
    const events: LearnEvent[] = [];
    const ts = meta.ts;
    this.calls++;
    this.firstSeen = this.firstSeen === null ? ts : Math.min(this.firstSeen, ts);
    this.lastSeen = this.lastSeen === null ? ts : Math.max(this.lastSeen, ts);
    if (meta.client) this.addClient(meta.client);
    // request
    const rct = mediaType(meta.reqContentType);
    if (rct && this.reqCt[rct] === undefined && bumpBounded(this.reqCt, rct, this.opts.maxContentTypes)) this.novelties++;
    else if (rct) bumpBounded(this.reqCt, rct, this.opts.maxContentTypes);
    this.addParams('request', null, c.request.params, ts, events);
    this.addPii('request', c.request.pii, ts, events);
    if (c.request.urlCredentials.length > 0) this.addUrlCredentials(c.request.urlCredentials, ts, events);
    // auth
    for (const k of c.auth.kinds) if (bump(this.auth, k) === 1) this.novelties++;
    if (c.auth.jwtAlg) bumpBounded(this.jwtAlgs, c.auth.jwtAlg, this.opts.maxAuthNames);
    for (const n of c.auth.apiKeyHeaders) bumpBounded(this.apiKeyNames, `header:${n}`, this.opts.maxAuthNames);
    for (const n of c.auth.apiKeyQuery) bumpBounded(this.apiKeyNames, `query:${n}`, this.opts.maxAuthNames);
    for (const n of c.auth.sessionCookies) bumpBounded(this.sessionCookies, n, this.opts.maxAuthNames);
    if (c.auth.unauthenticatedSuccess) this.unauthSuccess++;
    // response
    if (meta.status !== null && bump(this.statusCodes, String(meta.status)) === 1) this.novelties++;
    const resp = c.response;
    if (resp) {
      this.responses++;
      const pct = mediaType(meta.respContentType);
      if (pct && this.respCt[pct] === undefined && bumpBounded(this.respCt, pct, this.opts.maxContentTypes)) this.novelties++;
      else if (pct) bumpBounded(this.respCt, pct, this.opts.maxContentTypes);
      if (meta.respBodyLen !== undefined) {
        this.bytes.count++;
        this.bytes.sum += meta.respBodyLen;
        this.bytes.max = Math.max(this.bytes.max, meta.respBodyLen);
      }
      const cls = statusClass(meta.status);
      if (resp.bodyKind === 'json' || resp.bodyKind === 'form') {
        bump(this.respBodies, cls);
        this.addParams('response', cls, resp.params, ts, events);
      }
      this.addPii('response', resp.pii, ts, events);
      if (resp.recordCount !== null) {
        const r = (this.records ??= { count: 0, sum: 0, max: 0, lowerBounds: 0 });
        r.count++;
        r.sum += resp.recordCount;
        r.max = Math.max(r.max, resp.recordCount);
        if (!resp.recordCountComplete) r.lowerBounds++;
      }
    }
    return events;
  }

  /** A call counted without analysis (sampling): only its status code is kept. */
  countSampledOut(status: number | null): void {
    this.sampledOutCalls++;
    if (status !== null) bump(this.sampledOutStatusCodes, String(status));
  }

  /**
   * Folds another endpoint's learning into this one (template merges): counts and histograms add,
   * time spans widen, parameters and sensitive fields not known here are appended in their order.
   * Bounds still apply: what does not fit is dropped and counted like on `observe` (a dropped
   * parameter or field adds the messages it was seen in; a client beyond `maxClients` adds one to
   * `clientsOverflow`, not its calls, which are unknown). Accepts a learner or a stored snapshot.
   */
  absorb(other: unknown): this {
    this.merge(other instanceof EndpointLearner ? other.state() : parseSnapshot(other));
    return this;
  }

  private state(): LearnerState {
    return {
      calls: this.calls, responses: this.responses, firstSeen: this.firstSeen, lastSeen: this.lastSeen,
      statusCodes: this.statusCodes, sampledOutCalls: this.sampledOutCalls, sampledOutStatusCodes: this.sampledOutStatusCodes,
      respBodies: this.respBodies, reqCt: this.reqCt, respCt: this.respCt, params: this.params, paramsDropped: this.paramsDropped,
      pii: this.piiFields.values(), piiTotals: this.piiTotals, piiDropped: this.piiDropped,
      urlCredentials: this.urlCredentials.values(), urlCredentialsDropped: this.urlCredentialsDropped, auth: this.auth,
      jwtAlgs: this.jwtAlgs, apiKeyNames: this.apiKeyNames, sessionCookies: this.sessionCookies, unauthSuccess: this.unauthSuccess,
      bytes: this.bytes, records: this.records, clients: this.clientSet, unlistedClients: this.unlistedClients, clientsOverflow: this.clientsOverflow,
    };
  }

  private merge(o: LearnerState): void {
    this.calls += o.calls;
    this.responses += o.responses;
    this.firstSeen = minOf(this.firstSeen, o.firstSeen);
    this.lastSeen = maxOf(this.lastSeen, o.lastSeen);
    addAll(this.statusCodes, o.statusCodes);
    this.sampledOutCalls += o.sampledOutCalls;
    addAll(this.sampledOutStatusCodes, o.sampledOutStatusCodes);
    addAll(this.respBodies, o.respBodies);
    addBounded(this.reqCt, o.reqCt, this.opts.maxContentTypes);
    addBounded(this.respCt, o.respCt, this.opts.maxContentTypes);
    for (const p of o.params) this.mergeParam(p);
    this.paramsDropped += o.paramsDropped;
    for (const p of o.pii) this.mergePii(p);
    addAll(this.piiTotals, o.piiTotals);
    this.piiDropped += o.piiDropped;
    for (const u of o.urlCredentials) this.mergeUrlCredential(u);
    this.urlCredentialsDropped += o.urlCredentialsDropped;
    addAll(this.auth, o.auth);
    addBounded(this.jwtAlgs, o.jwtAlgs, this.opts.maxAuthNames);
    addBounded(this.apiKeyNames, o.apiKeyNames, this.opts.maxAuthNames);
    addBounded(this.sessionCookies, o.sessionCookies, this.opts.maxAuthNames);
    this.unauthSuccess += o.unauthSuccess;
    this.bytes.count += o.bytes.count;
    this.bytes.sum += o.bytes.sum;
    this.bytes.max = Math.max(this.bytes.max, o.bytes.max);
    if (o.records) {
      const r = (this.records ??= { count: 0, sum: 0, max: 0, lowerBounds: 0 });
      r.count += o.records.count;
      r.sum += o.records.sum;
      r.max = Math.max(r.max, o.records.max);
      r.lowerBounds += o.records.lowerBounds;
    }
    for (const c of o.clients) this.addClient(c);
    const room = Math.max(0, this.opts.maxClients - this.clientSet.size - this.unlistedClients);
    const unlisted = Math.min(room, o.unlistedClients);
    this.unlistedClients += unlisted;
    this.countClientOverflow(o.unlistedClients - unlisted + o.clientsOverflow, o.unlistedClients - unlisted);
    // what a learner that saw every call would count as first sightings
    this.novelties = this.countNovelties();
  }

  private mergeParam(p: ParamStats): void {
    const byName = this.paramGroup(p.direction, p.statusClass)[p.location];
    const s = byName.get(p.name);
    if (s) {
      s.present += p.present;
      addAll(s.types, p.types);
      addAll(s.formats, p.formats);
      s.firstSeen = Math.min(s.firstSeen, p.firstSeen);
      s.lastSeen = Math.max(s.lastSeen, p.lastSeen);
    } else if (this.params.length < this.opts.maxParams) {
      const copy: ParamStats = { ...p, types: { ...p.types }, formats: { ...p.formats } };
      this.params.push(copy);
      byName.set(p.name, copy);
    } else {
      this.paramsDropped += p.present;
      if (p.present > 0) this.counters?.inc('inventory.classify.params_overflow', p.present);
    }
  }

  private mergePii(p: PiiFieldStats): void {
    const key = piiKey(p.direction, p.location, p.field, p.kind);
    const s = this.piiFields.get(key);
    if (s) {
      s.count += p.count;
      s.messages += p.messages;
      s.firstSeen = Math.min(s.firstSeen, p.firstSeen);
      s.lastSeen = Math.max(s.lastSeen, p.lastSeen);
    } else if (this.piiFields.size < this.opts.maxPiiFields) {
      this.piiFields.set(key, { ...p });
    } else {
      this.piiDropped += p.messages;
      if (p.messages > 0) this.counters?.inc('inventory.classify.pii_fields_overflow', p.messages);
    }
  }

  private mergeUrlCredential(u: UrlCredentialStats): void {
    const s = this.urlCredentials.get(u.name);
    if (s) {
      s.count += u.count;
      s.firstSeen = Math.min(s.firstSeen, u.firstSeen);
      s.lastSeen = Math.max(s.lastSeen, u.lastSeen);
    } else if (this.urlCredentials.size < this.opts.maxUrlCredentials) {
      this.urlCredentials.set(u.name, { ...u });
    } else {
      this.urlCredentialsDropped += u.count;
      if (u.count > 0) this.counters?.inc('inventory.classify.url_credentials_overflow', u.count);
    }
  }

  private countNovelties(): number {
    let n = this.params.length + this.piiFields.size + this.urlCredentials.size;
    for (const p of this.params) n += Object.keys(p.types).length;
    for (const rec of [this.statusCodes, this.auth, this.reqCt, this.respCt]) n += Object.keys(rec).length;
    return n;
  }

  private addClient(client: string): void {
    if (this.clientSet.has(client)) return;
    if (this.clientSet.size + this.unlistedClients < this.opts.maxClients) this.clientSet.add(client);
    else this.countClientOverflow(1, 1);
  }

  /** `n` more overflowing calls, `hits` of them bound hits now (the rest were counted when they happened). */
  private countClientOverflow(n: number, hits: number): void {
    this.clientsOverflow += n;
    if (hits > 0) this.counters?.inc('inventory.classify.clients_overflow', hits);
  }

  private paramGroup(direction: Direction, cls: string | null): ParamIndex {
    const byClass = this.paramIndex[direction];
    let index = byClass.get(cls ?? '');
    if (index === undefined) {
      index = newParamIndex();
      byClass.set(cls ?? '', index);
    }
    return index;
  }

  private addParams(
    direction: Direction,
    cls: string | null,
    params: TransactionClassification['request']['params'],
    ts: number,
    events: LearnEvent[],
  ): void {
    if (params.length === 0) return;
    const index = this.paramGroup(direction, cls);
    for (const p of params) {
      const byName = index[p.location];
      let s = byName.get(p.name);
      if (!s) {
        if (this.params.length >= this.opts.maxParams) {
          this.paramsDropped++;
          this.counters?.inc('inventory.classify.params_overflow');
          continue;
        }
        s = { direction, location: p.location, name: p.name, statusClass: cls, present: 0, types: {}, formats: {}, firstSeen: ts, lastSeen: ts };
        this.params.push(s);
        byName.set(p.name, s);
        this.novelties++;
        events.push({ type: 'new-param', direction, location: p.location, name: p.name });
      }
      s.present++;
      s.lastSeen = ts;
      for (const t of p.types) if (bump(s.types, t) === 1) this.novelties++;
      for (const f of p.formats) bump(s.formats, f);
    }
  }

  private addPii(direction: Direction, pii: TransactionClassification['request']['pii'], ts: number, events: LearnEvent[]): void {
    for (const p of pii) {
      bump(this.piiTotals, p.kind, p.count);
      const key = piiKey(direction, p.location, p.field, p.kind);
      let s = this.piiFields.get(key);
      if (!s) {
        if (this.piiFields.size >= this.opts.maxPiiFields) {
          this.piiDropped++;
          this.counters?.inc('inventory.classify.pii_fields_overflow');
          continue;
        }
        s = { direction, location: p.location, field: p.field, kind: p.kind, count: 0, messages: 0, firstSeen: ts, lastSeen: ts, rule: p.rule, sample: p.sample };
        this.piiFields.set(key, s);
        this.novelties++;
        events.push({ type: 'new-pii', direction, location: p.location, name: p.field, kind: p.kind, rule: p.rule, sample: p.sample });
      }
      s.count += p.count;
      s.messages++;
      s.lastSeen = ts;
    }
  }

  private addUrlCredentials(found: readonly UrlCredential[], ts: number, events: LearnEvent[]): void {
    for (const u of found) {
      let s = this.urlCredentials.get(u.name);
      if (!s) {
        if (this.urlCredentials.size >= this.opts.maxUrlCredentials) {
          this.urlCredentialsDropped++;
          this.counters?.inc('inventory.classify.url_credentials_overflow');
          continue;
        }
        s = { name: u.name, kind: u.kind, rule: u.rule, sample: u.sample, count: 0, firstSeen: ts, lastSeen: ts };
        this.urlCredentials.set(u.name, s);
        this.novelties++;
        events.push({ type: 'credential-in-url', direction: 'request', location: 'query', name: u.name, kind: u.kind, rule: u.rule, sample: u.sample });
      }
      s.count++;
      s.lastSeen = ts;
    }
  }

  /** Calls analysed so far (cheaper than a snapshot). */
  snapshotCalls(): number {
    return this.calls;
  }

  snapshot(): EndpointSnapshot {
    const params: ParamSnapshot[] = [];
    for (const s of this.params) {
      const of = s.direction === 'request' ? this.calls : (this.respBodies[s.statusClass ?? ''] ?? 0);
      params.push(paramSnapshot(s, of));
    }
    const statusCodes = { ...this.statusCodes };
    addAll(statusCodes, this.sampledOutStatusCodes);
    return {
      calls: this.calls,
      responses: this.responses,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      statusCodes,
      reqContentTypes: { ...this.reqCt },
      respContentTypes: { ...this.respCt },
      params,
      paramsDropped: this.paramsDropped,
      pii: [...this.piiFields.values()].map((p) => ({ ...p })),
      piiTotals: { ...this.piiTotals },
      piiDropped: this.piiDropped,
      urlCredentials: [...this.urlCredentials.values()].map((u) => ({ ...u })),
      urlCredentialsDropped: this.urlCredentialsDropped,
      auth: { ...this.auth },
      jwtAlgs: { ...this.jwtAlgs },
      apiKeyNames: { ...this.apiKeyNames },
      sessionCookies: { ...this.sessionCookies },
      unauthenticatedSuccess: this.unauthSuccess,
      responseBytes: { ...this.bytes },
      records: this.records ? { ...this.records } : null,
      clients: this.clientSet.size + this.unlistedClients,
      clientsOverflow: this.clientsOverflow,
      clientList: [...this.clientSet],
      responseBodies: { ...this.respBodies },
      sampledOutCalls: this.sampledOutCalls,
      sampledOutStatusCodes: { ...this.sampledOutStatusCodes },
    };
  }
}

/** The learned statistics of two stored rows as one (human merges of stored endpoints). */
export function mergeSnapshots(into: unknown, from: unknown, opts: Partial<EndpointLearnerOptions> = {}, counters?: Counters): EndpointSnapshot {
  return EndpointLearner.fromSnapshot(into, opts, counters).absorb(from).snapshot();
}
