// Classification of observed endpoints against imported specs: documented / shadow / zombie / drift,
// and orphan spec operations (no traffic within a window).
//
// Specs sharing an `apiId` (default: `info.title`) are versions of one API, oldest first in the order
// given. Endpoints are matched against every version; the best match wins (see match.ts: base-path
// rank, then literal segments before parameters), the newest version on a tie. One whose best match is
// in an older version was removed from the spec and is a zombie ("removed"), as is one that matches a
// `deprecated` operation. An unmatched path that carries another version than a spec's versioned base
// path (`/api/v2/...` against `/api/v3`) is shadow with `otherVersion` set: an old API still answering. A documented endpoint whose traffic shows parameters, status codes or auth that the
// operation does not declare is "drift" (the items say which).
import { compareRanked, SpecMatcher, type MatchOptions, type OtherVersionMatch, type RankedMatch } from './match';
import { schemaTypes } from './operation-fields';
import { isObject } from './refs';
import type {
  DriftItem,
  EndpointDiff,
  EndpointStatus,
  ImportedSpec,
  InventoryDiff,
  JsonType,
  ObservedAuth,
  ObservedEndpoint,
  ObservedParam,
  OperationDiff,
  ResolvedScheme,
  SchemaObject,
  SpecOperation,
} from './types';

/** Request headers never reported as undeclared parameters (transport, content negotiation, auth carriers). */
export const STANDARD_HEADERS: readonly string[] = [
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection',
  'content-length', 'content-type', 'content-encoding', 'cookie', 'host', 'if-match', 'if-modified-since',
  'if-none-match', 'if-unmodified-since', 'keep-alive', 'origin', 'pragma', 'referer', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'user-agent', 'via', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
  'x-real-ip', 'x-request-id', 'forwarded', 'dnt', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest',
];

export interface DiffOptions extends MatchOptions {
  /** "Now" for the orphan window, in the unit of `ObservedEndpoint.lastSeen`. */
  now: number;
  /** Operations without traffic since `now - window` are orphans. */
  window: number;
  /** Headers ignored for drift (lower-case). Default `STANDARD_HEADERS`. */
  ignoreHeaders?: readonly string[];
  /** Status codes never reported as drift (e.g. 401 from an auth proxy). Default none. */
  ignoreStatusCodes?: readonly number[];
}

interface ApiGroup {
  id: string;
  /** Oldest first, as configured. */
  versions: ImportedSpec[];
  matchers: SpecMatcher[];
}

/**
 * The diff's state for one set of specs: compiled once, then asked per endpoint. `groups` limits an
 * endpoint to the APIs bound to its host (undefined: every API, each restricted by its servers' hosts).
 */
export class SpecDiffer {
  private readonly groups = new Map<string, ApiGroup>();
  private readonly ignoreHeaders: Set<string>;
  private readonly ignoreStatus: Set<number>;

  constructor(
    specs: readonly ImportedSpec[],
    private readonly opts: Omit<DiffOptions, 'now' | 'window'> = {},
  ) {
    for (const s of specs) {
      const g = this.groups.get(s.apiId) ?? { id: s.apiId, versions: [], matchers: [] };
      g.versions.push(s);
      g.matchers.push(new SpecMatcher([s], opts));
      this.groups.set(s.apiId, g);
    }
    this.ignoreHeaders = new Set((opts.ignoreHeaders ?? STANDARD_HEADERS).map((h) => h.toLowerCase()));
    this.ignoreStatus = new Set(opts.ignoreStatusCodes ?? []);
  }

  /** The newest version of every API. */
  get latest(): ImportedSpec[] {
    return [...this.groups.values()].map((g) => g.versions[g.versions.length - 1]).filter((s): s is ImportedSpec => s !== undefined);
  }

