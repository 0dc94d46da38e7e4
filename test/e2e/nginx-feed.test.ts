// The nginx feed in a real nginx: `nginx -t` accepts it, and nginx on 127.0.0.1 enforces it — a
// throttled client (127.0.0.2) gets 429 on excess requests while another (127.0.0.3) gets none, an
// endpoint throttle refuses only on its endpoint, a banned IP gets 403 — and in dry-run nobody is
// refused. Skipped without nginx (apt: nginx) or without root (nginx's workers switch user).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { Decision } from '../../src/response/decision';
import { NGINX_SERVER_SNIPPET, renderNginx } from '../../src/response/feeds/nginx';
import { freePort } from '../helpers/processes';
import { NOW, decision } from '../unit/response/feeds/sample-decisions';

const nginxMissing = spawnSync('nginx', ['-v']).error !== undefined;
const notRoot = process.getuid?.() !== 0;
const skip = nginxMissing ? 'nginx is not installed (apt-get install nginx)' : notRoot ? 'needs root to run nginx with its worker user' : false;

const THROTTLED = '127.0.0.2';
const OTHER = '127.0.0.3';
const BANNED = '127.0.0.4';
const ENDPOINT_THROTTLED = '127.0.0.5';
const LIMIT = 6;

const DECISIONS: Decision[] = [
  decision({ id: 'throttle-local', action: 'throttle', limitPerMinute: LIMIT, target: { kind: 'ip', value: THROTTLED } }),
  decision({ id: 'ban-local', action: 'ban', target: { kind: 'ip', value: BANNED } }),
  decision({
    id: 'throttle-endpoint',
    action: 'throttle',
    limitPerMinute: LIMIT,
    target: { kind: 'ip', value: ENDPOINT_THROTTLED },
    endpoint: { host: '127.0.0.1', method: 'GET', template: '/users/{id}' },
  }),
  // would refuse everyone if it were not left out
  decision({ id: 'ban-expired', action: 'ban', target: { kind: 'range', value: '127.0.0.0/8' }, expiresAt: NOW - 1 }),
];

interface Nginx {
  readonly dir: string;
  readonly conf: string;
  readonly port: number;
}

/** A full nginx.conf in a tmp dir including the rendered feed; files the workers read are world-readable. */
function writeConfig(enforce: boolean, port: number): Nginx {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-nginx-'));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'www', 'users'), { recursive: true });
  writeFileSync(path.join(dir, 'www', 'index.html'), 'ok\n');
  writeFileSync(path.join(dir, 'www', 'users', '1'), 'user\n');
  const feed = renderNginx(DECISIONS, { enforce, now: NOW, sensor: 'test' });
  writeFileSync(path.join(dir, feed.fileName), feed.text);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  include ${dir}/${feed.fileName};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    ${NGINX_SERVER_SNIPPET}`,
      // static files, not `return`: return ends the request before limit_req's phase
      `    root ${dir}/www;`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { dir, conf, port };
}

function nginxTest(n: Nginx): { status: number | null; output: string } {
  const r = spawnSync('nginx', ['-t', '-c', n.conf, '-p', n.dir, '-e', `${n.dir}/error.log`], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

async function startNginx(t: Test, n: Nginx): Promise<void> {
  const child = spawn('nginx', ['-c', n.conf, '-p', n.dir, '-e', `${n.dir}/error.log`, '-g', 'daemon off;'], { stdio: 'ignore' });
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(guard);
    }
    rmSync(n.dir, { recursive: true, force: true });
  });
  await waitForPort(n.port, child);
}

/** Status of GET `pathname` sent from `localAddress`, one new connection per request. */
function get(port: number, localAddress: string, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

async function statuses(port: number, from: string, pathname: string, count = 30): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await get(port, from, pathname));
  return out;
}

t.test('nginx -t accepts the feed in both modes', { skip }, async (t) => {
  for (const enforce of [true, false]) {
    const n = writeConfig(enforce, await freePort());
    t.teardown(() => rmSync(n.dir, { recursive: true, force: true }));
    const r = nginxTest(n);
    t.equal(r.status, 0, `nginx -t, enforce ${enforce}: ${r.output}`);
    t.match(r.output, /test is successful/);
  }
});

t.test('nginx -t rejects a broken include, so the check above can fail', { skip }, async (t) => {
  const n = writeConfig(true, await freePort());
  t.teardown(() => rmSync(n.dir, { recursive: true, force: true }));
  writeFileSync(path.join(n.dir, 'tapwatch-nginx.conf'), 'limit_req_zone $x zone=broken rate=6r/m;\n');
  t.not(nginxTest(n).status, 0);
});

t.test('enforcing: excess from the throttled client and the banned one are refused, others are not', { skip }, async (t) => {
  const n = writeConfig(true, await freePort());
  await startNginx(t, n);
  const throttled = await statuses(n.port, THROTTLED, '/');
  t.same(throttled.slice(0, LIMIT), Array(LIMIT).fill(200), 'the first requests within the limit (burst) pass');
  t.ok(throttled.slice(LIMIT).some((s) => s === 429), `excess requests get 429: ${throttled.join(',')}`);
  t.same([...new Set(throttled)].sort(), [200, 429], 'only 200 and 429');
  t.same(await statuses(n.port, OTHER, '/'), Array(30).fill(200), 'a client without a decision is never refused');
  t.same(await statuses(n.port, BANNED, '/', 3), [403, 403, 403], 'the banned IP gets 403');
  const endpoint = await statuses(n.port, ENDPOINT_THROTTLED, '/users/1');
  t.ok(endpoint.includes(429), `the endpoint throttle refuses on /users/{id}: ${endpoint.join(',')}`);
  t.same(await statuses(n.port, ENDPOINT_THROTTLED, '/'), Array(30).fill(200), 'but not on other paths');
});

t.test('dry-run: nobody is refused', { skip }, async (t) => {
  const n = writeConfig(false, await freePort());
  await startNginx(t, n);
  t.same(await statuses(n.port, THROTTLED, '/'), Array(30).fill(200), 'throttled client: all pass');
  t.same(await statuses(n.port, BANNED, '/', 3), [200, 200, 200], 'banned client: passes');
  t.same(await statuses(n.port, ENDPOINT_THROTTLED, '/users/1'), Array(30).fill(200), 'endpoint throttle: all pass');
});
