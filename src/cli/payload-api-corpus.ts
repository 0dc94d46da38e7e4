// Benign API-shaped requests made from OpenAPI specs (Petstore, VAmPI, Docker Engine, the OAI
// examples; never crAPI, which the generated scenarios imitate): every operation with its path and
// query parameters filled and a JSON body drawn from its schema. The payload model trains on them as
// normal traffic, so a JSON API does not look alien next to CSIC's shop forms.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SeededRandom } from '../models/prng';
import type { RequestParts } from '../models/payload/request-text';

/** Spec folders under `<data>/openapi` used for training (crAPI stays out). */
export const API_SPEC_DIRS = ['swagger-petstore-v3', 'vampi', 'docker-engine-v1.41', 'oai-examples'] as const;

type Json = Record<string, unknown>;

const WORDS = ['alpha', 'blue', 'order', 'summer', 'garden', 'north', 'river', 'silver', 'delta', 'fresh', 'market', 'nginx', 'ubuntu', 'default', 'primary', 'test', 'backup', 'release', 'stable', 'local'];
const SENTENCES = ['Great product, arrived on time!', 'Please call before delivery (after 5pm).', 'Left at the front door - thanks', "Doesn't fit; I'd like a refund.", 'Meeting moved to 10:30, room B', 'Ship to: 12 Main St., Apt #4', 'v2 of the config: see notes', 'Hello world', 'Price is $20 / 50% off?'];
const PASSWORD_SYMBOLS = ['', '!', '#', '?', '%', '*', '$', '@', '&', '.', '_', '-'];
const FIRST = ['anna', 'li', 'maria', 'john', 'omar', 'sofia', 'kenji', 'lucas', 'emma', 'noah'];

function word(rng: SeededRandom): string {
  return rng.pick(WORDS);
}

/** What people choose: two words, digits, a symbol somewhere. */
function password(rng: SeededRandom): string {
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  return `${cap(word(rng))}${word(rng)}${rng.below(10000)}${rng.pick(PASSWORD_SYMBOLS)}`;
}

/** API keys and opaque tokens: a prefix and a random alphanumeric run. */
function token(rng: SeededRandom): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let t = rng.pick(['', 'pk_', 'sk_live_', 'key-', 'tok_']);
  for (let i = 16 + rng.below(24); i > 0; i--) t += alphabet[rng.below(alphabet.length)];
  return t;
}

/** Ids as APIs hand them out: numbers, UUIDs, Mongo object ids, short hex, slugs. */
function identifier(rng: SeededRandom): string {
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[rng.below(16)]).join('');
  switch (rng.below(5)) {
    case 0: return String(1 + rng.below(99999));
    case 1: return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[rng.below(4)]}${hex(3)}-${hex(12)}`;
    case 2: return hex(24);
    case 3: return hex(6 + rng.below(10));
    default: return `${word(rng)}-${word(rng)}-${rng.below(100)}`;
  }
}

/** Query parameters most list endpoints take, whatever the spec declares (pagination, sorting, filtering, keys). */
function commonQuery(rng: SeededRandom): string[] {
  const out: string[] = [];
  if (rng.below(2) === 0) out.push(rng.below(2) === 0 ? `limit=${rng.pick([10, 20, 50, 100])}&offset=${rng.below(20) * 10}` : `page=${1 + rng.below(9)}&per_page=${rng.pick([10, 25, 50])}`);
  if (rng.below(3) === 0) out.push(`${rng.pick(['sort', 'order_by', 'orderBy', 'sort_by'])}=${rng.pick(['created_at', 'name', '-updated', 'id', 'price'])}${rng.below(2) === 0 ? `&order=${rng.pick(['asc', 'desc'])}` : ''}`);
  if (rng.below(4) === 0) out.push(`${rng.pick(['status', 'state', 'type', 'filter'])}=${rng.pick(['active', 'delivered', 'pending', 'all', 'open', 'closed'])}`);
  if (rng.below(5) === 0) out.push(`${rng.pick(['q', 'search', 'query'])}=${encodeURIComponent(rng.below(2) === 0 ? rng.pick(SENTENCES) : `${word(rng)} ${word(rng)}`)}`);
  if (rng.below(5) === 0) out.push(`fields=${rng.sample(['id', 'name', 'email', 'created_at', 'status', 'total'], 2 + rng.below(3)).join(',')}`);
  if (rng.below(5) === 0) out.push(`${rng.pick(['api_key', 'apikey', 'access_token', 'key'])}=${token(rng)}`);
  return out;
}

function stringFor(rng: SeededRandom, name: string, schema: Json): string {
  const format = typeof schema.format === 'string' ? schema.format : '';
  const lower = name.toLowerCase();
  if (format === 'email' || lower.includes('email')) return `${rng.pick(FIRST)}.${word(rng)}${rng.below(100)}@example.com`;
  if (format === 'date-time') return new Date(Date.UTC(2024, rng.below(12), 1 + rng.below(28), rng.below(24), rng.below(60))).toISOString();
  if (format === 'date') return new Date(Date.UTC(2024, rng.below(12), 1 + rng.below(28))).toISOString().slice(0, 10);
  if (format === 'uuid' || lower.endsWith('uuid')) return `${rng.below(0xffffffff).toString(16).padStart(8, '0')}-4${rng.below(0xfff).toString(16).padStart(3, '0')}-8${rng.below(0xfff).toString(16).padStart(3, '0')}-${rng.below(0xffffffff).toString(16).padStart(12, '0')}`;
  if (format === 'uri' || format === 'url' || lower.includes('url')) return `https://${word(rng)}.example.com/${word(rng)}/${rng.below(1000)}`;
  if (format === 'password' || lower.includes('password')) return password(rng);
  if (lower.includes('key') || lower.includes('token')) return token(rng);
  if (lower.includes('name')) return rng.below(2) === 0 ? `${rng.pick(FIRST)}_${word(rng)}` : `${rng.pick(FIRST)} ${word(rng)}`;
  if (lower.endsWith('id') || lower.endsWith('ids')) return identifier(rng);
  if (lower.includes('image') || lower.includes('tag')) return `${word(rng)}:${rng.below(10)}.${rng.below(20)}`;
  if (lower.includes('path') || lower.includes('dir')) return `/var/lib/${word(rng)}/${word(rng)}`;
  const r = rng.below(4);
  if (r === 0) return rng.pick(SENTENCES);
  if (r === 1) return `${word(rng)}-${word(rng)}`;
  return word(rng);
}

