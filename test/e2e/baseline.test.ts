// `tapwatch baseline` as a user runs it, on a real SQLite file written by `tapwatch replay --db`:
// - on a real capture nobody here wrote (FoxIO's http1.pcapng: UPnP, AirControl and browser clients),
//   each client's requests, user agents and 404 share must be what tshark counted in the team's
//   derived table (data/derived/tshark-4.0.17/http_messages.tsv);
// - restart exactness end to end: generated traffic of several users over two days, replayed as
//   `replay A; replay B` into one database and as `replay A B` into another (same installation key),
//   must store the same baselines and print the same `baseline` answers;
// - errors are one plain sentence: no database, nothing stored, an unknown name (with a suggestion).
import t from 'tap';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { needsSharedData, sharedData } from '../helpers/shared-data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-baseline-'));

interface Summary {
  kind: string;
  key: string;
  requests: number;
  errors: Record<string, number>;
  userAgents: { values: { value: string; requests: number }[] } | null;
  ips: { values: { value: string; requests: number }[] } | null;
  distinct: Record<string, number>;
  objectIds: { judgedRequests: number; unseenRequests: number } | null;
  sentence: string;
}

function baseline(db: string, what: string): Summary[] {
  const run = runCli(['baseline', what, '--db', db, '--format', 'json']);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Summary[];
}

t.test('on a real capture: requests, user agents and 404s per client as tshark counted them', { skip: needsSharedData }, async (t) => {
  const pcap = 'pcaps/foxio-ja4/pcap/http1.pcapng';
  const db = path.join(tmp, 'http1.db');
  const replay = runCli(['replay', '--db', db, sharedData(pcap)]);
  t.equal(replay.code, 0, replay.stderr);
  // tshark's view: requests (method set) by source; responses (status set) by destination
  const rows = readFileSync(sharedData('derived/tshark-4.0.17/http_messages.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((c) => c[0] === pcap);
  const clients = new Map<string, { requests: number; agents: Map<string, number>; notFound: number }>();
  const of = (ip: string): { requests: number; agents: Map<string, number>; notFound: number } => {
    const known = clients.get(ip);
    if (known) return known;
    const fresh = { requests: 0, agents: new Map<string, number>(), notFound: 0 };
    clients.set(ip, fresh);
    return fresh;
  };
  for (const c of rows) {
    if (c[7] !== '') {
      const client = of(c[3] as string);
      client.requests++;
      client.agents.set(c[11] as string, (client.agents.get(c[11] as string) ?? 0) + 1);
    } else if (c[12] === '404') of(c[5] as string).notFound++;
  }
  t.ok(clients.size >= 5, `${clients.size} clients in tshark's table`);
  for (const [ip, expected] of clients) {
    if (expected.requests === 0) continue;
    const found = baseline(db, ip);
    const asIp = found.find((s) => s.kind === 'ip');
    const asIdentity = found.find((s) => s.kind === 'identity' && s.key === `ip:${ip}`);
    t.equal(asIp?.requests, expected.requests, `${ip}: requests`);
    t.equal(asIdentity?.requests, expected.requests, `${ip}: requests of its ip: identity`);
    t.same(Object.fromEntries((asIp?.userAgents?.values ?? []).map((u) => [u.value, u.requests])), Object.fromEntries(expected.agents), `${ip}: user agents`);
    t.equal(asIp?.errors['404'], expected.notFound / expected.requests, `${ip}: 404 share`);
    t.same(asIdentity?.ips?.values.map((v) => [v.value, v.requests]), [[ip, expected.requests]], `${ip}: one IP`);
  }
  const text = runCli(['baseline', '192.168.1.100', '--db', db]);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /^192\.168\.1\.100 \(client IP\)\n/);
  t.match(text.stdout, /ip:192\.168\.1\.100 \(identity\)\n {2}.* on Wed 16–17 UTC from 1 IP\n/, 'the sentence an analyst reads first');
  t.match(text.stdout, /errors: 401 0%, 403 0%, 404 11\.1%, 429 0%, 5xx 0%/);
  t.notMatch(text.stdout, /\{|\}|at .*\.js/, 'words, not JSON or a stack');
});

/** A day of traffic: each user's hours, endpoints with ids, lists that show ids, errors. */
function day(dayIndex: number): { hour: number; exchanges: HttpExchange[] }[] {
  const users = [
    { name: 'alice', ip: '10.1.0.5', auth: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`, hours: [8, 9, 10, 14, 16] },
    { name: 'bob', ip: '10.1.0.6', auth: `Basic ${Buffer.from('bob:builder').toString('base64')}`, hours: [9, 13, 17] },
    { name: 'svc', ip: '10.1.0.9', auth: 'Bearer 8f14e45fceea167a5a36dedd4bea2543', hours: [2, 8, 14, 20] },
    { name: 'anon', ip: '10.1.0.77', auth: null, hours: [11, 15] },
  ];
  const hours = new Map<number, HttpExchange[]>();
  let k = dayIndex * 1000;
  for (const u of users) {
    for (const h of u.hours) {
      const list = hours.get(h) ?? [];
      hours.set(h, list);
      const calls = 6 + ((k + h) % 5);
      const ids = [1, 2, 3].map((n) => n + (dayIndex % 2) * 3);
      for (let c = 0; c < calls; c++) {
        k++;
        const auth = u.auth ? `Authorization: ${u.auth}\r\n` : '';
        const head = (method: string, p: string, body = ''): string => `${method} ${p} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: ${u.name}-app/1.0\r\n${auth}${body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : ''}\r\n${body}`;
        const json = (status: number, value: unknown): string => {
          const body = JSON.stringify(value);
          return `HTTP/1.1 ${status} ${status === 200 ? 'OK' : status === 201 ? 'Created' : 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        };
        let request: string;
        let response: string;
        if (c === 0) {
          request = head('GET', '/api/orders');
          response = json(200, ids.map((id) => ({ id, total: id * 10 })));
        } else if (c % 4 === 1) {
          const id = c === 5 ? 90 + (k % 7) : (ids[c % 3] as number);
          request = head('GET', `/api/orders/${id}`);
          response = id >= 90 ? json(404, { error: 'no such order' }) : json(200, { id, total: id * 10 });
        } else if (c % 4 === 2) {
          const body = JSON.stringify({ item: 'book', qty: 1 + (c % 3) });
          request = head('POST', '/api/orders', body);
          response = json(201, { id: 500 + k });
        } else {
          request = head('GET', `/api/users/${u.name}`);
          response = json(200, { name: u.name });
        }
        list.push({ client: u.ip, server: '10.1.0.1', serverPort: 80, request, response });
      }
    }
  }
  return [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([hour, exchanges]) => ({ hour, exchanges }));
}

