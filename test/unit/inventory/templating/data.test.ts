// Templating over real request paths: CSIC 2010 request lines, and the crAPI / VAmPI Postman collections
// compared with the path templates of their OpenAPI specs. Skips cleanly without ../shared/data.
import t from 'tap';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { PathTemplater, splitPath } from '../../../../src/inventory/templating';
import { needsSharedData, sharedData } from '../../../helpers/shared-data';

const CSIC = sharedData('datasets/csic2010');
const OPENAPI = sharedData('openapi');

interface Req {
  method: string;
  host: string;
  path: string;
  requestKeys: string[];
}

function csicRequests(file: string): Req[] {
  const text = gunzipSync(readFileSync(file)).toString('latin1');
  const out: Req[] = [];
  for (const m of text.matchAll(/^(GET|POST|PUT|DELETE|HEAD|OPTIONS|TRACE) (\S+) HTTP\/1\.[01]$/gm)) {
    let target = m[2] as string;
    let host = 'localhost:8080';
    const abs = /^https?:\/\/([^/]*)(.*)$/.exec(target);
    if (abs) {
      host = abs[1] as string;
      target = (abs[2] as string) || '/';
    }
    const q = target.indexOf('?');
    const query = q >= 0 ? target.slice(q + 1) : '';
    const keys = query ? [...new Set(query.split('&').map((kv) => kv.split('=')[0] as string))] : [];
    out.push({ method: m[1] as string, host, path: q >= 0 ? target.slice(0, q) : target, requestKeys: keys });
  }
  return out;
}

t.test('CSIC 2010 request lines', { skip: needsSharedData }, async (t) => {
  const normal = csicRequests(path.join(CSIC, 'normalTrafficTraining.txt.gz'));
  t.ok(normal.length > 30000, `${normal.length} requests`);
  const p = new PathTemplater();
  for (const r of normal) p.observe(r);
  const distinct = new Set(normal.map((r) => `${r.method} ${r.path}`));
  const templates = p.templates();
  t.ok(templates.length < distinct.size, `${templates.length} templates < ${distinct.size} distinct method+path`);
  const set = new Set(templates.map((x) => `${x.method} ${x.template}`));
  for (const lit of ['/tienda1/publico/anadir.jsp', '/tienda1/publico/pagar.jsp', '/tienda1/miembros/editar.jsp', '/tienda1/global/estilos.css', '/tienda1/miembros/imagenes/zarauz.jpg']) {
    t.ok(set.has(`GET ${lit}`), `${lit} stays literal`);
  }
  t.ok(set.has('GET /tienda1/imagenes/{id:int}.gif'), 'numbered images fold into one template');
  t.notOk([...set].some((x) => x.includes('{name:str}')), 'no page is merged by evidence');

  // The anomalous set is a scanner's path explosion (backup-file probes: `anadir.jsp.Bak`, numeric
  // names). Without key evidence nothing merges, so with the defaults only the typed probe names fold;
  // the per-parent bound is what keeps such an explosion small.
  const bad = csicRequests(path.join(CSIC, 'anomalousTrafficTest.txt.gz'));
  const distinctBad = new Set(bad.map((r) => `${r.method} ${r.path}`));
  const q = new PathTemplater();
  for (const r of bad) q.observe(r);
  const nBad = q.templates().length;
  t.ok(nBad < distinctBad.size, `defaults: ${nBad} templates for ${distinctBad.size} distinct anomalous method+paths`);
  t.ok(q.templates().some((x) => x.template === '/{id:int}.Bak'), 'numeric probe names become parameters, extensions stay');
  t.equal(q.counters().evidenceMerges, 0, 'no evidence, no merge');
  const b = new PathTemplater({ maxPendingPerParent: 16 });
  for (const r of bad) b.observe(r);
  const nBounded = b.templates().length;
  t.ok(nBounded < nBad * 0.7, `maxPendingPerParent 16: ${nBounded} templates (defaults ${nBad}, distinct ${distinctBad.size})`);
  t.ok(b.counters().overflowPending > 0, 'per-parent overflow counted');
  t.ok(b.templates().some((x) => x.template === '/tienda1/publico/anadir.jsp'), 'real endpoints seen early stay literal');
  t.comment(`anomalous: defaults ${nBad}, bounded ${nBounded} / ${distinctBad.size} distinct; ${JSON.stringify(b.counters())}`);
});

