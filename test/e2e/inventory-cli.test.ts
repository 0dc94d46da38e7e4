// The inventory as a user runs it: replay into a real SQLite file, list with `tapwatch endpoints`,
// classify against the Docker Engine spec (clients add /v1.41, the spec does not), grow across
// replays, report shadow endpoints, and fail clearly on a bad database path.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { jsonLines, listEndpoints, runCli } from '../helpers/cli';
import { TRACES } from '../helpers/paths';
import { needsSharedData, sharedData } from '../helpers/shared-data';
import { validateOpenApi } from '../helpers/openapi-validator';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-inventory-'));
const trace = path.join(TRACES, 'docker-http-upgrade.pcap');
const dockerSpec = sharedData('openapi/docker-engine-v1.41/v1.41.yaml');

/** `/v1.41/containers/{id:hex}/wait` matches `/v1.41/containers/cc4f.../wait`. */
function templateMatches(template: string, p: string): boolean {
  const bare = (x: string): string => (x.length > 1 ? x.replace(/\/+$/, '') : x);
  const re = new RegExp('^' + bare(template).split('/').map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
  // trailing slashes are not significant (the spec matcher and the templater ignore them)
  return re.test(bare(p));
}

function config(name: string, specs: string[]): string {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, stringify({ inventory: { specs } }));
  return file;
}


t.test('replay → SQLite → endpoints, classified against the Docker spec', { skip: needsSharedData }, async (t) => {
  const db = path.join(tmp, 'docker.db');
  const cfg = config('docker', [dockerSpec]);
  const first = runCli(['replay', '--format', 'jsonl', '--config', cfg, '--db', db, trace]);
  t.equal(first.code, 0, first.stderr);
  const records = jsonLines(first.stdout);
  const requests = records.filter((r) => r['type'] === 'http' && r['method']).map((r) => ({ method: String(r['method']), path: String(r['uri']).split('?')[0] ?? '' }));
  const rows = listEndpoints(db);
  t.ok(requests.length > 0);
  for (const req of requests) {
    const hits = rows.filter((r) => r.method === req.method && templateMatches(r.template, req.path));
    t.equal(hits.length, 1, `${req.method} ${req.path} has exactly one endpoint`);
  }
  t.equal(rows.reduce((n, r) => n + r.calls, 0), requests.length, 'every request counted once');
  t.ok(rows.some((r) => r.template === '/v1.41/containers/{id}/start'), "container ids take the spec's template, which wins over a derived one");
  t.same(rows.filter((r) => r.specStatus === 'shadow' || r.specStatus === 'unknown'), [], 'every call matched to the spec despite the /v1.41 prefix');
  const newEndpoints = records.filter((r) => r['type'] === 'inventory' && r['event'] === 'new-endpoint');
  t.equal(newEndpoints.length, rows.length, 'one new-endpoint record per endpoint');

  const second = runCli(['replay', '--format', 'jsonl', '--config', cfg, '--db', db, trace]);
  t.equal(second.code, 0, second.stderr);
  t.equal(jsonLines(second.stdout).filter((r) => r['type'] === 'inventory').length, 0, 'known endpoints are not new again');
  const again = listEndpoints(db);
  t.same(again.map((r) => r.calls), rows.map((r) => r.calls * 2), 'the map grows across replays');

  const orphans = runCli(['endpoints', '--db', db, '--config', cfg, '--status', 'orphan', '--format', 'json']);
  t.equal(orphans.code, 0, orphans.stderr);
  const orphanOps = JSON.parse(orphans.stdout) as { method: string; path: string }[];
  t.ok(orphanOps.length > 50, `${orphanOps.length} spec operations without traffic`);
  t.notOk(orphanOps.some((o) => o.method === 'POST' && o.path === '/containers/{id}/wait'), 'a called operation is not an orphan');
});

