// The real daemon (`tapwatch run`) on the loopback interface with a config file, real HTTP traffic,
// a real signed-webhook receiver and a real TCP syslog collector: alerts reach both; SIGHUP with a
// changed BPF filter takes effect; SIGHUP with a broken config keeps the old one; SIGTERM exits 0
// with the outbox flushed; SIGKILL with alerts queued for a receiver that is down, then a restart,
// loses nothing. A second test flaps a veth interface and watches capture come back.
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CLI } from '../helpers/paths';
import { runCliAsync } from '../helpers/cli';
import { startCollector } from '../helpers/syslog-collector';
import { parseRfc5424, sdParams, waitFor } from '../helpers/syslog-parse';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { getJson, startServer } from '../helpers/http-load';
import { parseExposition, sampleValue } from '../helpers/prom-text';

const isRoot = process.getuid?.() === 0;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-daemon-'));
const SECRET = 'daemon-e2e-secret';

interface Daemon {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDaemon(config: string, db: string, extra: string[] = []): Daemon {
  const child = spawn(process.execPath, [CLI, 'run', '--config', config, '--db', db, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, lines, exited };
}

const logged = (d: Daemon, msg: string): number => d.lines.filter((l) => l['msg'] === msg).length;

async function api(port: number, p: string): Promise<void> {
  await getJson(port, p);
}

/** A token of the daemon's token file (beside its database), as `tapwatch token show` prints it. */
function apiToken(db: string, name = 'reader'): string {
  const file = JSON.parse(readFileSync(path.join(path.dirname(db), 'api-tokens.json'), 'utf8')) as { tokens: { name: string; token: string }[] };
  return file.tokens.find((x) => x.name === name)!.token;
}

async function getText(port: number, p: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, headers: token !== undefined ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const apiPort = (d: Daemon): number => ((d.lines.find((l) => l['msg'] === 'http api listening (/metrics, /healthz, /readyz, /alerts)')?.['listen'] ?? { port: 0 }) as { port: number }).port;

const shadowFor = (received: { type: string; endpoint?: { template: string } }[], template: string): boolean =>
  received.some((r) => r.type === 'inventory.shadow-endpoint' && r.endpoint?.template === template);

t.test('daemon on lo: alerts to webhook and syslog, SIGHUP reloads, SIGTERM flushes, SIGKILL loses nothing', { skip: !isRoot && 'needs root (live capture)' }, async (t) => {
  const a = await startServer();
  const b = await startServer();
  const hook = await startWebhookReceiver(SECRET);
  const syslog = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await a.close();
    await b.close();
    await syslog.stop();
  });
  const specFile = path.join(tmp, 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({ openapi: '3.0.3', info: { title: 'users', version: '1' }, paths: { '/api/users/{id}': { get: { responses: { '200': { description: 'ok' } } } } } }),
  );
  const configFile = path.join(tmp, 'tapwatch.yaml');
  const spec2File = path.join(tmp, 'spec2.json');
  writeFileSync(
    spec2File,
    JSON.stringify({ openapi: '3.0.3', info: { title: 'internal', version: '1' }, paths: { '/internal/b': { get: { responses: { '200': { description: 'ok' } } } } } }),
  );
  // the specs describe both test servers (127.0.0.1 on any port): a host no spec is bound to is "no spec", not shadow
  const usersSpec = { path: specFile, hosts: ['127.0.0.1'] };
  const writeConfig = (port: number | string, specs: unknown[] = [usersSpec]): void =>
    writeFileSync(
      configFile,
      stringify({
        capture: { interface: 'lo', filter: typeof port === 'number' ? `tcp port ${port}` : port, immediate: true },
        inventory: { specs },
        store: { flushIntervalSec: 1 },
        alerting: { sensor: 'daemon-e2e' },
        outputs: {
          webhooks: [{ name: 'soar', url: `http://127.0.0.1:${hook.port}/hook`, secret: SECRET, retry: { initialMs: 100, maxMs: 500 } }],
          syslog: [{ name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: syslog.port() }],
          outbox: { drainTimeoutMs: 3000 },
        },
        daemon: { shutdownTimeoutSec: 20, reopen: { initialMs: 200, maxMs: 1000 } },
        api: { listen: { host: '127.0.0.1', port: 0 } },
        statsIntervalSec: 1,
      }),
    );
  writeConfig(a.port);
  const db = path.join(tmp, 'state.db');

  const d = startDaemon(configFile, db);
  await waitFor('capture started', () => logged(d, 'capture started') > 0, 10000);
  for (const p of ['/api/users/1', '/api/users/2', '/admin/export']) await api(a.port, p);
  await waitFor('shadow alert for /admin/export at the webhook', () => shadowFor(hook.received, '/admin/export'), 10000);
  t.notOk(hook.received.some((r) => r.endpoint?.template.startsWith('/api/users')), 'the documented endpoint raises nothing');
  await waitFor('the same alert at the syslog collector', () => syslog.messages.length >= hook.received.length, 5000);
  t.same(syslog.messages.map((m) => sdParams(parseRfc5424(m.toString('utf8'))).get('id')), hook.received.map((r) => r.id), 'syslog and webhook got the same alerts in the same order');

  // SIGHUP with a new filter: port B is watched, port A no longer
  writeConfig(b.port);
  d.child.kill('SIGHUP');
  await waitFor('config reloaded', () => logged(d, 'config reloaded') > 0, 10000);
  await api(a.port, '/admin/not-watched-any-more');
  await api(b.port, '/internal/b');
  await waitFor('shadow alert for /internal/b', () => shadowFor(hook.received, '/internal/b'), 10000);
  t.notOk(shadowFor(hook.received, '/admin/not-watched-any-more'), 'traffic on the old port is filtered out after the reload');

  // SIGHUP with a broken config: logged, the running config stays
  writeFileSync(configFile, 'capture: {interface: lo\n  filter: [unclosed\n');
  d.child.kill('SIGHUP');
  await waitFor('reload rejected', () => logged(d, 'reload: config rejected; keeping the running config') > 0, 10000);
  await api(b.port, '/internal/c');
  await waitFor('shadow alert for /internal/c under the old config', () => shadowFor(hook.received, '/internal/c'), 10000);
  t.equal(d.child.exitCode, null, 'still running');

  // SIGHUP with a filter libpcap refuses: the running capture stays
  writeConfig('tcp port', [usersSpec]);
  d.child.kill('SIGHUP');
  await waitFor('reload not applied', () => logged(d, 'reload: cannot apply; keeping the running config') > 0, 10000);
  await api(b.port, '/internal/f');
  await waitFor('shadow alert for /internal/f: port B still watched', () => shadowFor(hook.received, '/internal/f'), 10000);

  // SIGHUP adding a spec that documents /internal/b: its status changes without a restart
  writeConfig(b.port, [usersSpec, { path: spec2File, hosts: ['127.0.0.1'] }]);
  d.child.kill('SIGHUP');
  await waitFor('specs reloaded', () => logged(d, 'OpenAPI specs reloaded') > 0, 10000);
  await api(b.port, '/internal/b');
  const statusOf = async (template: string): Promise<string> => {
    const rows = JSON.parse((await runCliAsync(['endpoints', '--db', db, '--format', 'json'])).stdout) as { template: string; specStatus: string }[];
    return rows.find((r) => r.template === template)?.specStatus ?? '';
  };
  let status = await statusOf('/internal/b');
  for (let i = 0; i < 40 && status !== 'documented'; i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = await statusOf('/internal/b');
  }
  t.equal(status, 'documented', 'the reloaded spec documents /internal/b (it was shadow)');

  // /metrics and /readyz on the local port agree with what was sent and delivered
  const port = apiPort(d);
  t.equal((await getText(port, '/readyz')).status, 200, 'ready');
  t.equal((await getText(port, '/healthz')).status, 200, 'healthy');
  await waitFor('deliveries settled', () => hook.received.length === d.lines.filter((l) => String(l['msg']).startsWith('alert: ')).length, 5000);
  t.equal((await getText(port, '/metrics')).status, 401, '/metrics needs a token');
  const metrics = parseExposition((await getText(port, '/metrics', apiToken(db))).body);
  // watched: 3 calls on A before the filter change, then /internal/b, c, f and b again on B
  t.equal(sampleValue(metrics, 'tapwatch_http_transactions_total'), 7, 'HTTP transactions = the calls on the watched ports');
  t.equal(sampleValue(metrics, 'tapwatch_output_delivered_total', { destination: 'soar' }), hook.received.length, 'delivered = what the webhook received');
  t.equal(sampleValue(metrics, 'tapwatch_outbox_backlog', { destination: 'soar' }), 0, 'nothing left in the outbox');
  const shadowStored = sampleValue(metrics, 'tapwatch_alerts', { detector: 'inventory.shadow-endpoint', severity: 'medium' });
  t.equal(shadowStored, hook.received.filter((r) => r.type === 'inventory.shadow-endpoint').length, 'stored shadow alerts = delivered ones');
  t.ok((sampleValue(metrics, 'tapwatch_events_total', { name: 'daemon.reload.failed' }) ?? 0) >= 2, 'the two refused reloads are counted');

  // SIGTERM: clean exit, everything raised was delivered
  d.child.kill('SIGTERM');
  const end = await d.exited;
  t.same(end, { code: 0, signal: null }, 'exit 0 after SIGTERM');
  const raised = d.lines.filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('alert: ')).map((l) => (l['alert'] as { id: string }).id);
  t.same(hook.received.map((r) => r.id), raised, 'every alert raised reached the webhook, once, in order');
  t.ok(hook.received.every((r) => r.signatureOk), 'all signed');

