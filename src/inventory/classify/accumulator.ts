// Per-endpoint accumulation of what transactions taught (issue 4 §2): parameters with presence
// counts (required vs optional), types and formats with counts, sensitive data by kind per field,
// auth mechanisms, status codes, content types, response sizes and record counts, clients.
// Everything is bounded (parameters, PII fields, content types, clients) and overflow is counted.
import type { Counters } from '../../core/counters';
import type {
  AuthKind,
  Direction,
  ParamLocation,
  PiiKind,
  TransactionClassification,
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
}

export const DEFAULT_ENDPOINT_LEARNER_OPTIONS: EndpointLearnerOptions = {
  maxParams: 200,
  maxPiiFields: 256,
  maxContentTypes: 16,
  maxClients: 1000,
  maxAuthNames: 16,
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
}

/** Emitted by `observe` the first time something is seen on this endpoint. */
export interface LearnEvent {
  readonly type: 'new-param' | 'new-pii';
  readonly direction: Direction;
  readonly location: ParamLocation;
  readonly name: string;
  readonly kind?: PiiKind;
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
  readonly calls: number;
  readonly responses: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly statusCodes: Record<string, number>;
  readonly reqContentTypes: Record<string, number>;
  readonly respContentTypes: Record<string, number>;
  readonly params: readonly ParamSnapshot[];
  readonly paramsDropped: number;
  readonly pii: readonly PiiFieldStats[];
  readonly piiTotals: Partial<Record<PiiKind, number>>;
  readonly piiDropped: number;
  readonly auth: Partial<Record<AuthKind, number>>;
  readonly jwtAlgs: Record<string, number>;
  readonly apiKeyNames: Record<string, number>;
  readonly sessionCookies: Record<string, number>;
  readonly unauthenticatedSuccess: number;
  readonly responseBytes: { readonly count: number; readonly sum: number; readonly max: number };
  readonly records: { readonly count: number; readonly sum: number; readonly max: number; readonly lowerBounds: number } | null;
  readonly clients: number;
  readonly clientsOverflow: number;
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

/** Accumulates `TransactionClassification`s of one endpoint. */
export class EndpointLearner {
  private readonly opts: EndpointLearnerOptions;
  /** Parameters in first-seen order; `paramIndex` finds one by group (direction, status class, location) then name. */
  private readonly params: ParamStats[] = [];
  private readonly paramIndex: Record<Direction, Map<string, ParamIndex>> = { request: new Map(), response: new Map() };
  private readonly piiFields = new Map<string, PiiFieldStats>();
  private readonly piiTotals: Partial<Record<PiiKind, number>> = {};
  private readonly clientSet = new Set<string>();
  private calls = 0;
  private requests = 0;
  private responses = 0;
  /** JSON/form response bodies per status class: the denominator of response-field presence. */
  private readonly respBodies: Record<string, number> = {};
  private firstSeen: number | null = null;
  private lastSeen: number | null = null;
  private readonly statusCodes: Record<string, number> = {};
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

  get paramCount(): number {
    return this.params.length;
  }

  /** Grows each time a call shows something not seen before; a stable endpoint stops growing it. */
  get noveltyCount(): number {
    return this.novelties;
  }

  observe(c: TransactionClassification, meta: ObservationMeta): LearnEvent[] {
    const events: LearnEvent[] = [];
    const ts = meta.ts;
    this.calls++;
    this.firstSeen = this.firstSeen === null ? ts : Math.min(this.firstSeen, ts);
    this.lastSeen = this.lastSeen === null ? ts : Math.max(this.lastSeen, ts);
    if (meta.client) {
      if (this.clientSet.has(meta.client)) {
        /* known */
      } else if (this.clientSet.size < this.opts.maxClients) this.clientSet.add(meta.client);
      else {
        this.clientsOverflow++;
        this.counters?.inc('inventory.classify.clients_overflow');
      }
    }
    // request
    this.requests++;
    const rct = mediaType(meta.reqContentType);
    if (rct && this.reqCt[rct] === undefined && bumpBounded(this.reqCt, rct, this.opts.maxContentTypes)) this.novelties++;
    else if (rct) bumpBounded(this.reqCt, rct, this.opts.maxContentTypes);
    this.addParams('request', null, c.request.params, ts, events);
    this.addPii('request', c.request.pii, ts, events);
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

  private addParams(
    direction: Direction,
    cls: string | null,
    params: TransactionClassification['request']['params'],
    ts: number,
    events: LearnEvent[],
  ): void {
    if (params.length === 0) return;
    const byClass = this.paramIndex[direction];
    let index = byClass.get(cls ?? '');
    if (index === undefined) {
      index = newParamIndex();
      byClass.set(cls ?? '', index);
    }
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
      const key = `${direction}\u0000${p.location}\u0000${p.field}\u0000${p.kind}`;
      let s = this.piiFields.get(key);
      if (!s) {
        if (this.piiFields.size >= this.opts.maxPiiFields) {
          this.piiDropped++;
          this.counters?.inc('inventory.classify.pii_fields_overflow');
          continue;
        }
        s = { direction, location: p.location, field: p.field, kind: p.kind, count: 0, messages: 0, firstSeen: ts, lastSeen: ts };
        this.piiFields.set(key, s);
        this.novelties++;
        events.push({ type: 'new-pii', direction, location: p.location, name: p.field, kind: p.kind });
      }
      s.count += p.count;
      s.messages++;
      s.lastSeen = ts;
    }
  }

  /** Calls observed so far (cheaper than a snapshot). */
  snapshotCalls(): number {
    return this.calls;
  }

  snapshot(): EndpointSnapshot {
    const params: ParamSnapshot[] = [];
    for (const s of this.params) {
      const of = s.direction === 'request' ? this.requests : (this.respBodies[s.statusClass ?? ''] ?? 0);
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
    return {
      calls: this.calls,
      responses: this.responses,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      statusCodes: { ...this.statusCodes },
      reqContentTypes: { ...this.reqCt },
      respContentTypes: { ...this.respCt },
      params,
      paramsDropped: this.paramsDropped,
      pii: [...this.piiFields.values()].map((p) => ({ ...p })),
      piiTotals: { ...this.piiTotals },
      piiDropped: this.piiDropped,
      auth: { ...this.auth },
      jwtAlgs: { ...this.jwtAlgs },
      apiKeyNames: { ...this.apiKeyNames },
      sessionCookies: { ...this.sessionCookies },
      unauthenticatedSuccess: this.unauthSuccess,
      responseBytes: { ...this.bytes },
      records: this.records ? { ...this.records } : null,
      clients: this.clientSet.size,
      clientsOverflow: this.clientsOverflow,
    };
  }
}