// ---------------------------------------------------------------- Postman collections vs specs

interface PmItem {
  item?: PmItem[];
  request?: {
    method: string;
    url: string | { raw: string; variable?: { key: string; value: string }[] };
    body?: { mode?: string; raw?: string };
  };
}

function flatten(items: PmItem[], out: NonNullable<PmItem['request']>[] = []): NonNullable<PmItem['request']>[] {
  for (const it of items) {
    if (it.request) out.push(it.request);
    if (it.item) flatten(it.item, out);
  }
  return out;
}

type Json = Record<string, unknown>;
function deref(spec: Json, o: unknown): Json | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const ref = (o as Json).$ref;
  if (typeof ref === 'string') {
    let cur: unknown = spec;
    for (const part of ref.replace(/^#\//, '').split('/')) cur = (cur as Json | undefined)?.[part];
    return deref(spec, cur);
  }
  return o as Json;
}

/** Top-level keys of an operation's first 2xx JSON response (arrays: of their items). */
function responseKeys(spec: Json, op: Json | undefined): string[] {
  const responses = (op?.responses ?? {}) as Json;
  for (const [code, r] of Object.entries(responses)) {
    if (!/^2/.test(code)) continue;
    const content = (deref(spec, r)?.content ?? {}) as Json;
    let schema = deref(spec, (content['application/json'] as Json | undefined)?.schema);
    if (schema?.type === 'array') schema = deref(spec, schema.items);
    return Object.keys((schema?.properties ?? {}) as Json);
  }
  return [];
}

/** Spec path template for a concrete path (the test's ground truth; most specific match wins). */
function specMatch(paths: string[], p: string): string | undefined {
  const segs = splitPath(p).map((s) => s.value);
  let best: { path: string; score: string } | undefined;
  for (const sp of paths) {
    const ss = sp.split('/').filter((x) => x !== '');
    if (ss.length !== segs.length) continue;
    let score = '';
    let ok = true;
    for (let i = 0; i < ss.length; i++) {
      if ((ss[i] as string).startsWith('{')) score += '0';
      else if (ss[i] === segs[i]) score += '1';
      else ok = false;
    }
    if (ok && (!best || score > best.score)) best = { path: sp, score };
  }
  return best?.path;
}

/** Same shape: parameters exactly where the spec has them, identical literals elsewhere. */
function sameShape(derived: string, spec: string): boolean {
  const d = derived.split('/').filter((x) => x !== '');
  const s = spec.split('/').filter((x) => x !== '');
  return d.length === s.length && d.every((x, i) => ((s[i] as string).startsWith('{') ? x.startsWith('{') : x === s[i]));
}

interface Case {
  name: string;
  collection: string;
  spec: string;
  base: Record<string, string>;
  /** Generators for id variables: the n-th concrete value. */
  ids: Record<string, (n: number) => string>;
}

const hex = (n: number, len: number): string => (n * 2654435761 + 0x9e3779b9).toString(16).padStart(8, '0').repeat(len).slice(0, len);
const uuid = (n: number): string => `${hex(n, 8)}-${hex(n + 1, 4)}-4${hex(n + 2, 3)}-a${hex(n + 3, 3)}-${hex(n + 4, 12)}`;
const B62 = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const shortuuid = (n: number): string => Array.from({ length: 22 }, (_, i) => B62[(n * 7919 + i * 104729 + ((n * i) % 13)) % B62.length]).join('');
const NAMES = ['name1', 'test1', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const TITLES = ['my test book', 'bookTitle77', 'dune', 'emma', 'ulysses', 'beloved', 'hamlet', 'ivanhoe', 'lolita', 'rebecca', 'walden', 'candide'];

const CASES: Case[] = [
  {
    name: 'crAPI',
    collection: 'crapi/crAPI.postman_collection.json',
    spec: 'crapi/crapi-openapi-spec.json',
    base: { url: 'http://localhost:8888', url_mail: 'http://localhost:8025' },
    ids: {
      vehicle_id: uuid,
      post_id: shortuuid,
      order_id: (n) => String(10 + n),
      video_id: (n) => String(40 + n),
      report_id: (n) => String(7 + n),
    },
  },
  {
    name: 'VAmPI',
    collection: 'vampi/VAmPI.postman_collection.json',
    spec: 'vampi/openapi3.yml',
    base: { baseUrl: 'http://localhost:5000' },
    ids: { username: (n) => NAMES[n % NAMES.length] as string, book_title: (n) => TITLES[n % TITLES.length] as string },
  },
];

for (const c of CASES) {
  const file = path.join(OPENAPI, c.collection);
  t.test(`${c.name} collection vs spec path templates`, { skip: needsSharedData }, async (t) => {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { collection?: { item: PmItem[] }; item?: PmItem[] };
    const requests = flatten(raw.collection?.item ?? raw.item ?? []);
    const specText = readFileSync(path.join(OPENAPI, c.spec), 'utf8');
    const spec = (c.spec.endsWith('.json') ? JSON.parse(specText) : parseYaml(specText)) as Json;
    const specPaths = Object.keys(spec.paths as Json);
    const p = new PathTemplater();
    const checks: { method: string; path: string; spec: string; template: () => string }[] = [];
    const ROUNDS = 12; // enough distinct values for the evidence gate where ids are plain words
    for (let n = 0; n < ROUNDS; n++) {
      for (const r of requests) {
        const rawUrl = typeof r.url === 'string' ? r.url : r.url.raw;
        const hasIds = /\{\{(\w+)\}\}|\/:(\w+)/.test(rawUrl) && [...rawUrl.matchAll(/\{\{(\w+)\}\}|\/:(\w+)/g)].some((m) => c.ids[(m[1] ?? m[2]) as string]);
        if (n > 0 && !hasIds) continue;
        const url = rawUrl
          .replace(/\{\{(\w+)\}\}/g, (_m, k: string) => c.base[k] ?? c.ids[k]?.(n) ?? `${k}@example.com`)
          .replace(/\/:(\w+)/g, (_m, k: string) => '/' + encodeURIComponent(c.ids[k]?.(n) ?? k));
        const u = new URL(url);
        let requestKeys = [...new Set([...u.searchParams.keys()])];
        if (r.body?.mode === 'raw' && r.body.raw) {
          try {
            const b = JSON.parse(r.body.raw.replace(/\{\{\w+\}\}/g, 'x')) as unknown;
            if (b && typeof b === 'object' && !Array.isArray(b)) requestKeys = [...requestKeys, ...Object.keys(b)];
          } catch {
            /* not JSON */
          }
        }
        const sp = u.host === new URL(Object.values(c.base)[0] as string).host ? specMatch(specPaths, u.pathname) : undefined;
        const op = sp ? ((spec.paths as Json)[sp] as Json)[r.method.toLowerCase()] as Json | undefined : undefined;
        const obs = { host: u.host, method: r.method, path: u.pathname, requestKeys, responseKeys: responseKeys(spec, op) };
        p.observe(obs);
        if (sp && n === ROUNDS - 1) checks.push({ method: r.method, path: u.pathname, spec: sp, template: () => p.observe(obs).template });
        if (sp && n === 0 && !hasIds) checks.push({ method: r.method, path: u.pathname, spec: sp, template: () => p.observe(obs).template });
      }
    }
    t.ok(checks.length > 5, `${checks.length} collection requests matched to spec paths`);
    const wrong: string[] = [];
    let parameterised = 0;
    for (const ch of checks) {
      const got = ch.template();
      if (ch.spec.includes('{')) parameterised++;
      if (!sameShape(got, ch.spec)) wrong.push(`${ch.method} ${ch.path}: derived ${got}, spec ${ch.spec}`);
    }
    t.ok(parameterised >= 3, `${parameterised} requests on parameterised spec paths`);
    t.same(wrong, [], 'derived templates line up with the spec paths');
    t.comment(JSON.stringify(p.counters()));
  });
}