  classify(ep: ObservedEndpoint, groups?: ReadonlySet<string>): EndpointDiff {
    let best: { ranked: RankedMatch; group: ApiGroup; version: number } | undefined;
    for (const g of this.groups.values()) {
      if (groups && !groups.has(g.id)) continue;
      // Newest first, so a tie goes to the current version; an older version wins only with a better
      // match: a literal path it had (`/pet/findByTags`) beats the current version's `/pet/{petId}`.
      for (let i = g.versions.length - 1; i >= 0; i--) {
        const ranked = g.matchers[i]?.matchRanked(ep.host, ep.method, ep.template);
        if (ranked && (!best || compareRanked(ranked, best.ranked) < 0)) best = { ranked, group: g, version: i };
      }
    }
    if (!best) {
      const other = this.otherVersion(ep, groups);
      return other
        ? { endpoint: ep, status: 'shadow', drift: [], otherVersion: { seen: other.seen, specBase: other.specBase, operation: `${other.match.operation.method} ${other.match.operation.path}`, apiVersion: other.match.spec.version } }
        : { endpoint: ep, status: 'shadow', drift: [] };
    }
    const { ranked, group, version } = best;
    const match = ranked.match;
    if (version < group.versions.length - 1) {
      return { endpoint: ep, status: 'zombie', match, drift: [], zombie: { reason: 'removed', lastVersion: group.versions[version]?.version ?? '', removedIn: group.versions[version + 1]?.version ?? '' } };
    }
    const drift = driftOf(ep, match.operation, this.ignoreHeaders, this.ignoreStatus);
    const deprecated = match.operation.deprecated;
    const status: EndpointStatus = deprecated ? 'zombie' : drift.length > 0 ? 'drift' : 'documented';
    return { endpoint: ep, status, match, drift, ...(deprecated ? { zombie: { reason: 'deprecated' as const } } : {}) };
  }

  private otherVersion(ep: ObservedEndpoint, groups?: ReadonlySet<string>): OtherVersionMatch | undefined {
    for (const g of this.groups.values()) {
      if (groups && !groups.has(g.id)) continue;
      for (let i = g.versions.length - 1; i >= 0; i--) {
        const m = g.matchers[i]?.matchOtherVersion(ep.host, ep.method, ep.template);
        if (m) return m;
      }
    }
    return undefined;
  }

  /** Spec operations of the newest versions with their traffic; orphans have none since `now - window`. */
  operations(endpoints: readonly EndpointDiff[], now: number, window: number, groups?: ReadonlySet<string>): OperationDiff[] {
    const since = now - window;
    const usage = new Map<SpecOperation, { calls: number; lastSeen?: number; endpoints: number }>();
    for (const e of endpoints) {
      if (!e.match || e.zombie?.reason === 'removed') continue;
      const u = usage.get(e.match.operation) ?? { calls: 0, endpoints: 0 };
      u.calls += e.endpoint.calls;
      u.endpoints++;
      u.lastSeen = Math.max(u.lastSeen ?? -Infinity, e.endpoint.lastSeen);
      usage.set(e.match.operation, u);
    }
    const out: OperationDiff[] = [];
    for (const spec of this.latest) {
      if (groups && !groups.has(spec.apiId)) continue;
      for (const op of spec.operations) {
        const u = usage.get(op);
        out.push({
          spec,
          operation: op,
          orphan: u?.lastSeen === undefined || u.lastSeen < since,
          calls: u?.calls ?? 0,
          endpoints: u?.endpoints ?? 0,
          ...(u?.lastSeen !== undefined ? { lastSeen: u.lastSeen } : {}),
        });
      }
    }
    return out;
  }
}

/**
 * Every endpoint against every spec, each operation restricted to its servers' hosts (a relative
 * server matches any host). The inventory binds specs to hosts first (`spec-binding.ts`) and asks
 * `SpecDiffer.classify` with the APIs bound to each endpoint's host instead.
 */
export function diffInventory(observed: readonly ObservedEndpoint[], specs: readonly ImportedSpec[], opts: DiffOptions): InventoryDiff {
  const differ = new SpecDiffer(specs, opts);
  const endpoints = observed.map((ep) => differ.classify(ep));
  const operations = differ.operations(endpoints, opts.now, opts.window);
  const counts: InventoryDiff['counts'] = { documented: 0, shadow: 0, zombie: 0, drift: 0, orphan: 0 };
  for (const e of endpoints) counts[e.status]++;
  for (const o of operations) if (o.orphan) counts.orphan++;
  return { endpoints, operations, counts };
}