class SpecSampler {
  constructor(
    private readonly spec: Json,
    private readonly rng: SeededRandom,
  ) {}

  resolve(node: unknown): Json {
    let cur = node;
    for (let hops = 0; hops < 8 && cur !== null && typeof cur === 'object' && typeof (cur as Json).$ref === 'string'; hops++) {
      const ref = ((cur as Json).$ref as string).replace(/^#\//, '').split('/');
      let target: unknown = this.spec;
      for (const key of ref) target = target !== null && typeof target === 'object' ? (target as Json)[key] : undefined;
      cur = target;
    }
    return cur !== null && typeof cur === 'object' ? (cur as Json) : {};
  }

  value(schemaNode: unknown, name: string, depth: number): unknown {
    const schema = this.resolve(schemaNode);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return this.rng.pick(schema.enum as unknown[]);
    if (schema.example !== undefined && this.rng.below(2) === 0 && (typeof schema.example !== 'object' || schema.example === null)) return schema.example;
    const all = (schema.allOf ?? schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
    if (Array.isArray(all) && all.length > 0) return this.value(this.rng.pick(all), name, depth + 1);
    const type = typeof schema.type === 'string' ? schema.type : schema.properties !== undefined ? 'object' : 'string';
    if (type === 'integer' || type === 'number') return this.rng.below(type === 'integer' ? 5000 : 1000) + (type === 'number' ? this.rng.below(100) / 100 : 0);
    if (type === 'boolean') return this.rng.below(2) === 0;
    if (type === 'array') return depth > 3 ? [] : Array.from({ length: 1 + this.rng.below(3) }, () => this.value(schema.items, name, depth + 1));
    if (type === 'object') {
      if (depth > 3) return {};
      const out: Json = {};
      for (const [key, prop] of Object.entries((schema.properties ?? {}) as Json)) if (this.rng.below(4) !== 0) out[key] = this.value(prop, key, depth + 1);
      return out;
    }
    return stringFor(this.rng, name, schema);
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `perOperation` requests for every operation of one spec document. */
export function requestsFromSpec(spec: Json, rng: SeededRandom, perOperation: number): RequestParts[] {
  const sampler = new SpecSampler(spec, rng);
  const basePath = typeof spec.basePath === 'string' ? spec.basePath.replace(/\/$/, '') : '';
  const out: RequestParts[] = [];
  for (const [template, item] of Object.entries((spec.paths ?? {}) as Json)) {
    const pathItem = sampler.resolve(item);
    for (const method of METHODS) {
      const op = pathItem[method];
      if (op === undefined || op === null || typeof op !== 'object') continue;
      const params = [...((pathItem.parameters ?? []) as unknown[]), ...(((op as Json).parameters ?? []) as unknown[])].map((p) => sampler.resolve(p));
      for (let i = 0; i < perOperation; i++) {
        let target = basePath + template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(sampler.value(params.find((p) => p.name === name)?.schema ?? { type: 'string' }, name, 0))));
        const query: string[] = [];
        let body: unknown;
        for (const p of params) {
          const name = String(p.name);
          if (p.in === 'query' && (p.required === true || rng.below(2) === 0)) query.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(sampler.value(p.schema ?? p, name, 0) as string))}`);
          if (p.in === 'body') body = sampler.value(p.schema, name, 0);
        }
        const content = (sampler.resolve((op as Json).requestBody).content ?? {}) as Json;
        const jsonBody = Object.entries(content).find(([ct]) => ct.includes('json'));
        if (jsonBody !== undefined) body = sampler.value((jsonBody[1] as Json).schema, 'body', 0);
        if (method === 'get' && rng.below(2) === 0) query.push(...commonQuery(rng));
        if (query.length > 0) target += `?${query.join('&')}`;
        const hasBody = body !== undefined && method !== 'get';
        out.push({ method: method.toUpperCase(), target, contentType: hasBody ? 'application/json' : null, body: hasBody ? Buffer.from(JSON.stringify(body)) : null });
      }
    }
  }
  return out;
}

function specFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...specFiles(full));
    else if (/\.(ya?ml|json)$/.test(name) && !name.includes('postman')) out.push(full);
  }
  return out;
}

/** Benign requests from every spec under `<openapiDir>/<API_SPEC_DIRS>`, and the files read. */
export function benignApiRequests(openapiDir: string, seed: number, perOperation: number): { requests: RequestParts[]; files: string[] } {
  const rng = new SeededRandom(seed);
  const requests: RequestParts[] = [];
  const files: string[] = [];
  for (const dir of API_SPEC_DIRS) {
    for (const file of specFiles(path.join(openapiDir, dir))) {
      let spec: unknown;
      try {
        spec = parseYaml(readFileSync(file, 'utf8')) as unknown;
      } catch {
        continue;
      }
      if (spec === null || typeof spec !== 'object' || (spec as Json).paths === undefined) continue;
      files.push(path.relative(openapiDir, file));
      requests.push(...requestsFromSpec(spec as Json, rng, perOperation));
    }
  }
  return { requests, files };
}
