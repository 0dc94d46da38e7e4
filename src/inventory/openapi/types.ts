// Types of the OpenAPI part of the inventory: the normalised spec model (import), the observed-endpoint
// input (what the inventory learned from traffic), match results, diff results and export input.

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE' | 'QUERY';
export const HTTP_METHODS: readonly string[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'query'];

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** A JSON Schema object as found in a spec, with local `$ref`s inlined (bounded; see `ImportOptions`). */
export type SchemaObject = Record<string, unknown>;

export type ParamLocation = 'path' | 'query' | 'header' | 'cookie';

/** One parameter of a spec operation, normalised from 3.x `schema` or 2.0 `type`/`format`. */
export interface SpecParameter {
  name: string;
  in: ParamLocation;
  required: boolean;
  deprecated: boolean;
  /** JSON type(s) from the schema (3.1 may give several); empty when the schema has no `type`. */
  types: JsonType[];
  format?: string;
  schema?: SchemaObject;
}

export interface SpecBody {
  required: boolean;
  /** media type → schema (undefined when the media type has no schema). */
  content: Record<string, SchemaObject | undefined>;
}

export interface SpecResponse {
  /** '200', '4XX' or 'default', as written in the spec. */
  status: string;
  content: Record<string, SchemaObject | undefined>;
}

export type SecuritySchemeKind = 'basic' | 'bearer' | 'http' | 'apiKey' | 'oauth2' | 'openIdConnect' | 'mutualTLS' | 'unknown';

/** A security scheme resolved from `components.securitySchemes` / `securityDefinitions`. */
export interface ResolvedScheme {
  /** The key under securitySchemes. */
  name: string;
  kind: SecuritySchemeKind;
  /** http: the scheme (basic, bearer, digest ...), lower-case. */
  scheme?: string;
  bearerFormat?: string;
  /** apiKey: where and under which name. */
  in?: 'header' | 'query' | 'cookie';
  paramName?: string;
  scopes?: string[];
}

/**
 * Effective security of an operation: OR over alternatives, each an AND of schemes.
 * `[]` = no security declared (anonymous); an alternative `[]` (from `{}`) = anonymous allowed.
 */
export type SecurityAlternatives = ResolvedScheme[][];

export interface ServerInfo {
  /** URL with server variables replaced by their defaults. */
  url: string;
  /** Lower-case host[:port] from the URL; undefined = any host (relative URL, 2.0 without `host`). */
  host?: string;
  /** Path part of the URL without trailing slash; '' for root. */
  basePath: string;
}

export interface SpecOperation {
  method: HttpMethod;
  /** Path template as written in the spec (`/users/{id}`), without server base path. */
  path: string;
  operationId?: string;
  summary?: string;
  deprecated: boolean;
  parameters: SpecParameter[];
  requestBody?: SpecBody;
  responses: SpecResponse[];
  security: SecurityAlternatives;
  /** Effective servers (operation > path item > document). */
  servers: ServerInfo[];
  /** JSON pointer of the operation in the document, e.g. `/paths/~1users~1{id}/get`. */
  pointer: string;
  /** Index of the owning spec in the list given to the matcher / diff. */
  specIndex: number;
}

export interface SpecIssue {
  file: string;
  pointer: string;
  message: string;
}

export interface ImportedSpec {
  file: string;
  /** '2.0', '3.0.1', '3.1.0' ... */
  specVersion: string;
  family: 'swagger2' | 'openapi3';
  title: string;
  version: string;
  /** Groups versions of one API for zombie (removed) detection; defaults to the title. */
  apiId: string;
  servers: ServerInfo[];
  securitySchemes: Record<string, ResolvedScheme>;
  operations: SpecOperation[];
  /** Non-fatal problems (external $refs left unresolved, cycles cut, depth limit hit ...). */
  warnings: SpecIssue[];
  /**
   * Hosts the operator bound this spec to (`inventory.specs[].hosts`: names, `host:port`, globs,
   * CIDRs). Absent: the hosts are learned from traffic (see `inventory/spec-binding.ts`).
   */
  hosts?: readonly string[];
}

// ---------------------------------------------------------------- observed side (input) ----