// ---------------------------------------------------------------- drift ----

function driftOf(ep: ObservedEndpoint, op: SpecOperation, ignoreHeaders: Set<string>, ignoreStatus: Set<number>): DriftItem[] {
  const out: DriftItem[] = [];
  const authParams = new Set<string>();
  for (const alt of op.security) for (const s of alt) if (s.kind === 'apiKey' && s.in && s.paramName) authParams.add(paramKey(s.in, s.paramName));
  const bodyRoots = new Set<string>();
  for (const p of ep.params ?? []) {
    if (p.location === 'path') continue;
    if (p.location === 'body') {
      const d = bodyDrift(p, op);
      if (d && !bodyRoots.has(d.what)) {
        bodyRoots.add(d.what);
        out.push(d);
      }
      continue;
    }
    if (p.location === 'header' && ignoreHeaders.has(p.name.toLowerCase())) continue;
    const key = paramKey(p.location, p.name);
    if (authParams.has(key)) continue;
    const sp = op.parameters.find((x) => paramKey(x.in, x.name) === key);
    if (!sp) {
      out.push({ kind: 'param', what: `${p.location}:${p.name}`, detail: `${p.location} parameter "${p.name}" is not declared` });
    } else if (p.type && !typeCompatible(p.type, sp.types, true)) {
      out.push({ kind: 'param-type', what: `${p.location}:${p.name}`, detail: `seen as ${p.type}, declared ${sp.types.join('|')}` });
    }
  }
  const declared = new Set(op.responses.map((r) => r.status));
  for (const code of Object.keys(ep.statusCodes ?? {})) {
    const n = Number(code);
    if (!Number.isInteger(n) || ignoreStatus.has(n)) continue;
    if (declared.has(code) || declared.has(`${code[0]}XX`) || declared.has('default')) continue;
    out.push({ kind: 'status', what: `status:${code}`, detail: `status ${code} is not declared (declared: ${[...declared].join(', ') || 'none'})` });
  }
  for (const a of ep.auth ?? []) {
    const d = authDrift(a, op);
    if (d) out.push(d);
  }
  return out;
}

function paramKey(loc: string, name: string): string {
  return loc === 'header' ? `header:${name.toLowerCase()}` : `${loc}:${name}`;
}

function typeCompatible(seen: JsonType, declared: JsonType[], stringly: boolean): boolean {
  if (declared.length === 0 || declared.includes(seen)) return true;
  if (seen === 'integer' && declared.includes('number')) return true;
  // JSON null for a declared array or object: how many clients send "none" (Go encodes nil slices
  // and maps as null), and Swagger 2.0 cannot even declare it nullable. Null for a scalar stays drift.
  if (seen === 'null' && (declared.includes('array') || declared.includes('object'))) return true;
  // Query, header and cookie values are strings on the wire: anything scalar fits a string.
  if (stringly && declared.includes('string') && (seen === 'integer' || seen === 'number' || seen === 'boolean')) return true;
  // `?stream=1`: many servers parse query/form booleans with 1/0 (Go's strconv.ParseBool, PHP,
  // Rails), and clients such as Docker's CLI send them so. Values are not kept, so 1/0 cannot be told
  // from other integers here; an integer flag is not reported as drift.
  if (stringly && declared.includes('boolean') && seen === 'integer') return true;
  // A single value where an array is declared (`?tag=a`).
  if (stringly && declared.includes('array')) return true;
  return false;
}

function jsonSchemaOf(op: SpecOperation): SchemaObject | undefined | null {
  const content = op.requestBody?.content;
  if (!content) return null;
  const entries = Object.entries(content);
  const json = entries.find(([mt]) => /json/i.test(mt)) ?? entries.find(([mt]) => /form/i.test(mt)) ?? entries[0];
  return json ? json[1] : undefined;
}

