// Identities from real captures through the CLI (`replay --db`, then `tapwatch identities`), with the
// expected identities read independently from the capture bytes (tcpdump -A text, decoded here) and
// fingerprints computed here with the installation key beside the database; trusted-proxy
// X-Forwarded-For on and off; replay A then B equals replay A B; no secret in the database file or the
// output; the JSON shape and the errors of the command.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { needsSharedData, sharedData } from '../helpers/shared-data';
import { hasTcpdump } from '../helpers/tcpdump';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-identities-'));
const needsCaptures = needsSharedData || (hasTcpdump ? false : 'needs tcpdump');
let dirs = 0;

interface IdentityJson {
  id: string;
  kind: string;
  display: string;
  source: string;
  requests: number;
  firstSeen: number;
  lastSeen: number;
  ips: { ip: string; requests: number; firstSeen: number; lastSeen: number }[];
  userAgents: { userAgent: string; requests: number }[];
  endpoints: { endpoint: string; requests: number }[];
  sessions: number;
}

/** A fresh directory with a state database path in it. */
function newDb(): string {
  const dir = path.join(tmp, `run-${++dirs}`);
  spawnSync('mkdir', ['-p', dir]);
  return path.join(dir, 'state.db');
}

function replay(db: string, files: string[], config?: string): string {
  const run = runCli(['replay', '--format', 'jsonl', '--db', db, ...(config ? ['--config', config] : []), ...files]);
  if (run.code !== 0) throw new Error(`replay failed: ${run.stderr}`);
  return run.stdout + run.stderr;
}