/** Location of a parameter seen in traffic. Body names are dotted paths (`address.city`, `items[].id`). */
export type ObservedParamLocation = ParamLocation | 'body';

export interface ObservedParam {
  location: ObservedParamLocation;
  name: string;
  /** Inferred JSON type; unknown when absent. */
  type?: JsonType;
  format?: string;
  /** Share of calls (0..1) carrying the parameter; export uses it for `required`. */
  presence?: number;
}

/**
 * Authentication seen on an endpoint. `none` means unauthenticated calls were seen AND answered
 * (the learner should only report it for non-401/403 answers); it drives the "auth drift" check.
 */
export type ObservedAuth =
  | { kind: 'none' }
  | { kind: 'basic' }
  | { kind: 'bearer'; jwt?: boolean }
  | { kind: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string }
  | { kind: 'other'; scheme: string };

/** JSON-schema-like shape of bodies seen, as the learner infers it. */
export interface BodyShape {
  type: JsonType | JsonType[];
  format?: string;
  properties?: Record<string, BodyShape>;
  /** On a property: share (0..1) of parent objects that had it; export marks ≥ requiredPresence as required. */
  presence?: number;
  items?: BodyShape;
}

export interface ObservedBody {
  contentType: string;
  shape?: BodyShape;
}

export interface ObservedResponseBody extends ObservedBody {
  status: number;
}

export interface ObservedEndpoint {
  /** Host header value, lower-case, may carry `:port`; folded hosts use `{tenant}` labels. '' = unknown. */
  host: string;
  method: string;
  /** Path template (`/users/{id:int}`) or concrete path (`/users/42`), no query string. */
  template: string;
  params?: ObservedParam[];
  /** Status code → calls. */
  statusCodes?: Record<string, number>;
  auth?: ObservedAuth[];
  requestBodies?: ObservedBody[];
  responseBodies?: ObservedResponseBody[];
  /** Epoch seconds (any unit works if `now` and `window` in `diffInventory` use the same). */
  firstSeen: number;
  lastSeen: number;
  calls: number;
}

// ---------------------------------------------------------------- matching / diff (output) ----

export interface OperationMatch {
  operation: SpecOperation;
  spec: ImportedSpec;
  /** The server base path stripped from the observed path ('' = none). */
  basePath: string;
  /** A version prefix stripped because the spec omits it (see `MatchOptions.versionPrefixes`). */
  strippedPrefix?: string;
  /** true when the observed method was HEAD and matched a GET operation. */
  methodFallback: boolean;
  /** Spec path parameter name → observed segment. */
  pathParams: Record<string, string>;
}

export type EndpointStatus = 'documented' | 'shadow' | 'zombie' | 'drift';

export type DriftKind = 'param' | 'param-type' | 'status' | 'auth';

export interface DriftItem {
  kind: DriftKind;
  /** e.g. `query:debug`, `status:500`, `auth:none`, `body:role`. */
  what: string;
  detail: string;
}

export interface EndpointDiff {
  endpoint: ObservedEndpoint;
  status: EndpointStatus;
  /** Present for documented / drift / zombie. */
  match?: OperationMatch;
  /** Zombie reason. */
  zombie?: { reason: 'deprecated' | 'removed'; lastVersion?: string; removedIn?: string };
  /** Drift items (also filled for zombies matched to a deprecated operation). */
  drift: DriftItem[];
  /** Shadow: the path is a spec operation under another API version than the spec's base path names. */
  otherVersion?: OtherVersion;
}

export interface OtherVersion {
  /** The version prefix seen, e.g. `/api/v2`. */
  seen: string;
  /** The spec's base path, e.g. `/api/v3`. */
  specBase: string;
  /** The operation it would be under the spec's version, e.g. `get /pet/{petId}`. */
  operation: string;
  /** The spec's `info.version`. */
  apiVersion: string;
}

export interface OperationDiff {
  spec: ImportedSpec;
  operation: SpecOperation;
  orphan: boolean;
  calls: number;
  lastSeen?: number;
  endpoints: number;
}

export interface InventoryDiff {
  endpoints: EndpointDiff[];
  /** Operations of the newest version of each API. */
  operations: OperationDiff[];
  counts: Record<EndpointStatus | 'orphan', number>;
}