t.test('an endpoint missing from the spec is shadow; without specs the status is unknown', { skip: needsSharedData }, async (t) => {
  const spec = parse(readFileSync(dockerSpec, 'utf8')) as { paths: Record<string, unknown> };
  delete spec.paths['/_ping'];
  const trimmed = path.join(tmp, 'docker-without-ping.yaml');
  writeFileSync(trimmed, stringify(spec));
  const db = path.join(tmp, 'shadow.db');
  t.equal(runCli(['replay', '--config', config('trimmed', [trimmed]), '--db', db, trace]).code, 0);
  t.same(
    listEndpoints(db, '--status', 'shadow').map((r) => `${r.method} ${r.template}`),
    ['HEAD /_ping'],
  );
  const plain = path.join(tmp, 'plain.db');
  t.equal(runCli(['replay', '--db', plain, trace]).code, 0);
  t.ok(listEndpoints(plain).every((r) => r.specStatus === 'unknown'));
});

t.test('bad database paths and missing databases give clear errors', async (t) => {
  const blocker = path.join(tmp, 'not-a-dir');
  writeFileSync(blocker, 'x');
  const bad = runCli(['replay', '--db', path.join(blocker, 'x.db'), trace]);
  t.equal(bad.code, 2, 'a --db through a file is bad usage');
  t.match(bad.stderr, /^tapwatch: --db .*not-a-dir is not a directory/);
  // an explicit --db in a directory that does not exist is refused, and the directory not created
  const missingDir = path.join(tmp, 'no-such-dir', 'deeper');
  const typo = runCli(['replay', '--db', path.join(missingDir, 'x.db'), trace]);
  t.equal(typo.code, 2);
  t.same(typo.stderr.trim().split('\n').length, 1, 'one line');
  t.match(typo.stderr, new RegExp(`^tapwatch: --db .*: directory ${missingDir.replace(/[.*+?^$()|[\]\\]/g, '\\$&')} does not exist`));
  t.notOk(existsSync(path.join(tmp, 'no-such-dir')), 'no directory was created');
  const corrupt = path.join(tmp, 'not-a-database.db');
  writeFileSync(corrupt, 'this is not SQLite '.repeat(100));
  const notDb = runCli(['replay', '--db', corrupt, trace]);
  t.equal(notDb.code, 1, 'a file that is not a database is a runtime failure');
  t.match(notDb.stderr, /^tapwatch: cannot open the state database .*not-a-database\.db/);
  t.notMatch(notDb.stderr, /^\{/m, 'a plain line, not a JSON log');
  const missing = runCli(['endpoints', '--db', path.join(tmp, 'nope.db')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no database at/);
  t.equal(runCli(['endpoints', '--db', path.join(tmp, 'nope.db'), '--status', 'weird']).code, 2);
});

t.test('openapi export: valid OpenAPI 3.1, and as the spec it documents everything it came from', async (t) => {
  const db = path.join(tmp, 'export.db');
  t.equal(runCli(['replay', '--db', db, trace]).code, 0);
  const exported = path.join(tmp, 'observed.json');
  const run = runCli(['openapi', 'export', '--db', db, '--title', 'Docker as observed', '--output', exported]);
  t.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(readFileSync(exported, 'utf8')) as Record<string, unknown>;
  const verdict = await validateOpenApi(doc);
  t.ok(verdict.valid, JSON.stringify(verdict.errors ?? null).slice(0, 500));
  const roundTrip = path.join(tmp, 'round-trip.db');
  t.equal(runCli(['replay', '--config', config('exported', [exported]), '--db', roundTrip, trace]).code, 0);
  const rows = listEndpoints(roundTrip);
  t.ok(rows.length > 0);
  t.same(rows.filter((r) => r.specStatus !== 'documented').map((r) => `${r.specStatus} ${r.method} ${r.template}`), [], 'no shadow or drift against its own export');
  const yaml = runCli(['openapi', 'export', '--db', db, '--format', 'yaml']);
  t.match(yaml.stdout, /^openapi: 3\.1\.0/m);
});

t.test('human corrections: merge folds stored endpoints and wins on later traffic; split --path pins a literal', async (t) => {
  const db = path.join(tmp, 'corrections.db');
  const first = runCli(['replay', '--format', 'jsonl', '--db', db, trace]);
  t.equal(first.code, 0, first.stderr);
  const server = '192.168.122.87:2375';
  const before = listEndpoints(db);
  const actions = before.filter((r) => r.method === 'POST' && /^\/v1\.41\/containers\/\{[^}]+\}\/\w+$/.test(r.template));
  t.ok(actions.length >= 2, `${actions.length} per-action container endpoints before the merge`);
  const merged = '/v1.41/containers/{id}/{action}';
  const merge = runCli(['endpoints', 'merge', '--db', db, '--host', server, '--method', 'POST', merged]);
  t.equal(merge.code, 0, merge.stderr);
  const after = listEndpoints(db);
  const row = after.find((r) => r.template === merged);
  t.equal(row?.calls, actions.reduce((n, r) => n + r.calls, 0), 'stored calls folded into the merged endpoint');
  t.equal(after.length, before.length - actions.length + 1);

  // Pin one concrete path: later traffic to exactly that path gets its own endpoint.
  const wait = jsonLines(first.stdout).find((r) => r['type'] === 'http' && String(r['uri']).includes('/wait'));
  const waitPath = String(wait?.['uri']).split('?')[0] ?? '';
  const split = runCli(['endpoints', 'split', '--db', db, '--host', server, '--method', 'POST', '--path', waitPath]);
  t.equal(split.code, 0, split.stderr);
  // Stored calls are counted per template, not per path: the command says where they stay.
  const holding = listEndpoints(db).find((r) => r.template === merged);
  t.match(split.stdout, `pinned as its own endpoint`);
  t.match(split.stdout, `its past calls stay in ${merged} (${holding?.calls} calls)`);
  t.notMatch(split.stdout, /\b0 template/, 'no "0 changes" report');
  t.equal(runCli(['replay', '--db', db, trace]).code, 0);
  const final = listEndpoints(db);
  t.equal(final.find((r) => r.template === waitPath)?.calls, 1, 'the pinned path has its own endpoint');
  t.equal(final.find((r) => r.template === merged)?.calls, (row?.calls ?? 0) * 2 - 1, 'the rest still lands on the merged endpoint');

  t.equal(runCli(['endpoints', 'merge', '--db', db, '/no/parameter']).code, 2, 'merge needs a {parameter}');
  const noHost = runCli(['endpoints', 'split', '--db', db, '/x/{id}']);
  t.equal(noHost.code, 2, 'split without --host/--method is bad usage');
  t.match(noHost.stderr, /required option '--host <host>'/);
  const both = runCli(['endpoints', 'split', '--db', db, '--host', server, '--method', 'POST', '--path', '/a/b', '/a/{x}']);
  t.equal(both.code, 2);
  t.match(both.stderr, /either a TEMPLATE or --path/);
});

t.test('approving a template the map already holds keeps its calls (no doubling); approving again changes nothing', async (t) => {
  const db = path.join(tmp, 'approve.db');
  t.equal(runCli(['replay', '--db', db, trace, trace, trace]).code, 0);
  const before = listEndpoints(db);
  const target = before.find((r) => r.template.includes('{') && r.calls > 1);
  if (!target) throw new Error('the trace gives no templated endpoint called more than once');
  const approve = (): void => {
    const run = runCli(['endpoints', 'approve', '--db', db, '--host', target.host, '--method', target.method, target.template]);
    t.equal(run.code, 0, run.stderr);
  };
  approve();
  const after = listEndpoints(db);
  t.same(after, before, 'every row, calls included, as before the approval');
  approve();
  t.same(listEndpoints(db), before, 'a second approval changes nothing either');
  // a host-wide approval (no --host/--method) covers the same row: still no doubling
  t.equal(runCli(['endpoints', 'approve', '--db', db, target.template]).code, 0);
  t.same(listEndpoints(db), before);
});

t.test('help: approve and merge have no --path; split shows what it requires', async (t) => {
  for (const action of ['approve', 'merge']) {
    const help = runCli(['endpoints', action, '--help']);
    t.equal(help.code, 0);
    t.notMatch(help.stdout, /--path/, `${action} has no --path`);
    t.match(help.stdout, new RegExp(`endpoints ${action} \\[options\\] <template>`));
  }
  const split = runCli(['endpoints', 'split', '--help']);
  t.match(split.stdout, /Usage: tapwatch endpoints split --host <host> --method <method> \(<template> \| --path <path>\)/);
});
