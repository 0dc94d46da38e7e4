// OpenAPI 3.0 / 3.1 and Swagger 2.0 import (JSON or YAML) into one normalised model.
// Errors name the file and the JSON pointer (`SpecError`); a folder load never throws for one bad file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { isObject, pointerOf, RefResolver, SpecError, type ResolverOptions } from './refs';
import {
  HTTP_METHODS,
  type HttpMethod,
  type ImportedSpec,
  type JsonType,
  type ParamLocation,
  type ResolvedScheme,
  type SchemaObject,
  type SecurityAlternatives,
  type ServerInfo,
  type SpecBody,
  type SpecOperation,
  type SpecParameter,
  type SpecResponse,
} from './types';

export { SpecError };

export interface ImportOptions extends ResolverOptions {
  /** Overrides the version-grouping key (default: `info.title`). */
  apiId?: string;
  /** Index stored in each operation's `specIndex` (the loaders number specs in load order). */
  specIndex?: number;
}

const SPEC_EXT = /\.(json|ya?ml)$/i;
const JSON_TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);

/** Parses JSON or YAML text; throws `SpecError` with the line/column of a syntax error. */
export function parseSpecText(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || /\.json$/i.test(file)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      if (/\.json$/i.test(file)) throw new SpecError(file, '', `invalid JSON: ${(e as Error).message}`);
    }
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const where = err?.linePos?.[0] ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    throw new SpecError(file, '', `invalid YAML${where}: ${err?.message.split('\n')[0] ?? 'parse error'}`);
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

export function loadSpecFile(file: string, opts: ImportOptions = {}): ImportedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(file, '', `cannot read: ${(e as Error).message}`);
  }
  return importSpec(parseSpecText(text, file), file, opts);
}

export interface FolderLoad {
  specs: ImportedSpec[];
  errors: SpecError[];
}

/** Loads every `.json` / `.yaml` / `.yml` file under `dir` (recursively, sorted by path). */
export function loadSpecFolder(dir: string, opts: ImportOptions = {}): FolderLoad {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (SPEC_EXT.test(name)) files.push(p);
    }
  };
  walk(dir);
  const specs: ImportedSpec[] = [];
  const errors: SpecError[] = [];
  for (const f of files) {
    try {
      const text = readFileSync(f, 'utf8');
      const doc = parseSpecText(text, f);
      // Postman collections, environments and other JSON are not specs: skip them quietly.
      if (!isObject(doc) || (doc['openapi'] === undefined && doc['swagger'] === undefined)) continue;
      specs.push(importSpec(doc, f, { ...opts, specIndex: specs.length }));
    } catch (e) {
      errors.push(e instanceof SpecError ? e : new SpecError(f, '', (e as Error).message));
    }
  }
  return { specs, errors };
}

/** Normalises an already parsed document. */
export function importSpec(doc: unknown, file: string, opts: ImportOptions = {}): ImportedSpec {
  try {
    return importSpecUnsafe(doc, file, opts);
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError(file, '', `cannot import: ${(e as Error).message}`);
  }
}

