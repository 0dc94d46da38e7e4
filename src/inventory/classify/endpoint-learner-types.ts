// The shapes an endpoint learner (accumulator.ts) takes and gives: its options and bounds, the
// statistics it keeps per parameter, sensitive field and URL credential, the events `observe`
// emits, and the snapshot it is stored as. `LearnerState` is what merging reads from a live
// learner or a parsed snapshot. Split from accumulator.ts: the data apart from the code.
import type { AuthKind, Direction, ParamLocation, PiiKind, PiiRule, ValueFormat, ValueType } from './types';

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

/**
 * Everything a learner holds, as plain data: what `absorb` and `fromSnapshot` merge. Read from a
 * live learner (`state()`) or from a stored snapshot (`parseSnapshot`).
 */
export interface LearnerState {
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