  // SIGKILL with a backlog: the receiver is down, alerts queue in SQLite, the daemon is killed
  writeConfig(b.port);
  const hookPort = hook.port;
  await hook.close();
  const k = startDaemon(configFile, db);
  await waitFor('capture started again', () => logged(k, 'capture started') > 0, 10000);
  await api(b.port, '/internal/d');
  await api(b.port, '/internal/e');
  await waitFor('two alerts raised while the receiver is down', () => k.lines.filter((l) => String(l['msg']).startsWith('alert: ')).length >= 2, 10000);
  const queued = k.lines.filter((l) => String(l['msg']).startsWith('alert: ')).map((l) => (l['alert'] as { id: string }).id);
  k.child.kill('SIGKILL');
  t.equal((await k.exited).signal, 'SIGKILL');

  const stored = await runCliAsync(['alerts', '--db', db, '--format', 'json']);
  t.equal(stored.code, 0, stored.stderr);
  const storedIds = (JSON.parse(stored.stdout) as { id: string }[]).map((x) => x.id);
  t.ok(queued.every((id) => storedIds.includes(id)), 'alerts raised before SIGKILL are stored');
  const eps = await runCliAsync(['endpoints', '--db', db, '--format', 'json']);
  t.ok((JSON.parse(eps.stdout) as { template: string }[]).some((e) => e.template === '/internal/d'), 'endpoints seen before SIGKILL are stored');