function importSpecUnsafe(doc: unknown, file: string, opts: ImportOptions): ImportedSpec {
  if (!isObject(doc)) throw new SpecError(file, '', 'document is not an object');
  const swagger = doc['swagger'];
  const openapi = doc['openapi'];
  let family: ImportedSpec['family'];
  let specVersion: string;
  if (typeof openapi === 'string' && /^3\.[0-2](\.\d+)?/.test(openapi)) {
    family = 'openapi3';
    specVersion = openapi;
  } else if (swagger === '2.0' || swagger === 2) {
    family = 'swagger2';
    specVersion = '2.0';
  } else {
    const seen = openapi ?? swagger;
    throw new SpecError(file, openapi !== undefined ? '/openapi' : '/swagger', seen === undefined ? 'neither `openapi` nor `swagger` field' : `unsupported version ${String(seen)}`);
  }
  const info = isObject(doc['info']) ? doc['info'] : {};
  const title = typeof info['title'] === 'string' ? info['title'] : path.basename(file);
  const version = typeof info['version'] === 'string' || typeof info['version'] === 'number' ? String(info['version']) : '';
  const resolver = new RefResolver(doc, file, opts);
  const specIndex = opts.specIndex ?? 0;

  const securitySchemes = family === 'openapi3' ? schemes3(doc, resolver) : schemes2(doc);
  const docServers = family === 'openapi3' ? servers3(doc['servers'], file, '/servers') : servers2(doc);
  const globalSecurity = doc['security'];

  const paths = doc['paths'];
  if (paths !== undefined && !isObject(paths)) throw new SpecError(file, '/paths', '`paths` is not an object');
  const operations: SpecOperation[] = [];
  for (const [p, rawItem] of Object.entries(paths ?? {})) {
    if (!p.startsWith('/')) {
      if (p.startsWith('x-')) continue;
      throw new SpecError(file, pointerOf('paths', p), `path "${p}" does not start with "/"`);
    }
    const itemPtr = pointerOf('paths', p);
    const { value: item, pointer: itemBase } = resolver.deref(rawItem, itemPtr);
    if (!isObject(item)) throw new SpecError(file, itemPtr, 'path item is not an object');
    const itemServers = family === 'openapi3' && item['servers'] !== undefined ? servers3(item['servers'], file, `${itemBase}/servers`) : undefined;
    const itemParams = item['parameters'];
    for (const m of HTTP_METHODS) {
      const rawOp = item[m];
      if (rawOp === undefined) continue;
      const opPtr = `${itemBase}/${m}`;
      if (!isObject(rawOp)) throw new SpecError(file, opPtr, 'operation is not an object');
      const opServers = family === 'openapi3' && rawOp['servers'] !== undefined ? servers3(rawOp['servers'], file, `${opPtr}/servers`) : undefined;
      const common = {
        method: m.toUpperCase() as HttpMethod,
        path: p,
        deprecated: rawOp['deprecated'] === true,
        security: resolveSecurity(rawOp['security'] ?? globalSecurity, securitySchemes, resolver.warnings, opPtr),
        servers: opServers ?? itemServers ?? docServers,
        pointer: opPtr,
        specIndex,
        ...(typeof rawOp['operationId'] === 'string' ? { operationId: rawOp['operationId'] } : {}),
        ...(typeof rawOp['summary'] === 'string' ? { summary: rawOp['summary'] } : {}),
      };
      if (family === 'openapi3') {
        operations.push({
          ...common,
          parameters: params3(itemParams, `${itemBase}/parameters`, rawOp['parameters'], `${opPtr}/parameters`, resolver),
          ...body3(rawOp['requestBody'], `${opPtr}/requestBody`, resolver),
          responses: responses3(rawOp['responses'], `${opPtr}/responses`, resolver),
        });
      } else {
        const consumes = strList(rawOp['consumes'] ?? doc['consumes'], ['application/json']);
        const produces = strList(rawOp['produces'] ?? doc['produces'], ['application/json']);
        const { parameters, requestBody } = params2(itemParams, `${itemBase}/parameters`, rawOp['parameters'], `${opPtr}/parameters`, consumes, resolver);
        operations.push({
          ...common,
          parameters,
          ...(requestBody ? { requestBody } : {}),
          responses: responses2(rawOp['responses'], `${opPtr}/responses`, produces, resolver),
        });
      }
    }
  }
  return {
    file,
    specVersion,
    family,
    title,
    version,
    apiId: opts.apiId ?? title,
    servers: docServers,
    securitySchemes,
    operations,
    warnings: resolver.warnings.map((w) => ({ file, ...w })),
  };
}

function strList(v: unknown, dflt: string[]): string[] {
  const l = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return l.length > 0 ? l : dflt;
}

// ---------------------------------------------------------------- servers ----

