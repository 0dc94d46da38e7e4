// Spec classification end to end on synthetic wire traffic: the crAPI and VAmPI Postman collections
// (plus a few invented undocumented calls) are written as real TCP/HTTP exchanges into a pcap,
// replayed with a spec config into SQLite, and `tapwatch endpoints` must say documented/drift for
// what the spec documents (decided independently by the oracle), shadow for the invented calls,
// zombie for the operation we mark deprecated, and list only uncalled operations as orphans.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { listEndpoints, runCli, type EndpointJson } from '../helpers/cli';
import { needsSharedData } from '../helpers/shared-data';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { loadSpecFile, parseSpecText } from '../../src/inventory/openapi';
import { OPENAPI_DIR, oracle, postmanRequests } from '../unit/inventory/openapi/helpers';

const skip = needsSharedData;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-spec-traffic-'));
const CLIENT = '10.9.0.2';
const SERVER = '10.9.0.1';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyQGV4YW1wbGUuY29tIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW5vdC1jaGVja2Vk';

type Row = EndpointJson;

interface Call {
  host: string;
  method: string;
  uri: string;
  bearer: boolean;
  body?: string;
}

type Json = Record<string, unknown>;

function collectionCalls(file: string, vars: Record<string, string>): Call[] {
  return postmanRequests(file, vars).map((r) => {
    const body = r.method === 'GET' ? undefined : r.body;
    return { host: r.host, method: r.method.toUpperCase(), uri: r.uri, bearer: r.auth?.kind === 'bearer', ...(body !== undefined ? { body } : {}) };
  });
}

function exchange(c: Call, i: number): HttpExchange {
  const port = Number(c.host.split(':')[1] ?? 80);
  const head = [`${c.method} ${c.uri} HTTP/1.1`, `Host: ${c.host}`, 'User-Agent: PostmanRuntime/7.29.0', 'Accept: application/json'];
  if (c.bearer) head.push(`Authorization: Bearer ${JWT}`);
  if (c.body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(c.body)}`);
  const resBody = JSON.stringify({ ok: true, id: i });
  const response = ['HTTP/1.1 200 OK', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(resBody)}`, '', resBody].join('\r\n');
  return { client: CLIENT, server: SERVER, serverPort: port, request: head.join('\r\n') + '\r\n\r\n' + (c.body ?? ''), response };
}

