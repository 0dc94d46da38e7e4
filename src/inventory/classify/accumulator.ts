// Per-endpoint accumulation of what transactions taught (issue 4 §2): parameters with presence
// counts (required vs optional), types and formats with counts, sensitive data by kind per field,
// auth mechanisms, credentials sent in the URL, status codes, content types, response sizes and
// record counts, clients. Everything is bounded (parameters, PII fields, URL credentials, content
// types, clients) and overflow is counted. Sensitive values are kept only as redacted samples.
import type { Counters } from '../../core/counters';
import type {
  AuthKind,
  Direction,
  ParamLocation,
  PiiKind,
  PiiRule,
  TransactionClassification,
  UrlCredential,
  ValueFormat,
  ValueType,
} from './types';

export interface EndpointLearnerOptions {
  /** Distinct parameters tracked per endpoint (request and response together). Default 200. */
  readonly maxParams: number;
  /** Distinct (field, kind) sensitive-data entries per endpoint. Default 256. */
  readonly maxPiiFields: number;
  /** Distinct content types per direction. Default 16. */
  readonly maxContentTypes: number;
  /** Distinct clients counted exactly; beyond, only `clientsOverflow` grows. Default 1000. */
  readonly maxClients: number;
  /** Distinct JWT algs / API-key names kept. Default 16. */
  readonly maxAuthNames: number;
  /** Distinct query parameters that carried a credential, per endpoint. Default 32. */
  readonly maxUrlCredentials: number;
}

export const DEFAULT_ENDPOINT_LEARNER_OPTIONS: EndpointLearnerOptions = {
  maxParams: 200,
  maxPiiFields: 256,
  maxContentTypes: 16,
  maxClients: 1000,
  maxAuthNames: 16,
  maxUrlCredentials: 32,
};

export interface ParamStats {
  readonly direction: Direction;
  readonly location: ParamLocation;
  readonly name: string;
  /** Response fields: status class (`2xx`, `4xx` ...); null for request parameters. */
  readonly statusClass: string | null;
  /** Messages in which the parameter was present. */
  present: number;
  /** Messages per type seen. */
  readonly types: Partial<Record<ValueType, number>>;
  readonly formats: Partial<Record<ValueFormat, number>>;
  firstSeen: number;
  lastSeen: number;
}

export interface PiiFieldStats {
  readonly direction: Direction;
  readonly location: ParamLocation;
  readonly field: string;
  readonly kind: PiiKind;
  /** Values found, all messages together. */
  count: number;
  /** Messages with at least one. */
  messages: number;
  firstSeen: number;
  lastSeen: number;
  /** Rule that matched the first value, and that value redacted (rows of older builds lack them). */
  readonly rule?: PiiRule;
  readonly sample?: string;
}

