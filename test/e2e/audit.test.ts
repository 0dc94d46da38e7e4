// The audit trail through the real CLI on a real state database: `feedback` is listed by `tapwatch
// audit` with the person at the terminal (SUDO_USER under sudo), a note's control characters escaped;
// a wide suppression is refused without --allow-wide (nothing recorded) and taken with it; endpoint
// edits and model rollback are audited. A running daemon (`tapwatch run` on lo) delivers the records
// the CLI queued to a real signed-webhook receiver and a real TCP syslog collector.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { AlertStore } from '../../src/alerting/store';
import type { Alert } from '../../src/alerting/types';
import { ALL_MIGRATIONS } from '../../src/daemon/migrations';
import { openDatabase } from '../../src/store/database';
import { jsonLines, type CliRun } from '../helpers/cli';
import { CLI } from '../helpers/paths';
import { freePort, stopProcess, waitForText } from '../helpers/processes';
import { startCollector } from '../helpers/syslog-collector';
import { parseRfc5424, sdParams, waitFor } from '../helpers/syslog-parse';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

const isRoot = process.getuid?.() === 0;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-audit-e2e-'));
const SECRET = 'audit-e2e-secret';
const T0 = 1_800_000_000;

/**
 * The built CLI with SUDO_USER set or removed, as a user at a terminal would run it. Asynchronous:
 * the webhook receiver and syslog collector live in this process and must keep answering the
 * daemon while a command runs (a blocked loop here times the daemon's delivery out, and it resends).
 */
function cli(args: string[], sudoUser?: string): Promise<CliRun> {
  const env = { ...process.env };
  delete env['SUDO_USER'];
  if (sudoUser !== undefined) env['SUDO_USER'] = sudoUser;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    type: 'inventory.shadow-endpoint',
    severity: 'medium',
    score: 0.6,
    firstSeen: T0,
    lastSeen: T0,
    count: 1,
    explanation: { summary: 'undocumented endpoint', factors: [] },
    recommendation: { action: 'observe', reason: 'review' },
    evidence: [],
    sensor: 'audit-e2e',
    ...over,
  };
}