function bodyDrift(p: ObservedParam, op: SpecOperation): DriftItem | undefined {
  const schema = jsonSchemaOf(op);
  const root = p.name.split(/[.[]/)[0] ?? p.name;
  if (schema === null) return { kind: 'param', what: `body:${root}`, detail: `body field "${p.name}" seen but the operation declares no request body` };
  if (schema === undefined) return undefined;
  const steps = p.name.split('.').flatMap((part) => {
    const m = /^(.*?)((?:\[\])*)$/.exec(part);
    const name = m?.[1] ?? part;
    const arr = ((m?.[2] ?? '').length / 2) | 0;
    return [...(name !== '' ? [name] : []), ...Array<string>(arr).fill('[]')];
  });
  const found = walkSchema(schema, steps, 0);
  if (found === 'missing') return { kind: 'param', what: `body:${root}`, detail: `body field "${p.name}" is not in the request schema` };
  if (found !== 'open' && p.type && !typeCompatible(p.type, schemaTypes(found), false)) {
    return { kind: 'param-type', what: `body:${p.name}`, detail: `seen as ${p.type}, declared ${schemaTypes(found).join('|')}` };
  }
  return undefined;
}

/** Follows property / array steps through a schema: the sub-schema, 'open' (free-form) or 'missing'. */
function walkSchema(schema: SchemaObject, steps: string[], depth: number): SchemaObject | 'open' | 'missing' {
  if (depth > 32) return 'open';
  if (schema['x-tapwatch-ref'] !== undefined) return 'open';
  const [step, ...rest] = steps;
  if (step === undefined) return schema;
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    const alts = schema[k];
    if (Array.isArray(alts)) {
      let sawOpen = false;
      for (const a of alts) {
        if (!isObject(a)) continue;
        const r = walkSchema(a, steps, depth + 1);
        if (r === 'open') sawOpen = true;
        else if (r !== 'missing') return r;
      }
      if (sawOpen) return 'open';
    }
  }
  if (step === '[]') {
    const items = schema['items'];
    if (isObject(items)) return walkSchema(items, rest, depth + 1);
    return schema['type'] === 'array' || schema['type'] === undefined ? 'open' : 'missing';
  }
  const props = schema['properties'];
  if (isObject(props) && isObject(props[step])) return walkSchema(props[step], rest, depth + 1);
  const addl = schema['additionalProperties'];
  if (isObject(addl)) return walkSchema(addl, rest, depth + 1);
  if (addl === true) return 'open';
  if (!isObject(props) && !Array.isArray(schema['allOf']) && !Array.isArray(schema['oneOf']) && !Array.isArray(schema['anyOf'])) {
    // No declared properties: free-form unless it is clearly a scalar.
    const t = schemaTypes(schema);
    return t.length === 0 || t.includes('object') ? 'open' : 'missing';
  }
  return 'missing';
}

function schemeAccepts(s: ResolvedScheme, a: ObservedAuth): boolean {
  switch (a.kind) {
    case 'basic':
      return s.kind === 'basic';
    case 'bearer':
      return s.kind === 'bearer' || s.kind === 'oauth2' || s.kind === 'openIdConnect';
    case 'apiKey':
      return s.kind === 'apiKey' && s.in === a.in && (a.in === 'header' ? (s.paramName ?? '').toLowerCase() === a.name.toLowerCase() : s.paramName === a.name);
    case 'other':
      return s.kind === 'http' && s.scheme === a.scheme.toLowerCase();
    default:
      return false;
  }
}

function describe(a: ObservedAuth): string {
  if (a.kind === 'apiKey') return `apiKey:${a.in}:${a.name}`;
  if (a.kind === 'other') return `other:${a.scheme}`;
  return a.kind;
}

function authDrift(a: ObservedAuth, op: SpecOperation): DriftItem | undefined {
  const alts = op.security;
  const anonymousOk = alts.length === 0 || alts.some((alt) => alt.length === 0);
  const declared = alts.map((alt) => alt.map((s) => s.name).join('+') || 'none').join(' | ') || 'none';
  if (a.kind === 'none') {
    return anonymousOk ? undefined : { kind: 'auth', what: 'auth:none', detail: `unauthenticated calls answered, spec requires ${declared}` };
  }
  if (alts.some((alt) => alt.some((s) => schemeAccepts(s, a)))) return undefined;
  return { kind: 'auth', what: `auth:${describe(a)}`, detail: `${describe(a)} seen, spec declares ${declared}` };
}