/** A query parameter that carried a credential on this endpoint. */
export interface UrlCredentialStats {
  readonly name: string;
  readonly kind: PiiKind;
  /** Rule and redacted sample of the first sighting. */
  readonly rule: PiiRule;
  readonly sample: string;
  /** Calls that carried it. */
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Emitted by `observe` the first time something is seen on this endpoint: a parameter, a kind of
 * sensitive value in a field (`new-pii`, with the rule and a redacted sample), or a query parameter
 * carrying a credential (`credential-in-url`: location `query`, name, kind, rule, sample).
 */
export interface LearnEvent {
  readonly type: 'new-param' | 'new-pii' | 'credential-in-url';
  readonly direction: Direction;
  readonly location: ParamLocation;
  readonly name: string;
  readonly kind?: PiiKind;
  readonly rule?: PiiRule;
  readonly sample?: string;
}

/** Context of one observation that the classification itself does not carry. */
export interface ObservationMeta {
  readonly ts: number;
  readonly client?: string | null;
  readonly status: number | null;
  readonly reqContentType?: string | null;
  readonly respContentType?: string | null;
  readonly respBodyLen?: number;
}

export interface ParamSnapshot {
  readonly direction: Direction;
  readonly location: ParamLocation;
  readonly name: string;
  readonly statusClass: string | null;
  readonly present: number;
  /** Messages the presence is measured against. */
  readonly of: number;
  readonly presence: number;
  readonly required: boolean;
  /** Most frequent type (`integer` and `number` together count as `number`). */
  readonly type: ValueType;
  readonly types: Partial<Record<ValueType, number>>;
  readonly format: ValueFormat | null;
  readonly formats: Partial<Record<ValueFormat, number>>;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface EndpointSnapshot {
  /** Calls analysed in full. */
  readonly calls: number;
  readonly responses: number;
  /** Of the analysed calls. */
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /** Every call's status code, sampled-out calls included. */
  readonly statusCodes: Record<string, number>;
  readonly reqContentTypes: Record<string, number>;
  readonly respContentTypes: Record<string, number>;
  readonly params: readonly ParamSnapshot[];
  readonly paramsDropped: number;
  readonly pii: readonly PiiFieldStats[];
  readonly piiTotals: Partial<Record<PiiKind, number>>;
  readonly piiDropped: number;
  /** Query parameters that carried credentials, and the calls with one that did not fit the bound. */
  readonly urlCredentials: readonly UrlCredentialStats[];
  readonly urlCredentialsDropped: number;
  readonly auth: Partial<Record<AuthKind, number>>;
  readonly jwtAlgs: Record<string, number>;
  readonly apiKeyNames: Record<string, number>;
  readonly sessionCookies: Record<string, number>;
  readonly unauthenticatedSuccess: number;
  readonly responseBytes: { readonly count: number; readonly sum: number; readonly max: number };
  readonly records: { readonly count: number; readonly sum: number; readonly max: number; readonly lowerBounds: number } | null;
  /** Distinct clients (including clients rows of older builds counted without keeping their address). */
  readonly clients: number;
  /** Calls from clients beyond `maxClients`. */
  readonly clientsOverflow: number;
  /** The clients' addresses in first-seen order (bounded by `maxClients`), so a restored learner knows them. */
  readonly clientList: readonly string[];
  /** JSON/form response bodies per status class: what response-field presence is measured against. */
  readonly responseBodies: Record<string, number>;
  /** Calls only counted (sampling), and their status codes (also part of `statusCodes`). */
  readonly sampledOutCalls: number;
  readonly sampledOutStatusCodes: Record<string, number>;
}

/** Adds `by` to `rec[k]` and returns the new count (1 on a first sighting of a unit bump). */
function bump<K extends string>(rec: Partial<Record<K, number>>, k: K, by = 1): number {
  const n = (rec[k] ?? 0) + by;
  rec[k] = n;
  return n;
}

function bumpBounded(rec: Record<string, number>, k: string, max: number): boolean {
  if (rec[k] === undefined && Object.keys(rec).length >= max) return false;
  rec[k] = (rec[k] ?? 0) + 1;
  return true;
}

type ParamIndex = Record<ParamLocation, Map<string, ParamStats>>;
const newParamIndex = (): ParamIndex => ({ query: new Map(), body: new Map(), header: new Map(), cookie: new Map() });

export function statusClass(status: number | null): string {
  return status === null ? 'none' : `${Math.floor(status / 100)}xx`;
}

function mediaType(ct: string | null | undefined): string | null {
  if (!ct) return null;
  const semi = ct.indexOf(';');
  return (semi >= 0 ? ct.slice(0, semi) : ct).trim().toLowerCase().slice(0, 100);
}

/**
 * Everything a learner holds, as plain data: what `absorb` and `fromSnapshot` merge. Read from a
 * live learner (`state()`) or from a stored snapshot (`parseSnapshot`).
 */
interface LearnerState {
  calls: number;
  responses: number;
  firstSeen: number | null;
  lastSeen: number | null;
  /** Analysed calls only (a first sighting here is novelty). */
  statusCodes: Record<string, number>;
  sampledOutCalls: number;
  sampledOutStatusCodes: Record<string, number>;
  respBodies: Record<string, number>;
  reqCt: Record<string, number>;
  respCt: Record<string, number>;
  params: readonly ParamStats[];
  paramsDropped: number;
  pii: Iterable<PiiFieldStats>;
  piiTotals: Partial<Record<PiiKind, number>>;
  piiDropped: number;
  urlCredentials: Iterable<UrlCredentialStats>;
  urlCredentialsDropped: number;
  auth: Partial<Record<AuthKind, number>>;
  jwtAlgs: Record<string, number>;
  apiKeyNames: Record<string, number>;
  sessionCookies: Record<string, number>;
  unauthSuccess: number;
  bytes: { count: number; sum: number; max: number };
  records: { count: number; sum: number; max: number; lowerBounds: number } | null;
  clients: Iterable<string>;
  /** Clients counted without an address (rows of older builds kept only the count). */
  unlistedClients: number;
  clientsOverflow: number;
}

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
      let type: ValueType = 'string';
      let best = -1;
      const merged: Partial<Record<ValueType, number>> = { ...s.types };
      if (merged.integer !== undefined && merged.number !== undefined) {
        merged.number += merged.integer;
        delete merged.integer;
      }
      for (const [t, n] of Object.entries(merged) as Array<[ValueType, number]>) {
        if (t !== 'null' && n > best) {
          best = n;
          type = t;
        }
      }
      if (best < 0 && merged.null !== undefined) type = 'null';
      let format: ValueFormat | null = null;
      let fbest = 0;
      for (const [f, n] of Object.entries(s.formats) as Array<[ValueFormat, number]>) {
        if (n > fbest) {
          fbest = n;
          format = f;
        }
      }
      // a format holds only if (nearly) every string value had it
      if (format !== null && fbest < 0.9 * (s.types.string ?? 0)) format = null;
      params.push({
        direction: s.direction,
        location: s.location,
        name: s.name,
        statusClass: s.statusClass,
        present: s.present,
        of,
        presence: of > 0 ? s.present / of : 0,
        required: of > 0 && s.present >= of,
        type,
        types: { ...s.types },
        format,
        formats: { ...s.formats },
        firstSeen: s.firstSeen,
        lastSeen: s.lastSeen,
      });
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

const piiKey = (direction: Direction, location: ParamLocation, field: string, kind: PiiKind): string =>
  `${direction}\u0000${location}\u0000${field}\u0000${kind}`;

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function addAll<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const [k, n] of Object.entries(from) as Array<[K, number]>) bump(into, k, n);
}