t.test('CLI actions are audited, listed, and delivered by the running daemon', async (t) => {
  const hook = await startWebhookReceiver(SECRET);
  const syslog = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await hook.close();
    await syslog.stop();
  });
  const db = path.join(tmp, 'state.db');
  const seed = openDatabase(db, ALL_MIGRATIONS);
  const store = new AlertStore(seed, db);
  store.saveAlert(alert('ANARROW', { client: '192.0.2.7', endpoint: { host: 'api.example.com', method: 'GET', template: '/admin/export' } }));
  // no identity, client or endpoint: suppressing it would silence the whole detector
  store.saveAlert(alert('AWIDE', { type: 'alerting.rate-exceeded' }));
  store.saveAlert(alert('ALATER', { client: '192.0.2.8', endpoint: { host: 'api.example.com', method: 'GET', template: '/b' } }));
  seed.close();
  const config = path.join(tmp, 'tapwatch.yaml');
  const unusedPort = await freePort();
  writeFileSync(
    config,
    stringify({
      capture: { interface: 'lo', filter: `tcp port ${unusedPort}`, immediate: true },
      alerting: { sensor: 'audit-e2e' },
      outputs: {
        // filters that no audit record passes: audit records go regardless
        webhooks: [{ name: 'soar', url: `http://127.0.0.1:${hook.port}/hook`, secret: SECRET, retry: { initialMs: 50, maxMs: 200 }, filter: { minSeverity: 'critical' } }],
        syslog: [{ name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: syslog.port(), filter: { detectors: ['bola'] } }],
      },
      statsIntervalSec: 60,
    }),
  );

  let daemon: ChildProcess | null = null;
  if (isRoot) {
    daemon = spawn(process.execPath, [CLI, 'run', '--config', config, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stderr?.resume();
    t.teardown(async () => {
      if (daemon) await stopProcess(daemon);
    });
    await waitForText(daemon, 'stdout', 'capture started', 30000);
  }

  const me = os.userInfo().username;
  const fp = await cli(['feedback', 'ANARROW', '--verdict', 'false-positive', '--suppress', '--suppress-for', '30d', '--note', 'scanner\nFORGED local-user:root deleted everything', '--db', db, '-c', config]);
  t.equal(fp.code, 0, fp.stderr);
  const listed = await cli(['audit', '--db', db, '-c', config, '--format', 'jsonl']);
  t.equal(listed.code, 0, listed.stderr);
  const records = jsonLines(listed.stdout);
  t.match(records, [{ actor: { kind: 'local-user', name: me }, action: 'alert.feedback', target: 'ANARROW', details: { verdict: 'false-positive', note: /^scanner\nFORGED/, suppression: { client: '192.0.2.7' } } }]);
  const text = await cli(['audit', '--db', db, '-c', config]);
  t.equal(text.stdout.split('\n').filter((l) => l !== '').length, 1, 'one text line per record: the note cannot forge a second');
  t.match(text.stdout, new RegExp(`local-user:${me} alert\\.feedback ANARROW: ${me} marked alert ANARROW a false positive and suppressed it for 30 days`));

  // under sudo the person is SUDO_USER, not root
  const tp = await cli(['feedback', 'ALATER', '--verdict', 'true-positive', '--db', db, '-c', config], 'alice');
  t.equal(tp.code, 0, tp.stderr);
  t.match(jsonLines((await cli(['audit', '--db', db, '--actor', 'alice', '--format', 'jsonl'])).stdout), [{ actor: { name: 'alice' }, target: 'ALATER', details: { verdict: 'true-positive' } }]);

  // a wide suppression: refused without the flag, nothing recorded; taken with it
  const wide = await cli(['feedback', 'AWIDE', '--verdict', 'false-positive', '--suppress', '--db', db, '-c', config]);
  t.equal(wide.code, 2);
  t.match(wide.stderr, /^tapwatch: alert AWIDE: it names no identity, client, host or template, so it silences every alert of detector alerting\.rate-exceeded; nothing was recorded; add --allow-wide to suppress it anyway\n$/);
  t.equal(jsonLines((await cli(['audit', '--db', db, '--format', 'jsonl'])).stdout).length, 2, 'the refused action left no record');
  const allowed = await cli(['feedback', 'AWIDE', '--verdict', 'false-positive', '--suppress', '--allow-wide', '--db', db, '-c', config]);
  t.equal(allowed.code, 0, allowed.stderr);

  // an endpoint edit and a model rollback
  const approve = await cli(['endpoints', 'approve', '/users/{id}', '--host', 'api.example.com', '--method', 'get', '--db', db, '-c', config]);
  t.equal(approve.code, 0, approve.stderr);
  const versions = path.join(tmp, 'models', 'session');
  for (const v of ['v0001', 'v0002']) {
    mkdirSync(path.join(versions, v), { recursive: true });
    writeFileSync(path.join(versions, v, 'metadata.json'), '{}');
  }
  writeFileSync(path.join(versions, 'current'), 'v0002\n');
  const rollback = await cli(['model', 'rollback', '--db', db, '-c', config]);
  t.equal(rollback.code, 0, rollback.stderr);

  const all = jsonLines((await cli(['audit', '--db', db, '--format', 'jsonl'])).stdout);
  t.same(all.map((r) => r['action']), ['alert.feedback', 'alert.feedback', 'alert.feedback', 'endpoint.approve', 'model.rollback']);
  t.match(all[3], { target: 'GET api.example.com/users/{id}', actor: { name: me } });
  t.match(all[4], { target: 'v0001', details: { model: 'session', previous: 'v0002' } });
  t.same(jsonLines((await cli(['audit', '--db', db, '--action', 'model.rollback', '--format', 'jsonl'])).stdout).length, 1, '--action filters');
  t.equal((await cli(['audit', '--db', db, '--action', 'nonsense'])).code, 2, 'an unknown action is a usage error');

  if (!isRoot) return;
  const ids = all.map((r) => String(r['id']));
  await waitFor('the webhook deliveries', () => hook.received.length >= ids.length, 20000);
  t.same(hook.received.map((r) => r.id), ids, 'the daemon delivered every CLI audit record, in order');
  t.ok(hook.received.every((r) => r.type === 'audit' && r.signatureOk));
  await waitFor('the syslog messages', () => syslog.messages.length >= ids.length, 20000);
  t.same(
    syslog.messages.map((m) => sdParams(parseRfc5424(m.toString('utf8'))).get('id')),
    ids,
    'and to the syslog collector',
  );
});