function identities(db: string): IdentityJson[] {
  const run = runCli(['identities', '--db', db, '--format', 'json']);
  if (run.code !== 0) throw new Error(`identities failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as IdentityJson[];
}

/** The fingerprint of `secret` under the installation key beside `db`. */
function fingerprintBeside(db: string, secret: string): string {
  const key = readFileSync(path.join(path.dirname(db), 'installation.key'));
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, 32);
}

function tcpdumpText(file: string): string {
  return spawnSync('tcpdump', ['-nn', '-A', '-r', file], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
}

function configFile(name: string, yaml: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, yaml);
  return file;
}

t.test('Basic: the user of the credential', { skip: needsCaptures }, async (t) => {
  for (const name of ['basic-auth-with-colon.pcap', 'basic-auth-with-extra-space.pcap']) {
    const file = sharedData('pcaps/zeek/Traces/http', name);
    const b64 = /^Authorization: Basic +(\S+)/m.exec(tcpdumpText(file))?.[1];
    t.ok(b64, `${name}: tcpdump shows the credential`);
    const user = Buffer.from(b64 ?? '', 'base64').toString('utf8').split(':')[0];
    const db = newDb();
    replay(db, [file]);
    t.same(identities(db).map((i) => [i.id, i.kind, i.display, i.source, i.requests]), [[`user:${user}`, 'user', user, 'basic', 1]], name);
  }
});

t.test('Bearer: an opaque token is named by its keyed fingerprint, recorded from its second request', { skip: needsCaptures }, async (t) => {
  const file = sharedData('pcaps/suricata-verify/tests/http-auth-bearer/input.pcap');
  const token = /^Authorization: Bearer (\S+)/m.exec(tcpdumpText(file))?.[1] ?? '';
  t.ok(token.length > 0, 'tcpdump shows the token');
  const db = newDb();
  replay(db, [file]);
  const fp = fingerprintBeside(db, token);
  t.same(identities(db), [], 'a token seen once is not recorded (identity.admitOnSecondRequest)');
  replay(db, [file]);
  t.same(identities(db).map((i) => [i.id, i.display, i.source, i.requests]), [[`key:${fp}`, fp.slice(0, 8), 'bearer-opaque', 2]], 'seen again in the next run: recorded, both requests counted');
  const eager = newDb();
  replay(eager, [file], configFile('eager.yaml', 'identity:\n  admitOnSecondRequest: false\n'));
  t.same(identities(eager).map((i) => [i.id, i.requests]), [[`key:${fingerprintBeside(eager, token)}`, 1]], 'admitOnSecondRequest false: recorded at once');
});

t.test('a JSON login names its user; the token used after it is a key', { skip: needsCaptures }, async (t) => {
  const file = sharedData('pcaps/suricata-verify/tests/http-post-file/input.pcap');
  const text = tcpdumpText(file);
  const login = JSON.parse(/(\{"login_id":[^}]*\})/.exec(text)?.[1] ?? '{}') as { login_id?: string };
  const token = /^Authorization: BEARER (\S+)/m.exec(text)?.[1] ?? '';
  const tokenRequests = text.match(/^Authorization: BEARER /gm)?.length ?? 0;
  t.ok(login.login_id && token && tokenRequests > 0, 'tcpdump shows the login and the token');
  const db = newDb();
  replay(db, [file]);
  const byId = new Map(identities(db).map((i) => [i.id, i]));
  t.equal(byId.get(`user:${login.login_id}`)?.requests, 1, 'the login request');
  t.equal(byId.get(`user:${login.login_id}`)?.source, 'login');
  t.equal(byId.get(`key:${fingerprintBeside(db, token)}`)?.requests, tokenRequests, 'the requests with the token (handed out in a response header, which the HTTP stage does not read)');
});

t.test('a form login binds the session cookie it carried: later requests are the user', { skip: needsCaptures }, async (t) => {
  const file = sharedData('pcaps/chrissanders-packets/http_dvwa_clearlogin.pcapng');
  // tcpdump's view of each request (one per packet here): method, cookie, form body, in capture order
  const rows = tcpdumpText(file)
    .split(/^(?=\d\d:\d\d:\d\d\.\d+ IP )/m)
    .map((packet) => ({ method: /(GET|POST) \/\S* HTTP\/1\.[01]/.exec(packet)?.[1], cookie: /^Cookie: (.*)$/m.exec(packet)?.[1] ?? '', form: /^(username=.*)$/m.exec(packet)?.[1] ?? '' }))
    .filter((r) => r.method !== undefined);
  const loginAt = rows.findIndex((r) => r.method === 'POST');
  const user = new URLSearchParams(rows[loginAt]?.form ?? '').get('username');
  const cookie = /PHPSESSID=(\w+)/.exec(rows[loginAt]?.cookie ?? '')?.[1] ?? '';
  t.ok(user && cookie && rows.length > loginAt + 1, `tcpdump shows ${rows.length} requests, the login form and its cookie`);
  const withCookie = (r: { cookie: string }) => r.cookie.includes(`PHPSESSID=${cookie}`);
  const afterLogin = rows.slice(loginAt + 1).filter(withCookie).length;
  const beforeLogin = rows.slice(0, loginAt).filter(withCookie).length;
  const withoutCookie = rows.filter((r) => !withCookie(r)).length;
  const db = newDb();
  replay(db, [file]);
  const byId = new Map(identities(db).map((i) => [i.id, i]));
  t.equal(byId.get(`user:${user}`)?.requests, afterLogin + 1, 'the login and every later request with its cookie');
  t.equal(byId.get(`key:${fingerprintBeside(db, cookie)}`)?.requests, beforeLogin, 'the cookie before the login');
  t.equal(byId.get('ip:10.2.2.101')?.requests, withoutCookie, 'requests without a credential: the client IP');
});

t.test('X-Forwarded-For: believed only from a trusted proxy', { skip: needsCaptures }, async (t) => {
  const file = sharedData('pcaps/suricata-verify/tests/http-xff-eve-reverse-overwrite/test.pcap');
  const text = tcpdumpText(file);
  const packetClient = /IP (\d+\.\d+\.\d+\.\d+)\.\d+ > \S+: Flags \[P\.\].*HTTP: GET/.exec(text)?.[1] ?? '';
  const hops = (/^X-Forwarded-For: (.*)$/m.exec(text)?.[1] ?? '').split(',').map((h) => h.trim());
  t.ok(packetClient && hops.length === 2, `tcpdump: ${packetClient} forwards for ${hops.join(', ')}`);
  const ipsOf = (db: string) => identities(db).map((i) => i.id);

  const off = newDb();
  replay(off, [file]);
  t.same(ipsOf(off), [`ip:${packetClient}`], 'no trusted proxy: the packet address');

  const proxy = newDb();
  replay(proxy, [file], configFile('xff-1.yaml', `identity:\n  trustedProxies: ["${packetClient}"]\n`));
  t.same(ipsOf(proxy), [`ip:${hops[1]}`], 'the sender is a trusted proxy: the rightmost hop');

  const chain = newDb();
  replay(chain, [file], configFile('xff-2.yaml', `identity:\n  trustedProxies: ["${packetClient}/32", "${hops[1]}"]\n`));
  t.same(ipsOf(chain), [`ip:${hops[0]}`], 'the rightmost hop is trusted too: the one left of it');

  const elsewhere = newDb();
  replay(elsewhere, [file], configFile('xff-3.yaml', 'identity:\n  trustedProxies: ["192.0.2.0/24"]\n'));
  t.same(ipsOf(elsewhere), [`ip:${packetClient}`], 'a proxy list that does not hold the sender: the packet address');

  const jupyter = sharedData('pcaps/zeek/Traces/websocket/jupyter-websocket.pcap');
  const forwarded = /^X-Forwarded-For: (\S+)/m.exec(tcpdumpText(jupyter))?.[1] ?? '';
  const behindProxy = newDb();
  replay(behindProxy, [jupyter], configFile('xff-4.yaml', 'identity:\n  trustedProxies: ["127.0.0.0/8"]\n'));
  t.same(ipsOf(behindProxy), [`ip:${forwarded}`], 'a local reverse proxy (Jupyter behind Apache)');
});

/** Users, a service key, a login that binds a cookie and hands out a token, a browser without credentials. */
function exchanges(part: 'a' | 'b'): HttpExchange[] {
  const ok = (body = '{}') => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const req = (line: string, headers: string[], body = '') =>
    [line, 'Host: shop.example', ...headers, ...(body ? ['Content-Type: application/json', `Content-Length: ${body.length}`] : []), '', body].join('\r\n');
  const basic = `Authorization: Basic ${Buffer.from('alice:Al1ce-Passw0rd!').toString('base64')}`;
  const ex = (client: string, request: string, response = ok()): HttpExchange => ({ client, server: '10.0.0.80', serverPort: 80, request, response });
  if (part === 'a') {
    return [
      ex('198.51.100.1', req('GET /api/orders/1 HTTP/1.1', [basic, 'User-Agent: shop-app/2.1'])),
      ex('198.51.100.2', req('GET /api/stock HTTP/1.1', ['X-API-Key: sk_live_SeCrEtApIkEy0123456789', 'User-Agent: cron/1'])),
      ex('198.51.100.3', req('POST /api/auth/login HTTP/1.1', ['Cookie: sessionid=CoOkIeSeCrEt-0a1b2c3d4e5f'], '{"username":"bob","password":"B0b-Pa55word"}'), ok('{"access_token":"TokenSecret-9f8e7d6c5b4a39281706"}')),
      ex('203.0.113.9', req('GET / HTTP/1.1', ['User-Agent: Mozilla/5.0'])),
    ];
  }
  return [
    ex('198.51.100.1', req('GET /api/orders/2 HTTP/1.1', [basic, 'User-Agent: shop-app/2.1'])),
    ex('198.51.100.3', req('GET /api/me HTTP/1.1', ['Cookie: sessionid=CoOkIeSeCrEt-0a1b2c3d4e5f'])),
    ex('198.51.100.4', req('GET /api/me HTTP/1.1', ['Authorization: Bearer TokenSecret-9f8e7d6c5b4a39281706'])),
    ex('198.51.100.2', req('GET /api/stock HTTP/1.1', ['X-API-Key: sk_live_SeCrEtApIkEy0123456789', 'User-Agent: cron/1'])),
    ex('203.0.113.9', req('GET /about HTTP/1.1', ['User-Agent: Mozilla/5.0'])),
  ];
}

const SECRETS = ['Al1ce-Passw0rd!', Buffer.from('alice:Al1ce-Passw0rd!').toString('base64'), 'sk_live_SeCrEtApIkEy0123456789', 'CoOkIeSeCrEt-0a1b2c3d4e5f', 'B0b-Pa55word', 'TokenSecret-9f8e7d6c5b4a39281706'];

t.test('replay A then B into one database equals replay A B', async (t) => {
  const a = path.join(tmp, 'a.pcap');
  const b = path.join(tmp, 'b.pcap');
  writeHttpPcap(a, exchanges('a'), 1_700_000_000);
  writeHttpPcap(b, exchanges('b'), 1_700_000_060);
  const split = newDb();
  replay(split, [a]);
  replay(split, [b]);
  const whole = newDb();
  // one installation: the same key makes the same fingerprints
  writeFileSync(path.join(path.dirname(whole), 'installation.key'), readFileSync(path.join(path.dirname(split), 'installation.key')));
  replay(whole, [a, b]);
  const wholeIds = identities(whole);
  t.same(identities(split), wholeIds);
  const byId = new Map(wholeIds.map((i) => [i.id, i]));
  t.equal(byId.get('user:alice')?.requests, 2);
  t.equal(byId.get('user:alice')?.sessions, 1, "alice's session spans both files");
  t.equal(byId.get('user:bob')?.requests, 3, 'the login, then its cookie and the token it handed out, in the second file');
  t.equal(byId.get(`key:${fingerprintBeside(whole, 'sk_live_SeCrEtApIkEy0123456789')}`)?.requests, 2);
  t.same(byId.get('ip:203.0.113.9')?.endpoints.map((e) => e.endpoint), ['GET shop.example/', 'GET shop.example/about']);
});

t.test('no secret in the database file or the output', async (t) => {
  const a = path.join(tmp, 'secrets-a.pcap');
  const b = path.join(tmp, 'secrets-b.pcap');
  writeHttpPcap(a, exchanges('a'), 1_700_000_000);
  writeHttpPcap(b, exchanges('b'), 1_700_000_060);
  const real: { file: string; secrets: string[] }[] = needsSharedData
    ? []
    : [
        { file: sharedData('pcaps/suricata-verify/tests/http-auth-bearer/input.pcap'), secrets: ['mF_9.B5f-4.1JqM'] },
        { file: sharedData('pcaps/zeek/Traces/http/basic-auth-with-colon.pcap'), secrets: ['dGVzdDoxOjM0'] },
        { file: sharedData('pcaps/suricata-verify/tests/http-post-file/input.pcap'), secrets: ['tototo', '1gsho83nt3bkmykh5aynw6kzgy'] },
        { file: sharedData('pcaps/chrissanders-packets/http_dvwa_clearlogin.pcapng'), secrets: ['8tokslnu6t07ru35q4vbsc8tk6', 'bb171ec1363816dedc60def8744007fe'] },
      ];
  const db = newDb();
  let output = replay(db, [a, b, ...real.map((r) => r.file)]);
  const table = runCli(['identities', '--db', db]);
  const json = runCli(['identities', '--db', db, '--format', 'json']);
  output += table.stdout + table.stderr + json.stdout + json.stderr;
  const files = [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f));
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  t.ok(json.stdout.includes('user:alice') && json.stdout.includes('user:bob'), 'the identities are there');
  for (const secret of [...SECRETS, ...real.flatMap((r) => r.secrets)]) {
    t.notOk(bytes.includes(Buffer.from(secret)), `not in the database: ${secret.slice(0, 4)}…`);
    t.notOk(output.includes(secret), `not in the output: ${secret.slice(0, 4)}…`);
  }
});

t.test('tapwatch identities: JSON for tools, a table for people, one sentence for errors', async (t) => {
  const a = path.join(tmp, 'shape.pcap');
  const b = path.join(tmp, 'shape-b.pcap');
  writeHttpPcap(a, exchanges('a'), 1_700_000_000);
  writeHttpPcap(b, exchanges('b'), 1_700_000_060);
  const db = newDb();
  replay(db, [a, b]);
  const list = identities(db);
  t.same(list.map((i) => i.kind).sort(), ['ip', 'key', 'user', 'user'], 'alice (Basic), the service key (twice), bob (his login), the browser (its IP)');
  for (const i of list) {
    t.match(i, {
      id: String,
      kind: /^(user|key|ip)$/,
      display: String,
      source: String,
      requests: Number,
      firstSeen: Number,
      lastSeen: Number,
      ips: Array,
      userAgents: Array,
      endpoints: Array,
      sessions: Number,
    });
    t.equal(i.id.startsWith(`${i.kind}:`), true, `${i.id}: kind:value`);
    for (const ip of i.ips) t.match(ip, { ip: String, requests: Number, firstSeen: Number, lastSeen: Number });
  }
  const table = runCli(['identities', '--db', db]);
  t.equal(table.code, 0);
  t.match(table.stdout, /^KIND +IDENTITY +REQUESTS +SESSIONS +IPS +FIRST SEEN +LAST SEEN +NAMED BY\n/);
  t.match(table.stdout, /\nuser +alice +2 +1 +198\.51\.100\.1 /);
  const users = runCli(['identities', '--db', db, '--kind', 'user', '--format', 'json']);
  t.same((JSON.parse(users.stdout) as IdentityJson[]).map((i) => i.kind), ['user', 'user']);

  const missing = runCli(['identities', '--db', path.join(tmp, 'nowhere', 'x.db')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^tapwatch: no database at \S+x\.db: run 'tapwatch replay --db \S+ FILE' or 'tapwatch run' first\n$/);
  const badFormat = runCli(['identities', '--db', db, '--format', 'xml']);
  t.equal(badFormat.code, 2);
  t.equal(badFormat.stderr, 'tapwatch: --format xml: give table or json\n');
});