/** Like `bumpBounded` for whole counts: a key that does not fit is dropped (as `observe` drops it). */
function addBounded(into: Record<string, number>, from: Record<string, number>, max: number): void {
  for (const [k, n] of Object.entries(from)) {
    if (into[k] === undefined && Object.keys(into).length >= max) continue;
    into[k] = (into[k] ?? 0) + n;
  }
}

// ---- reading stored snapshots (current and older formats), tolerant of damaged JSON ----

type Json = Record<string, unknown>;

const DIRECTIONS: ReadonlySet<string> = new Set(['request', 'response']);
const LOCATIONS: ReadonlySet<string> = new Set(['query', 'body', 'header', 'cookie']);

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const count = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
const time = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function counts<K extends string = string>(x: unknown): Record<K, number> {
  const out = {} as Record<K, number>;
  if (!isObject(x)) return out;
  for (const [k, v] of Object.entries(x)) if (count(v) > 0) out[k as K] = count(v);
  return out;
}

function parseParam(x: unknown): ParamStats | null {
  if (!isObject(x)) return null;
  const { direction, location, name, statusClass: cls } = x;
  if (typeof direction !== 'string' || !DIRECTIONS.has(direction) || typeof location !== 'string' || !LOCATIONS.has(location)) return null;
  if (typeof name !== 'string' || (cls !== null && typeof cls !== 'string')) return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  return {
    direction: direction as Direction, location: location as ParamLocation, name, statusClass: cls,
    present: count(x['present']), types: counts<ValueType>(x['types']), formats: counts<ValueFormat>(x['formats']),
    firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen,
  };
}

function parsePii(x: unknown): PiiFieldStats | null {
  if (!isObject(x)) return null;
  const { direction, location, field, kind } = x;
  if (typeof direction !== 'string' || !DIRECTIONS.has(direction) || typeof location !== 'string' || !LOCATIONS.has(location)) return null;
  if (typeof field !== 'string' || typeof kind !== 'string') return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  const { rule, sample } = x;
  return {
    direction: direction as Direction, location: location as ParamLocation, field, kind: kind as PiiKind,
    count: count(x['count']), messages: count(x['messages']), firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen,
    ...(typeof rule === 'string' ? { rule: rule as PiiRule } : {}),
    ...(typeof sample === 'string' ? { sample } : {}),
  };
}

