// An operation's parameters, request body and responses from either spec version, in the one model
// both normalise to: 3.x media-type content as it is; 2.0 `in: body` and `formData` parameters become
// a request body under `consumes`, and response schemas are keyed by `produces`. Also the JSON types a
// schema allows (`schemaTypes`), which the diff reads too.
import { isObject, SpecError, type RefResolver } from './refs';
import type { JsonType, ParamLocation, SchemaObject, SpecBody, SpecParameter, SpecResponse } from './types';

const JSON_TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);

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

export function params3(itemParams: unknown, itemPtr: string, opParams: unknown, opPtr: string, r: RefResolver): SpecParameter[] {
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

export function body3(raw: unknown, pointer: string, r: RefResolver): { requestBody?: SpecBody } {
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

export function responses3(raw: unknown, pointer: string, r: RefResolver): SpecResponse[] {
  return walkResponses(raw, pointer, r, (resp, ptr) => content3(resp['content'], `${ptr}/content`, r));
}

export function params2(
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

export function responses2(raw: unknown, pointer: string, produces: string[], r: RefResolver): SpecResponse[] {
  return walkResponses(raw, pointer, r, (resp, ptr) => {
    const schema = r.schema(resp['schema'], `${ptr}/schema`);
    return schema ? Object.fromEntries(produces.map((c) => [c, schema])) : {};
  });
}