function captures(name: string, days: number[]): string[] {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const monday = 1_704_067_200;
  for (const d of days) {
    for (const { hour, exchanges } of day(d)) {
      const file = path.join(dir, `day${d}-h${String(hour).padStart(2, '0')}.pcap`);
      writeHttpPcap(file, exchanges, monday + d * 86400 + hour * 3600 + 60);
      files.push(file);
    }
  }
  return files;
}

function storedBaselines(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT kind, key, template, first_seen, last_seen, requests, state FROM baselines ORDER BY kind, key').all();
  } finally {
    d.close();
  }
}

t.test('replay A; replay B into one database equals replay A B', async (t) => {
  const a = captures('a', [0, 1]);
  const b = captures('b', [2]);
  const splitDir = path.join(tmp, 'split');
  const wholeDir = path.join(tmp, 'whole');
  mkdirSync(splitDir);
  mkdirSync(wholeDir);
  const split = path.join(splitDir, 'state.db');
  const whole = path.join(wholeDir, 'state.db');
  const first = runCli(['replay', '--db', split, ...a]);
  t.equal(first.code, 0, first.stderr);
  // the same installation: credential fingerprints (and so identity names) agree
  copyFileSync(path.join(splitDir, 'installation.key'), path.join(wholeDir, 'installation.key'));
  const second = runCli(['replay', '--db', split, ...b]);
  t.equal(second.code, 0, second.stderr);
  const once = runCli(['replay', '--db', whole, ...a, ...b]);
  t.equal(once.code, 0, once.stderr);

  const rows = storedBaselines(whole);
  t.ok(rows.length >= 20, `${rows.length} baselines stored`);
  t.same(storedBaselines(split), rows, 'every stored baseline is equal');
  for (const what of ['user:alice', 'user:bob', '10.1.0.77', '/api/orders/{id:int}', 'GET /api/orders']) {
    const run = (db: string): string => runCli(['baseline', what, '--db', db, '--format', 'json']).stdout;
    t.equal(run(split), run(whole), `baseline ${what}: the same answer`);
  }
  const alice = baseline(whole, 'user:alice').find((s) => s.key === 'user:alice');
  // alice: 3 days × 5 hours; her first request is her admission (counted from the second on)
  const calls = [0, 1, 2].reduce((n, d) => n + (day(d).flatMap((h) => h.exchanges).filter((e) => e.client === '10.1.0.5').length), 0);
  t.equal(alice?.requests, calls - 1, 'alice: every request after the first');
  t.match(alice?.sentence ?? '', /on Mon, Tue, Wed 08–17 UTC from 1 IP$/, 'alice: her days and hours');
  t.ok((alice?.objectIds?.unseenRequests ?? 0) > 0, 'alice asked for orders she was never shown');
});

t.test('errors are one plain sentence', async (t) => {
  const missing = runCli(['baseline', 'user:alice', '--db', path.join(tmp, 'nothing-here.db')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^tapwatch: no database at .*nothing-here\.db: run 'tapwatch replay --db .*' or 'tapwatch run' first\n$/);

  // a database written with the baselines off holds none
  const config = path.join(tmp, 'no-features.yaml');
  writeFileSync(config, 'features:\n  enabled: false\n');
  const empty = path.join(tmp, 'empty.db');
  t.equal(runCli(['replay', '--db', empty, '--config', config]).code, 0);
  const none = runCli(['baseline', 'user:alice', '--db', empty]);
  t.equal(none.code, 1);
  t.match(none.stderr, /^tapwatch: .*empty\.db holds no baselines yet; replay traffic into it with 'tapwatch replay --db .*empty\.db FILE' \(features\.enabled\) first\n$/);

  const whole = path.join(tmp, 'whole', 'state.db');
  const unknown = runCli(['baseline', 'user:nobody', '--db', whole]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^tapwatch: no baseline for "user:nobody" in .*state\.db; name an identity .*\n$/);
  const close = runCli(['baseline', 'alic', '--db', whole]);
  t.match(close.stderr, /^tapwatch: no baseline for "alic" in .*; did you mean "user:alice"( or "[^"]+")*\?\n$/);
  const format = runCli(['baseline', 'user:alice', '--db', whole, '--format', 'yaml']);
  t.equal(format.code, 2);
  t.equal(format.stderr, 'tapwatch: --format yaml: give text or json\n');
});
