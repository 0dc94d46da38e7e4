// Export of the observed endpoints as an OpenAPI 3.1 document.
//
// Templates become paths (`/users/{id:int}` → `/users/{id}` with an integer path parameter); query,
// header and cookie parameters carry their inferred type and `required` when present in at least
// `requiredPresence` of calls; bodies come from the learner's `BodyShape`s (or, lacking one, from the
// dotted body parameter names); security schemes are the ones seen (Basic, Bearer with `bearerFormat:
// JWT`, API keys in header / query / cookie). Endpoints that differ only by host or by path parameter
// names are merged into one operation.
import { STANDARD_HEADERS } from './diff';
import { hostMatches } from './match';
import type { BodyShape, JsonType, ObservedAuth, ObservedEndpoint, ObservedParam } from './types';

export interface ExportOptions {
  title: string;
  version: string;
  /** Only endpoints of this host (`{x}` labels match any label). */
  host?: string;
  /** Scheme of the server URLs. Default 'http' (what a passive sensor sees in clear). */
  scheme?: string;
  description?: string;
  /** Presence ratio from which a parameter or property is `required`. Default 0.98. */
  requiredPresence?: number;
  /** Server entries listed at most. Default 50. */
  maxServers?: number;
}

export type OpenApiDocument = Record<string, unknown>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const SKIP_HEADERS = new Set(STANDARD_HEADERS);
const MAX_SHAPE_DEPTH = 32;

interface PathParam {
  name: string;
  type: JsonType;
  format?: string;
}

/** `/users/{id:int}/files/{name}.json` → `/users/{id}/files/{name}.json` and its typed parameters. */
export function templateToPath(template: string): { path: string; params: PathParam[] } {
  const params: PathParam[] = [];
  const used = new Set<string>();
  const segs = template.split(/[?#]/)[0]?.split('/').filter((s) => s !== '') ?? [];
  const out = segs.map((seg) =>
    seg.replace(/\{([^{}]*)\}/g, (_w, inner: string) => {
      const [rawName = '', rawType = ''] = inner.split(':', 2);
      let base = rawName.replace(/[^A-Za-z0-9_.-]/g, '_') || (rawType.replace(/[^A-Za-z0-9_]/g, '') || 'param');
      if (!inner.includes(':') && /^(int|uuid|hex|oid|email|date|float|token)$/.test(base)) base = base === 'int' ? 'id' : base;
      let name = base;
      for (let i = 2; used.has(name); i++) name = `${base}${i}`;
      used.add(name);
      params.push({ name, ...typeOfToken(inner.includes(':') ? rawType : rawName) });
      return `{${name}}`;
    }),
  );
  return { path: '/' + out.join('/'), params };
}

function typeOfToken(t: string): { type: JsonType; format?: string } {
  switch (t.toLowerCase()) {
    case 'int':
    case 'integer':
      return { type: 'integer' };
    case 'float':
    case 'number':
    case 'double':
      return { type: 'number' };
    case 'bool':
    case 'boolean':
      return { type: 'boolean' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'email':
      return { type: 'string', format: 'email' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
    case 'date-time':
      return { type: 'string', format: 'date-time' };
    default:
      return { type: 'string' };
  }
}

function shapeKey(path: string): string {
  return path.replace(/\{[^{}]*\}/g, '{}');
}

interface Acc {
  path: string;
  pathParams: PathParam[];
  method: string;
  eps: ObservedEndpoint[];
}

export function exportOpenApi(observed: readonly ObservedEndpoint[], opts: ExportOptions): OpenApiDocument {
  const requiredPresence = opts.requiredPresence ?? 0.98;
  const scheme = opts.scheme ?? 'http';
  const selected = observed.filter((e) => opts.host === undefined || hostMatches(opts.host, e.host) || hostMatches(e.host, opts.host));

  // Group by (path shape, method); the first path spelling of a shape names its parameters.
  const pathNames = new Map<string, { path: string; params: PathParam[] }>();
  const ops = new Map<string, Acc>();
  for (const ep of selected) {
    const method = ep.method.toLowerCase();
    if (!METHODS.has(method)) continue;
    const t = templateToPath(ep.template);
    const key = shapeKey(t.path);
    const named = pathNames.get(key) ?? t;
    pathNames.set(key, named);
    const opKey = `${key} ${method}`;
    const acc = ops.get(opKey) ?? { path: named.path, pathParams: named.params.map((p) => ({ ...p })), method, eps: [] };
    // Widen a path parameter's type when endpoints disagree.
    acc.pathParams.forEach((p, i) => {
      const o = t.params[i];
      if (o && (o.type !== p.type || o.format !== p.format)) {
        if (!(p.type === 'number' && o.type === 'integer')) p.type = p.type === 'integer' && o.type === 'number' ? 'number' : 'string';
        if (o.format !== p.format) delete p.format;
      }
    });
    acc.eps.push(ep);
    ops.set(opKey, acc);
  }

  const schemes: Record<string, Record<string, unknown>> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const opIds = new Set<string>();
  for (const acc of [...ops.values()].sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1))) {
    const item = paths[acc.path] ?? {};
    paths[acc.path] = item;
    item[acc.method] = buildOperation(acc, schemes, opIds, requiredPresence);
  }

  const hosts = [...new Set(selected.map((e) => e.host).filter((h) => h !== ''))].sort().slice(0, opts.maxServers ?? 50);
  const servers = hosts.map((h) => {
    const vars: Record<string, { default: string }> = {};
    for (const m of h.matchAll(/\{([^{}:]+)(?::[^{}]*)?\}/g)) vars[m[1] ?? 'x'] = { default: m[1] ?? 'x' };
    const url = `${scheme}://${h.replace(/\{([^{}:]+)(?::[^{}]*)?\}/g, '{$1}')}`;
    return Object.keys(vars).length > 0 ? { url, variables: vars } : { url };
  });

  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: opts.title,
      version: opts.version,
      description: opts.description ?? 'Generated by tapwatch from observed traffic.',
    },
    ...(servers.length > 0 ? { servers } : {}),
    paths,
  };
  if (Object.keys(schemes).length > 0) doc['components'] = { securitySchemes: schemes };
  return doc;
}