  const back = await startWebhookReceiver(SECRET, hookPort);
  t.teardown(() => back.close());
  const r = startDaemon(configFile, db);
  await waitFor('the backlog delivered after restart', () => queued.every((id) => back.received.some((x) => x.id === id)), 15000);
  r.child.kill('SIGTERM');
  t.equal((await r.exited).code, 0);
  t.same(back.received.map((x) => x.id).filter((id) => queued.includes(id)), queued, 'each queued alert once, in order');
});

t.test('a mirror interface that goes down and comes back is reopened', { skip: !isRoot && 'needs root (veth, live capture)' }, async (t) => {
  const ns = `twflap${process.pid}`;
  const host = `twf${process.pid % 100000}a`;
  const peer = `twf${process.pid % 100000}b`;
  const sh = (cmd: string): void => {
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  sh(`ip netns add ${ns} && ip link add ${host} type veth peer name ${peer} && ip link set ${peer} netns ${ns}`);
  t.teardown(() => {
    spawnSync('ip', ['link', 'del', host]);
    spawnSync('ip', ['netns', 'del', ns]);
  });
  sh(`ip addr add 10.231.7.1/30 dev ${host} && ip link set ${host} up && ip netns exec ${ns} ip addr add 10.231.7.2/30 dev ${peer} && ip netns exec ${ns} ip link set ${peer} up`);
  const configFile = path.join(tmp, 'flap.yaml');
  writeFileSync(configFile, stringify({ capture: { interface: host, immediate: true }, daemon: { reopen: { initialMs: 200, maxMs: 400 } }, api: { listen: { port: 0 } }, statsIntervalSec: 1 }));
  const d = startDaemon(configFile, path.join(tmp, 'flap.db'));
  t.teardown(() => d.child.kill('SIGKILL'));
  await waitFor('capture started', () => logged(d, 'capture started') > 0, 10000);
  sh(`ip link set ${host} down`);
  await waitFor('capture lost', () => logged(d, 'capture lost; reopening') > 0, 10000);
  sh(`ip link set ${host} up`);
  await waitFor('capture reopened', () => logged(d, 'capture started') > 1, 15000);
  const packetsNow = (): number => {
    const stats = d.lines.filter((l) => l['msg'] === 'capture stats');
    return Number(stats[stats.length - 1]?.['packets'] ?? 0);
  };
  const before = packetsNow();
  spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '-W', '1', '10.231.7.1']);
  await waitFor('packets after the reopen', () => packetsNow() > before, 10000);
  d.child.kill('SIGTERM');
  t.equal((await d.exited).code, 0);
});