/** `/users/v1/{name:str}` covers `/users/v1/name1`. */
function templateMatches(template: string, p: string): boolean {
  const bare = (x: string): string => (x.length > 1 ? x.replace(/\/+$/, '') : x);
  const re = new RegExp('^' + bare(template).split('/').map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
  // trailing slashes are not significant (the spec matcher and the templater ignore them)
  return re.test(bare(p));
}

/** The endpoint row that holds a call: same host and method, template covers the path; most literal wins. */
function rowFor(rows: Row[], c: { host: string; method: string; uri: string }): Row | undefined {
  const p = c.uri.split('?')[0] ?? '';
  const hits = rows.filter((r) => r.method === c.method && (r.host === c.host || r.host === c.host.split(':')[0]) && templateMatches(r.template, p));
  hits.sort((a, b) => (a.template.match(/\{/g) ?? []).length - (b.template.match(/\{/g) ?? []).length);
  return hits[0];
}

interface Scenario {
  name: string;
  specFile: string;
  calls: Call[];
  invented: Call[];
  deprecate: [string, string];
}

function runScenario(t: Test, sc: Scenario): void {
  // The spec with one called operation marked deprecated.
  const doc = parseSpecText(readFileSync(sc.specFile, 'utf8'), sc.specFile) as Record<string, Record<string, Record<string, Json>>>;
  const op = doc['paths']?.[sc.deprecate[1]]?.[sc.deprecate[0]];
  if (!op) throw new Error(`no ${sc.deprecate.join(' ')} in ${sc.specFile}`);
  op['deprecated'] = true;
  const specFile = path.join(tmp, `${sc.name}-spec.json`);
  writeFileSync(specFile, JSON.stringify(doc));
  const ops = loadSpecFile(sc.specFile).operations.map((o) => ({ method: o.method.toUpperCase(), path: o.path }));
  const depKey = `${sc.deprecate[0].toUpperCase()} ${sc.deprecate[1]}`;

  const all = [...sc.calls, ...sc.invented];
  const pcap = path.join(tmp, `${sc.name}.pcap`);
  writeHttpPcap(pcap, all.map(exchange));
  const cfg = path.join(tmp, `${sc.name}.yaml`);
  writeFileSync(cfg, stringify({ inventory: { specs: [specFile] } }));
  const db = path.join(tmp, `${sc.name}.db`);
  const replay = runCli(['replay', '--config', cfg, '--db', db, pcap]);
  t.equal(replay.code, 0, replay.stderr);
  const rows = listEndpoints(db);
  t.equal(rows.reduce((n, r) => n + r.calls, 0), all.length, `all ${all.length} requests reassembled and counted once`);

  for (const c of sc.invented) t.equal(rowFor(rows, c)?.specStatus, 'shadow', `invented ${c.method} ${c.uri} is shadow`);

  const called = new Set<string>();
  const undocumented: string[] = [];
  for (const c of sc.calls) {
    const want = oracle(ops, c.method, c.uri);
    const row = rowFor(rows, c);
    if (!want) {
      undocumented.push(`${c.method} ${c.uri} → ${row?.specStatus ?? 'no row'}`);
      continue;
    }
    const key = `${want.method} ${want.path}`;
    called.add(key);
    if (key === depKey) t.equal(row?.specStatus, 'zombie', `${c.method} ${c.uri} calls the deprecated ${key}: zombie`);
    else t.ok(row?.specStatus === 'documented' || row?.specStatus === 'drift', `${c.method} ${c.uri} (${key}) documented or drift: ${row?.template} ${row?.specStatus}`);
  }
  t.ok(called.has(depKey), `the collection calls the deprecated ${depKey}`);
  t.comment(`${sc.name}: collection calls not in the spec: ${undocumented.join('; ') || 'none'}`);

  const orph = runCli(['endpoints', '--db', db, '--config', cfg, '--status', 'orphan', '--format', 'json']);
  t.equal(orph.code, 0, orph.stderr);
  const orphans = (JSON.parse(orph.stdout) as { method: string; path: string }[]).map((o) => `${o.method.toUpperCase()} ${o.path}`);
  t.ok(orphans.some((o) => !called.has(o)), `${orphans.length} orphans, at least one operation the collection never calls`);
  t.same(orphans.filter((o) => called.has(o)), [], 'no operation the collection calls is an orphan');
  t.same([...orphans].sort(), ops.map((o) => `${o.method} ${o.path}`).filter((k) => !called.has(k)).sort(), 'orphans are exactly the uncalled operations');

  t.comment(`${sc.name}: drift: ${rows.filter((r) => r.specStatus === 'drift').map((r) => `${r.method} ${r.template}`).join('; ')}`);
  const count = (s: string): number => rows.filter((r) => r.specStatus === s).length;
  t.comment(`${sc.name}: ${rows.length} endpoints: documented ${count('documented')}, drift ${count('drift')}, shadow ${count('shadow')}, zombie ${count('zombie')}, unknown ${count('unknown')}; orphans ${orphans.length} of ${ops.length} operations`);
}

t.test('crAPI collection on the wire against the crAPI spec', { skip }, async (t) => {
  const env = JSON.parse(readFileSync(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_environment.json'), 'utf8')) as { values: { key: string; value: string }[] };
  const vars = Object.fromEntries(env.values.map((v) => [v.key, v.value]));
  const calls = collectionCalls(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_collection.json'), vars);
  t.ok(calls.length >= 49, `${calls.length} collection requests`);
  const host = '127.0.0.1:8888';
  runScenario(t, {
    name: 'crapi',
    specFile: path.join(OPENAPI_DIR, 'crapi/crapi-openapi-spec.json'),
    calls,
    invented: [
      { host, method: 'GET', uri: '/internal/debug/config', bearer: false },
      { host, method: 'POST', uri: '/api/v3/admin/export', bearer: true, body: '{"all":true}' },
      { host, method: 'GET', uri: '/identity/api/v2/user/export-all', bearer: true },
    ],
    deprecate: ['post', '/identity/api/v2/vehicle/add_vehicle'],
  });
});

t.test('VAmPI collection on the wire against the VAmPI spec', { skip }, async (t) => {
  const calls = collectionCalls(path.join(OPENAPI_DIR, 'vampi/VAmPI.postman_collection.json'), { baseUrl: 'http://localhost:5000' });
  t.equal(calls.length, 14);
  const host = 'localhost:5000';
  // The collection calls all 14 operations; leave the user deletion out so one is orphan.
  const sent = calls.filter((c) => c.method !== 'DELETE');
  t.equal(sent.length, 13);
  runScenario(t, {
    name: 'vampi',
    specFile: path.join(OPENAPI_DIR, 'vampi/openapi3.yml'),
    calls: sent,
    invented: [
      { host, method: 'GET', uri: '/internal/debug/config', bearer: false },
      { host, method: 'POST', uri: '/api/v3/admin/export', bearer: true, body: '{"all":true}' },
      { host, method: 'PATCH', uri: '/books/v1', bearer: true, body: '{"book_title":"x"}' },
    ],
    deprecate: ['get', '/books/v1'],
  });
});
