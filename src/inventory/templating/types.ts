// Public types and options of the path templater (see ./README.md for the placeholder syntax).

/** Types a path segment (or a host label) can be classified as when it becomes a parameter. */
export type SegmentType =
  | 'int' // decimal integer, optional minus sign
  | 'float' // decimal with a fraction (`1.5`); `1.0` right after `api` or as the first segment is a version
  | 'uuid' // 8-4-4-4-12 hex
  | 'oid' // 24 hex digits (MongoDB ObjectId)
  | 'hex' // >= 16 hex digits with at least one digit and one letter
  | 'token' // >= 20 base64/base64url characters with digits and letters (not a dashed slug)
  | 'alnum' // >= 6 ASCII letters and digits mixed (not `oauth2`, `sha256`: see classify.ts)
  | 'date' // 2024-01-31, 20240131, 2024-01-31T10:00:00Z
  | 'email' // sensitive
  | 'jwt' // sensitive
  | 'ipv4' // sensitive
  | 'phone' // +<7..15 digits>, sensitive
  | 'ssn' // US social security number 123-45-6789, sensitive
  | 'str' // a literal merged by the evidence gate
  | 'overflow' // a bound was reached; absorbs every value
  | 'any'; // a spec / user parameter without a declared type

/** Types whose values are personal or secret data; the lead's PII module may count them. */
export const SENSITIVE_TYPES: ReadonlySet<SegmentType> = new Set<SegmentType>(['email', 'jwt', 'ipv4', 'phone', 'ssn']);

export interface TemplatingOptions {
  /**
   * Evidence gate: distinct literal sibling values (under one host + method + parent prefix) whose key
   * sets agree before they merge into `{name:str}`. Also the number of agreeing tenant hosts before
   * `{tenant}.suffix` folding.
   */
  minDistinctValues: number;
  /** Evidence gate: largest Jaccard distance (0..1) between key sets that still counts as "agree". */
  maxKeyDistance: number;
  /** Bound: derived templates per host (all methods). Further new templates get `/{overflow}`. */
  maxTemplatesPerHost: number;
  /** Bound: distinct hosts (literal or folded). Further hosts are reported as host `{overflow}`. */
  maxHosts: number;
  /**
   * Bound: literal values tracked per parent while waiting for evidence (and literal hosts per suffix
   * waiting for tenant folding). Further new literals under that parent become `{overflow}`.
   */
  maxPendingPerParent: number;
  /** Bound: path segments kept; the rest of a longer path is absorbed by a final `{overflow}`. */
  maxSegments: number;
  /** Bound: evidence keys remembered per literal value / per pending host (union of observations). */
  maxKeysPerValue: number;
}

/** Defaults; the lead moves these into the config schema. */
export const DEFAULT_TEMPLATING_OPTIONS: Readonly<TemplatingOptions> = Object.freeze({
  minDistinctValues: 10,
  maxKeyDistance: 0.2,
  maxTemplatesPerHost: 2000,
  maxHosts: 10000,
  maxPendingPerParent: 256,
  maxSegments: 32,
  maxKeysPerValue: 64,
});

/** One observed request, as the lead passes it from an HTTP transaction. */
export interface Observation {
  /** Host header (or authority); port kept, case folded, trailing dot dropped. */
  host: string;
  method: string;
  /** Path without the query string (a `?...` suffix is cut off if present). */
  path: string;
  /** Request JSON keys and query parameter names. */
  requestKeys?: readonly string[];
  /** Response JSON keys. */
  responseKeys?: readonly string[];
  /**
   * HTTP status of the response, when known. An error response's keys describe the error, not the
   * endpoint, so they are no evidence; a value answered only 404/410 with no keys is a lookup miss
   * (`/user/nobody`), which joins the parameter at its position once there is one.
   */
  status?: number | null;
}

export interface TemplateParam {
  name: string;
  type: SegmentType;
  /** 0-based index of the path segment holding the parameter. */
  position: number;
}

/** A literal (or earlier) template that is now folded into another one; re-key stats from → to. */
export interface Remap {
  fromHost: string;
  toHost: string;
  method: string;
  from: string;
  /** New template, or null when the template was removed (split undone: paths re-derive literally). */
  to: string | null;
}

export type TemplateSource = 'derived' | 'approved' | 'spec' | 'overflow';

/**
 * Why a segment value is a client bug rather than a path: a language's rendering of a missing value
 * (`NaN`, `null`, `undefined`, `None`, `nil`, `Infinity`), an object rendered as text (`[object Object]`),
 * or a route placeholder nobody filled in (`{id}`, `{{id}}`, `${id}`, `:id`, `<id>`).
 */
export type JunkKind = 'null' | 'object' | 'placeholder';

/** A junk value at a parameter position: folded into that parameter and reported, never a new endpoint. */
export interface JunkValue {
  /** 0-based index of the path segment. */
  position: number;
  kind: JunkKind;
  /** The decoded segment; one of a fixed set of forms (placeholder names at most 64 characters). */
  value: string;
}

export interface TemplateResult {
  hostTemplate: string;
  template: string;
  params: TemplateParam[];
  source: TemplateSource;
  /** Templates folded during this call (evidence merges, host folds). Usually empty. */
  remapped: Remap[];
  /** Junk values at parameter positions in this request (client bugs); absent when there are none. */
  junk?: JunkValue[];
}

/** A fixed template: from a spec or a user decision. `host` / `method` may be `*`. */
export interface FixedTemplate {
  host: string;
  method: string;
  template: string;
  source: 'approved' | 'spec';
}

/**
 * Serialised tree node: t = terminal, c = children, e = evidence keys (literal candidate), m = merged
 * signature, n = never merge, x = literal candidate only ever answered 404/410, p = evidence keys of a typed parameter (`{alnum}`, and `{str}` once
 * typed parameters folded into it), f = typed keys folded into this node's `{str}` child. `p` and `f`
 * are absent in states written before typed folding; they load as empty.
 */
export interface NodeState {
  t?: 1;
  c?: [string, NodeState][];
  e?: string[];
  m?: string[];
  n?: 1;
  x?: 1;
  p?: string[];
  f?: string[];
}

export interface HostStateData {
  host: string;
  evidence?: string[];
  methods: [string, NodeState][];
}

export interface HostGateData {
  suffix: string;
  members: string[];
  merged?: string[];
  pinned?: string[];
}

/** Plain JSON state: persist with JSON.stringify, restore with PathTemplater.fromState. */
export interface TemplaterState {
  version: 1;
  hosts: HostStateData[];
  hostGates: HostGateData[];
  fixed: FixedTemplate[];
  counters: Record<string, number>;
}