function parseUrlCredential(x: unknown): UrlCredentialStats | null {
  if (!isObject(x)) return null;
  const { name, kind, rule, sample } = x;
  if (typeof name !== 'string' || typeof kind !== 'string' || typeof rule !== 'string' || typeof sample !== 'string') return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  return { name, kind: kind as PiiKind, rule: rule as PiiRule, sample, count: count(x['count']), firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen };
}

/** A stored snapshot as learner state. Older rows lack some fields; they are derived where they can be. */
function parseSnapshot(raw: unknown): LearnerState {
  const s = isObject(raw) ? raw : {};
  const params = (Array.isArray(s['params']) ? s['params'] : []).map(parseParam).filter((p): p is ParamStats => p !== null);
  // `statusCodes` holds every call's code; the analysed calls' are what is left after the sampled-out ones.
  // Older rows did not keep the sampled-out codes apart: there all of them count as analysed.
  const sampledOutStatusCodes = counts(s['sampledOutStatusCodes']);
  const statusCodes = counts(s['statusCodes']);
  for (const [code, n] of Object.entries(sampledOutStatusCodes)) {
    const left = (statusCodes[code] ?? 0) - n;
    if (left > 0) statusCodes[code] = left;
    else delete statusCodes[code];
  }
  // Older rows: a response field's `of` is its status class's body count (a class without fields is lost).
  let respBodies = counts(s['responseBodies']);
  if (!isObject(s['responseBodies'])) {
    respBodies = {};
    for (const p of Array.isArray(s['params']) ? (s['params'] as unknown[]) : []) {
      if (isObject(p) && p['direction'] === 'response' && (typeof p['statusClass'] === 'string' || p['statusClass'] === null)) {
        const cls = (p['statusClass'] as string | null) ?? '';
        respBodies[cls] = Math.max(respBodies[cls] ?? 0, count(p['of']));
      }
    }
  }
  const clientList = Array.isArray(s['clientList']) ? s['clientList'].filter((c): c is string => typeof c === 'string') : [];
  const bytes = isObject(s['responseBytes']) ? s['responseBytes'] : {};
  const rec = isObject(s['records']) ? s['records'] : null;
  return {
    calls: count(s['calls']),
    responses: count(s['responses']),
    firstSeen: time(s['firstSeen']),
    lastSeen: time(s['lastSeen']),
    statusCodes,
    sampledOutCalls: count(s['sampledOutCalls']),
    sampledOutStatusCodes,
    respBodies,
    reqCt: counts(s['reqContentTypes']),
    respCt: counts(s['respContentTypes']),
    params,
    paramsDropped: count(s['paramsDropped']),
    pii: (Array.isArray(s['pii']) ? s['pii'] : []).map(parsePii).filter((p): p is PiiFieldStats => p !== null),
    piiTotals: counts<PiiKind>(s['piiTotals']),
    piiDropped: count(s['piiDropped']),
    urlCredentials: (Array.isArray(s['urlCredentials']) ? s['urlCredentials'] : []).map(parseUrlCredential).filter((u): u is UrlCredentialStats => u !== null),
    urlCredentialsDropped: count(s['urlCredentialsDropped']),
    auth: counts<AuthKind>(s['auth']),
    jwtAlgs: counts(s['jwtAlgs']),
    apiKeyNames: counts(s['apiKeyNames']),
    sessionCookies: counts(s['sessionCookies']),
    unauthSuccess: count(s['unauthenticatedSuccess']),
    bytes: { count: count(bytes['count']), sum: count(bytes['sum']), max: count(bytes['max']) },
    records: rec ? { count: count(rec['count']), sum: count(rec['sum']), max: count(rec['max']), lowerBounds: count(rec['lowerBounds']) } : null,
    clients: clientList,
    // older rows kept only the number of distinct clients
    unlistedClients: Math.max(0, count(s['clients']) - clientList.length),
    clientsOverflow: count(s['clientsOverflow']),
  };
}
