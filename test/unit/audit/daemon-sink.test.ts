// The daemon's AuditSink (the alert stage's audit()): the record is stored and delivered through the
// real outbox and dispatcher to a real signed-webhook receiver and a real TCP syslog collector (CEF),
// past a filter that would drop any alert of its severity; a destination with `audit: false` gets
// none. The action and its record share one transaction: a failing action leaves neither.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../../src/config/load';
import { Counters } from '../../../src/core/counters';
import { createLogger } from '../../../src/core/logger';
import { openAlertStage } from '../../../src/daemon/alert-stage';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { openDatabase } from '../../../src/store/database';
import { startCollector } from '../../helpers/syslog-collector';
import { parseCef, parseRfc5424, sdParams, waitFor } from '../../helpers/syslog-parse';
import { startWebhookReceiver } from '../../helpers/webhook-receiver';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-audit-sink-'));
const SECRET = 'audit-sink-secret';

t.test('stage.audit stores the record and delivers it to every destination that takes audit records', async (t) => {
  const hook = await startWebhookReceiver(SECRET);
  const quiet = await startWebhookReceiver(SECRET);
  const syslog = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  const file = path.join(tmp, 'sink.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const config = buildConfig({
    alerting: { sensor: 'sensor-audit' },
    outputs: {
      // a filter no audit record passes: audit records go anyway
      webhooks: [
        { name: 'soar', url: `http://127.0.0.1:${hook.port}/hook`, secret: SECRET, filter: { minSeverity: 'critical', detectors: ['bola'] } },
        { name: 'no-audit', url: `http://127.0.0.1:${quiet.port}/hook`, secret: SECRET, audit: false },
      ],
      syslog: [{ name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: syslog.port(), format: 'cef', filter: { minSeverity: 'high' } }],
    },
  });
  const stage = openAlertStage(config, new Counters(), db, file, createLogger('silent', true), () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
    await hook.close();
    await quiet.close();
    await syslog.stop();
  });
  const record = stage.audit({
    actor: { kind: 'token', name: 'soar-bot', address: '192.0.2.44' },
    action: 'alert.feedback',
    target: '01JALERT',
    details: { verdict: 'false-positive', note: 'test account', suppression: { id: 'S1', createdAt: 1_800_000_000, expiresAt: 1_800_000_000 + 30 * 86400 } },
  });
  t.same(stage.auditLog.list().map((r) => r.id), [record.id], 'stored');
  await waitFor('the webhook delivery', () => hook.received.length >= 1);
  await waitFor('the syslog message', () => syslog.messages.length >= 1);
  const body = JSON.parse(hook.received[0]?.body ?? '{}') as Record<string, unknown>;
  t.ok(hook.received[0]?.signatureOk, 'signed like any alert');
  t.equal(hook.received[0]?.idempotencyKey, record.id, 'the audit id is the delivery id');
  t.match(body, { id: record.id, type: 'audit', severity: 'medium', identity: 'token:soar-bot', client: '192.0.2.44', sensor: 'sensor-audit' });
  t.match(body, { explanation: { summary: /^soar-bot marked alert 01JALERT a false positive and suppressed it for 30 days$/ } });
  const msg = parseRfc5424(syslog.messages[0]?.toString('utf8') ?? '');
  t.equal(msg.msgId, 'audit');
  t.equal(sdParams(msg).get('id'), record.id);
  const cef = parseCef(msg.msg);
  t.equal(cef.signatureId, 'audit');
  t.match(cef.name, /soar-bot marked alert 01JALERT a false positive/);
  t.equal(cef.extension.get('suser'), 'token:soar-bot', 'CEF names the actor');
  t.equal(cef.extension.get('src'), '192.0.2.44');
  t.match(cef.extension.get('cs2'), /note test account/, 'the details are in the explanation');
  await stage.close(2000);
  t.equal(quiet.received.length, 0, 'audit: false receives no audit record');
  t.equal(stage.backlog('no-audit'), 0, 'nor is one queued for it');
});

t.test('audited(): an action that throws leaves no audit record and nothing queued', async (t) => {
  const file = path.join(tmp, 'atomic.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const config = buildConfig({ outputs: { webhooks: [{ name: 'hook', url: 'http://127.0.0.1:9/never', secret: 's' }] } });
  const stage = openAlertStage(config, new Counters(), db, file, createLogger('silent', true), () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
  });
  const entry = { actor: { kind: 'token' as const, name: 'ops' }, action: 'endpoint.approve' as const, target: 'GET h/x' };
  t.throws(() =>
    stage.audited(
      () => {
        throw new Error('the action failed');
      },
      () => entry,
    ),
  );
  t.equal(stage.auditLog.count(), 0);
  t.equal(stage.backlog('hook'), 0);
  const { result, record } = stage.audited(() => 42, () => entry);
  t.equal(result, 42);
  t.same(stage.auditLog.list().map((r) => r.id), [record.id]);
  t.equal(stage.backlog('hook'), 1, 'queued for the webhook');
});