function operationId(method: string, path: string, used: Set<string>): string {
  const base =
    method +
    path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => s.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_'))
      .map((s) => (s ? '_' + s : ''))
      .join('');
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}

function buildOperation(acc: Acc, schemes: Record<string, Record<string, unknown>>, opIds: Set<string>, requiredPresence: number): Record<string, unknown> {
  const totalCalls = acc.eps.reduce((n, e) => n + Math.max(e.calls, 0), 0) || acc.eps.length;
  const weight = (e: ObservedEndpoint): number => (totalCalls === acc.eps.length && acc.eps.every((x) => x.calls <= 0) ? 1 : Math.max(e.calls, 0));

  // Auth first: API-key carriers are not listed as parameters.
  const auths: ObservedAuth[] = [];
  for (const e of acc.eps) for (const a of e.auth ?? []) if (!auths.some((b) => JSON.stringify(b) === JSON.stringify(a))) auths.push(a);
  const security: Record<string, string[]>[] = [];
  const carriers = new Set<string>();
  for (const a of auths) {
    if (a.kind === 'none') {
      if (!security.some((s) => Object.keys(s).length === 0)) security.push({});
      continue;
    }
    const name = schemeFor(a, schemes);
    if (!security.some((s) => name in s)) security.push({ [name]: [] });
    if (a.kind === 'apiKey') carriers.add(`${a.in}:${a.in === 'header' ? a.name.toLowerCase() : a.name}`);
  }

  // Parameters: presence weighted by calls across merged endpoints (absent = 0).
  const params = new Map<string, { p: ObservedParam; types: Set<JsonType>; formats: Set<string>; presence: number; known: boolean }>();
  for (const e of acc.eps) {
    for (const p of e.params ?? []) {
      if (p.location === 'path' || p.location === 'body') continue;
      const norm = p.location === 'header' ? p.name.toLowerCase() : p.name;
      if (p.location === 'header' && SKIP_HEADERS.has(norm)) continue;
      if (carriers.has(`${p.location}:${norm}`)) continue;
      const key = `${p.location}:${norm}`;
      const cur = params.get(key) ?? { p, types: new Set<JsonType>(), formats: new Set<string>(), presence: 0, known: true };
      if (p.type) cur.types.add(p.type);
      if (p.format) cur.formats.add(p.format);
      if (p.presence === undefined) cur.known = false;
      cur.presence += (p.presence ?? 0) * weight(e);
      params.set(key, cur);
    }
  }
  const totalW = acc.eps.reduce((n, e) => n + weight(e), 0) || 1;
  const parameters: Record<string, unknown>[] = acc.pathParams.map((p) => ({
    name: p.name,
    in: 'path',
    required: true,
    schema: { type: p.type, ...(p.format ? { format: p.format } : {}) },
  }));
  for (const { p, types, formats, presence, known } of params.values()) {
    const schema: Record<string, unknown> = types.size === 0 ? {} : { type: types.size === 1 ? [...types][0] : [...types].sort() };
    if (formats.size === 1) schema['format'] = [...formats][0];
    parameters.push({ name: p.name, in: p.location, required: known && presence / totalW >= requiredPresence, schema });
  }

  // Request bodies.
  const reqContent: Record<string, { schema: Record<string, unknown> }> = {};
  for (const e of acc.eps) {
    for (const b of e.requestBodies ?? []) {
      const ct = mediaType(b.contentType);
      if (!reqContent[ct] || b.shape) reqContent[ct] = { schema: b.shape ? shapeToSchema(b.shape, requiredPresence, 0) : {} };
    }
  }
  const bodyParams = acc.eps.flatMap((e) => (e.params ?? []).filter((p) => p.location === 'body'));
  if (Object.keys(reqContent).length === 0 && bodyParams.length > 0) reqContent['application/json'] = { schema: schemaFromBodyParams(bodyParams) };

  // Responses.
  const responses: Record<string, Record<string, unknown>> = {};
  const addResp = (code: string): Record<string, unknown> => {
    const r = responses[code] ?? { description: `Observed ${code} response` };
    responses[code] = r;
    return r;
  };
  for (const e of acc.eps) {
    for (const code of Object.keys(e.statusCodes ?? {})) if (validStatus(code)) addResp(code);
    for (const b of e.responseBodies ?? []) {
      const code = String(b.status);
      if (!validStatus(code)) continue;
      const r = addResp(code);
      const content = (r['content'] as Record<string, unknown> | undefined) ?? {};
      const ct = mediaType(b.contentType);
      if (!content[ct] || b.shape) content[ct] = { schema: b.shape ? shapeToSchema(b.shape, requiredPresence, 0) : {} };
      r['content'] = content;
    }
  }
  if (Object.keys(responses).length === 0) responses['default'] = { description: 'No response observed' };

  const calls = acc.eps.reduce((n, e) => n + e.calls, 0);
  return {
    operationId: operationId(acc.method, acc.path, opIds),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(Object.keys(reqContent).length > 0 ? { requestBody: { content: reqContent } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    ...(security.length > 0 ? { security } : {}),
    'x-tapwatch': {
      calls,
      firstSeen: Math.min(...acc.eps.map((e) => e.firstSeen)),
      lastSeen: Math.max(...acc.eps.map((e) => e.lastSeen)),
      hosts: [...new Set(acc.eps.map((e) => e.host))].sort(),
    },
  };
}

function validStatus(code: string): boolean {
  return /^[1-5]\d\d$/.test(code);
}

function mediaType(ct: string): string {
  const m = ct.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(m) ? m : 'application/octet-stream';
}

function schemeFor(a: Exclude<ObservedAuth, { kind: 'none' }>, schemes: Record<string, Record<string, unknown>>): string {
  switch (a.kind) {
    case 'basic':
      schemes['basicAuth'] = { type: 'http', scheme: 'basic' };
      return 'basicAuth';
    case 'bearer': {
      const prev = schemes['bearerAuth'];
      schemes['bearerAuth'] = { type: 'http', scheme: 'bearer', ...(a.jwt || prev?.['bearerFormat'] ? { bearerFormat: 'JWT' } : {}) };
      return 'bearerAuth';
    }
    case 'apiKey': {
      const name = `apiKey_${a.in}_${a.name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
      schemes[name] = { type: 'apiKey', in: a.in, name: a.name };
      return name;
    }
    case 'other': {
      const sc = a.scheme.toLowerCase();
      const name = `http_${sc.replace(/[^A-Za-z0-9._-]/g, '_')}`;
      schemes[name] = { type: 'http', scheme: sc };
      return name;
    }
  }
}

export function shapeToSchema(shape: BodyShape, requiredPresence: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const types = Array.isArray(shape.type) ? [...new Set(shape.type)] : [shape.type];
  out['type'] = types.length === 1 ? types[0] : types;
  if (shape.format) out['format'] = shape.format;
  if (depth >= MAX_SHAPE_DEPTH) return out;
  if (shape.properties) {
    const props: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [k, v] of Object.entries(shape.properties)) {
      props[k] = shapeToSchema(v, requiredPresence, depth + 1);
      if (v.presence !== undefined && v.presence >= requiredPresence) required.push(k);
    }
    out['properties'] = props;
    if (required.length > 0) out['required'] = required;
  }
  if (shape.items) out['items'] = shapeToSchema(shape.items, requiredPresence, depth + 1);
  return out;
}

/** Builds an object schema from dotted body parameter names (`a.b`, `items[].id`). */
function schemaFromBodyParams(params: ObservedParam[]): Record<string, unknown> {
  const root: Record<string, unknown> = { type: 'object', properties: {} };
  for (const p of params) {
    let cur = root;
    const parts = p.name.split('.');
    parts.forEach((part, i) => {
      const m = /^(.*?)((?:\[\])*)$/.exec(part);
      const name = m?.[1] ?? part;
      const arrays = ((m?.[2] ?? '').length / 2) | 0;
      const last = i === parts.length - 1;
      if (name !== '') {
        if (cur['type'] !== 'object') return;
        const props = (cur['properties'] as Record<string, Record<string, unknown>> | undefined) ?? {};
        cur['properties'] = props;
        let next = props[name];
        if (!next) {
          next = last && arrays === 0 ? (p.type ? { type: p.type } : {}) : arrays > 0 ? { type: 'array' } : { type: 'object', properties: {} };
          props[name] = next;
        }
        cur = next;
      }
      for (let a = 0; a < arrays; a++) {
        const items = (cur['items'] as Record<string, unknown> | undefined) ?? (a === arrays - 1 && last ? (p.type ? { type: p.type } : {}) : a < arrays - 1 ? { type: 'array' } : { type: 'object', properties: {} });
        cur['items'] = items;
        cur = items;
      }
    });
  }
  return root;
}