function splitServerUrl(url: string): ServerInfo {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/([^/?#]*)([^?#]*)/i.exec(url);
  let host: string | undefined;
  let basePath: string;
  if (m) {
    host = (m[2] ?? '').toLowerCase();
    const scheme = (m[1] ?? '').toLowerCase();
    // Default ports are implied: http://h:80 and http://h match "h".
    if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443'))) host = host.replace(/:\d+$/, '');
    if (host === '') host = undefined;
    basePath = m[3] ?? '';
  } else {
    basePath = url.replace(/[?#].*$/, '');
  }
  basePath = normaliseBase(basePath);
  return { url, ...(host !== undefined ? { host } : {}), basePath };
}

function normaliseBase(p: string): string {
  let b = p.trim();
  if (b !== '' && !b.startsWith('/')) b = '/' + b;
  b = b.replace(/\/+$/, '');
  return b;
}

function servers3(raw: unknown, file: string, pointer: string): ServerInfo[] {
  if (raw === undefined) return [{ url: '/', basePath: '' }];
  if (!Array.isArray(raw)) throw new SpecError(file, pointer, '`servers` is not an array');
  const out: ServerInfo[] = [];
  raw.forEach((s, i) => {
    if (!isObject(s) || typeof s['url'] !== 'string') throw new SpecError(file, `${pointer}/${i}`, 'server has no `url`');
    const vars = isObject(s['variables']) ? s['variables'] : {};
    const raw = s['url'];
    const url = raw.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const v = vars[name];
      return isObject(v) && v['default'] !== undefined ? String(v['default']) : whole;
    });
    const info = splitServerUrl(url);
    // A variable that is a whole host label (`{tenant}.api.example.com`) stays a wildcard label.
    const rawHost = /^(?:[^:/?#]*:)?\/\/([^/?#]*)/.exec(raw)?.[1];
    if (rawHost !== undefined && info.host !== undefined && /(^|\.)\{[^}]+\}(?=\.|:|$)/.test(rawHost)) {
      const labels = rawHost.toLowerCase().split('.');
      const hostLabels = info.host.split('.');
      if (labels.length === hostLabels.length) info.host = labels.map((l, j) => (/^\{[^}]+\}(:\d+)?$/.test(l) ? l.replace(/:.*$/, '') + (hostLabels[j]?.match(/:\d+$/)?.[0] ?? '') : hostLabels[j])).join('.');
    }
    out.push(info);
  });
  return out.length > 0 ? out : [{ url: '/', basePath: '' }];
}

function servers2(doc: Record<string, unknown>): ServerInfo[] {
  const host = typeof doc['host'] === 'string' && doc['host'] !== '' ? doc['host'].toLowerCase() : undefined;
  const basePath = normaliseBase(typeof doc['basePath'] === 'string' ? doc['basePath'] : '');
  if (host === undefined) return [{ url: basePath || '/', basePath }];
  const schemes = strList(doc['schemes'], ['http']);
  return schemes.map((sc) => ({ ...splitServerUrl(`${sc}://${host}${basePath}`), url: `${sc}://${host}${basePath}` }));
}

// ---------------------------------------------------------------- security ----

function schemes3(doc: Record<string, unknown>, r: RefResolver): Record<string, ResolvedScheme> {
  const comps = isObject(doc['components']) ? doc['components'] : {};
  const raw = isObject(comps['securitySchemes']) ? comps['securitySchemes'] : {};
  const out: Record<string, ResolvedScheme> = {};
  for (const [name, s0] of Object.entries(raw)) {
    const { value: s } = r.deref(s0, pointerOf('components', 'securitySchemes', name));
    if (!isObject(s)) continue;
    out[name] = toScheme(name, s);
  }
  return out;
}

function schemes2(doc: Record<string, unknown>): Record<string, ResolvedScheme> {
  const raw = isObject(doc['securityDefinitions']) ? doc['securityDefinitions'] : {};
  const out: Record<string, ResolvedScheme> = {};
  for (const [name, s] of Object.entries(raw)) if (isObject(s)) out[name] = toScheme(name, s);
  return out;
}

function toScheme(name: string, s: Record<string, unknown>): ResolvedScheme {
  const type = String(s['type'] ?? '');
  if (type === 'basic') return { name, kind: 'basic', scheme: 'basic' };
  if (type === 'http') {
    const scheme = String(s['scheme'] ?? '').toLowerCase();
    if (scheme === 'basic') return { name, kind: 'basic', scheme };
    if (scheme === 'bearer') return { name, kind: 'bearer', scheme, ...(typeof s['bearerFormat'] === 'string' ? { bearerFormat: s['bearerFormat'] } : {}) };
    return { name, kind: 'http', scheme };
  }
  if (type === 'apiKey') {
    const loc = s['in'];
    const inn = loc === 'query' || loc === 'cookie' ? loc : 'header';
    return { name, kind: 'apiKey', in: inn, paramName: String(s['name'] ?? '') };
  }
  if (type === 'oauth2' || type === 'openIdConnect' || type === 'mutualTLS') return { name, kind: type };
  return { name, kind: 'unknown' };
}

function resolveSecurity(raw: unknown, schemes: Record<string, ResolvedScheme>, warnings: { pointer: string; message: string }[], pointer: string): SecurityAlternatives {
  if (!Array.isArray(raw)) return [];
  const out: SecurityAlternatives = [];
  for (const req of raw) {
    if (!isObject(req)) continue;
    const alt: ResolvedScheme[] = [];
    for (const [name, scopes] of Object.entries(req)) {
      const s = schemes[name];
      const sc = Array.isArray(scopes) ? scopes.filter((x): x is string => typeof x === 'string') : [];
      if (s === undefined) {
        warnings.push({ pointer: `${pointer}/security`, message: `security requirement names undefined scheme "${name}"` });
        alt.push({ name, kind: 'unknown' });
        continue;
      }
      alt.push(sc.length > 0 ? { ...s, scopes: sc } : s);
    }
    out.push(alt);
  }
  return out;
}

// ---------------------------------------------------------------- parameters & bodies ----

export function schemaTypes(schema: SchemaObject | undefined): JsonType[] {
  if (!schema) return [];
  const t = schema['type'];
  const list = Array.isArray(t) ? t : t !== undefined ? [t] : [];
  const out = list.filter((x): x is JsonType => typeof x === 'string' && JSON_TYPES.has(x));
  if (schema['nullable'] === true && !out.includes('null') && out.length > 0) out.push('null');
  if (out.length === 0) {
    // Unions: collect the alternatives' types.
    for (const k of ['oneOf', 'anyOf', 'allOf']) {
      const alts = schema[k];
      if (Array.isArray(alts)) for (const a of alts) if (isObject(a)) for (const x of schemaTypes(a)) if (!out.includes(x)) out.push(x);
    }
  }
  return out;
}

type RawParams = { key: string; value: Record<string, unknown>; pointer: string }[];

function collectParams(itemParams: unknown, itemPtr: string, opParams: unknown, opPtr: string, r: RefResolver): RawParams {
  const merged = new Map<string, { value: Record<string, unknown>; pointer: string }>();
  const add = (list: unknown, ptr: string): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw new SpecError(r.file, ptr, '`parameters` is not an array');
    list.forEach((p0, i) => {
      const { value: p } = r.deref(p0, `${ptr}/${i}`);
      if (!isObject(p) || typeof p['name'] !== 'string' || typeof p['in'] !== 'string') throw new SpecError(r.file, `${ptr}/${i}`, 'parameter needs `name` and `in`');
      merged.set(`${p['in']}:${p['in'] === 'header' ? p['name'].toLowerCase() : p['name']}`, { value: p, pointer: `${ptr}/${i}` });
    });
  };
  add(itemParams, itemPtr);
  add(opParams, opPtr);
  return [...merged.entries()].map(([key, v]) => ({ key, ...v }));
}

function isParamLocation(s: unknown): s is ParamLocation {
  return s === 'path' || s === 'query' || s === 'header' || s === 'cookie';
}

function params3(itemParams: unknown, itemPtr: string, opParams: unknown, opPtr: string, r: RefResolver): SpecParameter[] {
  const out: SpecParameter[] = [];
  for (const { value: p, pointer } of collectParams(itemParams, itemPtr, opParams, opPtr, r)) {
    if (!isParamLocation(p['in'])) throw new SpecError(r.file, `${pointer}/in`, `unknown parameter location "${String(p['in'])}"`);
    let schema = r.schema(p['schema'], `${pointer}/schema`);
    if (!schema && isObject(p['content'])) {
      const first = Object.entries(p['content'])[0];
      if (first && isObject(first[1])) schema = r.schema(first[1]['schema'], `${pointer}/content/x/schema`);
    }
    out.push(param(p, p['in'], schema));
  }
  return out;
}

function param(p: Record<string, unknown>, inn: ParamLocation, schema: SchemaObject | undefined): SpecParameter {
  const format = schema && typeof schema['format'] === 'string' ? schema['format'] : undefined;
  return {
    name: String(p['name']),
    in: inn,
    required: inn === 'path' || p['required'] === true,
    deprecated: p['deprecated'] === true,
    types: schemaTypes(schema),
    ...(format !== undefined ? { format } : {}),
    ...(schema ? { schema } : {}),
  };
}

function content3(raw: unknown, pointer: string, r: RefResolver): Record<string, SchemaObject | undefined> {
  const out: Record<string, SchemaObject | undefined> = {};
  if (!isObject(raw)) return out;
  for (const [mt, media] of Object.entries(raw)) {
    out[mt] = isObject(media) ? r.schema(media['schema'], `${pointer}/${mt.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`) : undefined;
  }
  return out;
}

function body3(raw: unknown, pointer: string, r: RefResolver): { requestBody?: SpecBody } {
  if (raw === undefined) return {};
  const { value: b, pointer: ptr } = r.deref(raw, pointer);
  if (!isObject(b)) throw new SpecError(r.file, pointer, 'requestBody is not an object');
  return { requestBody: { required: b['required'] === true, content: content3(b['content'], `${ptr}/content`, r) } };
}

/** Walks a `responses` object (both spec versions); `contentOf` reads one response's bodies. */
function walkResponses(
  raw: unknown,
  pointer: string,
  r: RefResolver,
  contentOf: (resp: Record<string, unknown>, ptr: string) => SpecResponse['content'],
): SpecResponse[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw new SpecError(r.file, pointer, '`responses` is not an object');
  const out: SpecResponse[] = [];
  for (const [status, resp0] of Object.entries(raw)) {
    if (status.startsWith('x-')) continue;
    const { value: resp, pointer: ptr } = r.deref(resp0, `${pointer}/${status}`);
    out.push({ status: status.toUpperCase() === 'DEFAULT' ? 'default' : status.toUpperCase(), content: isObject(resp) ? contentOf(resp, ptr) : {} });
  }
  return out;
}

function responses3(raw: unknown, pointer: string, r: RefResolver): SpecResponse[] {
  return walkResponses(raw, pointer, r, (resp, ptr) => content3(resp['content'], `${ptr}/content`, r));
}

function params2(
  itemParams: unknown,
  itemPtr: string,
  opParams: unknown,
  opPtr: string,
  consumes: string[],
  r: RefResolver,
): { parameters: SpecParameter[]; requestBody?: SpecBody } {
  const parameters: SpecParameter[] = [];
  let requestBody: SpecBody | undefined;
  const form: Record<string, unknown> = {};
  const formRequired: string[] = [];
  let hasFile = false;
  for (const { value: p, pointer } of collectParams(itemParams, itemPtr, opParams, opPtr, r)) {
    const inn = p['in'];
    if (inn === 'body') {
      const schema = r.schema(p['schema'], `${pointer}/schema`);
      requestBody = { required: p['required'] === true, content: Object.fromEntries(consumes.map((c) => [c, schema])) };
      continue;
    }
    // 2.0 keeps type/format/items on the parameter itself.
    const schema: SchemaObject = {};
    for (const k of ['type', 'format', 'items', 'enum', 'default', 'minimum', 'maximum', 'pattern']) if (p[k] !== undefined) schema[k] = p[k];
    if (schema['type'] === 'file') {
      hasFile = true;
      schema['type'] = 'string';
      schema['format'] = 'binary';
    }
    if (inn === 'formData') {
      form[String(p['name'])] = schema;
      if (p['required'] === true) formRequired.push(String(p['name']));
      continue;
    }
    if (!isParamLocation(inn)) throw new SpecError(r.file, `${pointer}/in`, `unknown parameter location "${String(inn)}"`);
    parameters.push(param(p, inn, schema));
  }
  if (Object.keys(form).length > 0 && !requestBody) {
    const ct = hasFile ? 'multipart/form-data' : consumes.find((c) => /form/.test(c)) ?? 'application/x-www-form-urlencoded';
    requestBody = { required: formRequired.length > 0, content: { [ct]: { type: 'object', properties: form, ...(formRequired.length ? { required: formRequired } : {}) } } };
  }
  return { parameters, ...(requestBody ? { requestBody } : {}) };
}

function responses2(raw: unknown, pointer: string, produces: string[], r: RefResolver): SpecResponse[] {
  return walkResponses(raw, pointer, r, (resp, ptr) => {
    const schema = r.schema(resp['schema'], `${ptr}/schema`);
    return schema ? Object.fromEntries(produces.map((c) => [c, schema])) : {};
  });
}
