// Alerts end to end through the real CLI: a written capture of an API with documented, undocumented
// (shadow), deprecated (zombie) endpoints and a card number in a response, replayed against its spec
// with a real signed-webhook receiver and a real TCP syslog collector (CEF body) on 127.0.0.1. Then
// the receiver goes away: alerts of the next replay stay queued in SQLite and are delivered, once
// and in order, by the next run that finds the receiver up. `alerts` and `feedback` read and write
// the same database.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli, runCliAsync, jsonLines } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { startCollector } from '../helpers/syslog-collector';
import { parseCef, parseRfc5424, sdParams, waitFor } from '../helpers/syslog-parse';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-alerts-'));
const SECRET = 'e2e-shared-secret';

const spec = {
  openapi: '3.0.3',
  info: { title: 'shop', version: '2' },
  paths: {
    '/api/users/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': { description: 'ok' } } } },
    '/api/v1/orders': { get: { deprecated: true, responses: { '200': { description: 'ok' } } } },
  },
};

function exchange(uri: string, body: unknown, serverPort = 8080): HttpExchange {
  const resBody = JSON.stringify(body);
  return {
    client: '10.1.0.7',
    server: '10.1.0.1',
    serverPort,
    request: `GET ${uri} HTTP/1.1\r\nHost: shop.example:${serverPort}\r\nAccept: application/json\r\n\r\n`,
    response: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(resBody)}\r\n\r\n${resBody}`,
  };
}

t.test('replay → policy → SQLite → signed webhook and CEF syslog; outage → queued → delivered on the next run', async (t) => {
  const specFile = path.join(tmp, 'shop.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const pcap = path.join(tmp, 'shop.pcap');
  writeHttpPcap(pcap, [
    exchange('/api/users/1', { id: 1, name: 'Ann' }),
    exchange('/api/users/2', { id: 2, name: 'Bob' }),
    exchange('/api/v1/orders', { orders: [] }),
    exchange('/internal/export', { rows: [{ card: '4111 1111 1111 1111' }] }),
  ]);
  const hook = await startWebhookReceiver(SECRET);
  const syslog = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await hook.close();
    await syslog.stop();
  });
  const config = (hookPort: number, drainTimeoutMs = 3000): string => {
    const file = path.join(tmp, `config-${hookPort}-${drainTimeoutMs}.yaml`);
    writeFileSync(
      file,
      stringify({
        inventory: { specs: [specFile] },
        alerting: { sensor: 'sensor-e2e' },
        outputs: {
          webhooks: [{ name: 'soar', url: `http://127.0.0.1:${hookPort}/hook`, secret: SECRET, retry: { initialMs: 50, maxMs: 200 } }],
          syslog: [{ name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: syslog.port(), format: 'cef' }],
          outbox: { drainTimeoutMs },
        },
      }),
    );
    return file;
  };
  const db = path.join(tmp, 'state.db');
  const run = await runCliAsync(['replay', '--format', 'jsonl', '--config', config(hook.port), '--db', db, pcap]);
  t.equal(run.code, 0, run.stderr);
  const records = jsonLines(run.stdout);
  const alerts = records.filter((r) => r['type'] === 'alert');
  const detectors = alerts.map((a) => String(a['detector'])).sort();
  t.same(detectors, ['inventory.sensitive-data', 'inventory.shadow-endpoint', 'inventory.zombie-endpoint'], 'one alert per finding, none for the documented endpoint');
  const ids = alerts.map((a) => String(a['id']));

  await waitFor('webhook deliveries', () => hook.received.length >= ids.length);
  t.same(hook.received.map((r) => r.id), ids, 'the webhook got every alert once, in the order raised');
  t.ok(hook.received.every((r) => r.signatureOk), 'every body verifies against X-Tapwatch-Signature');
  t.same(hook.received.map((r) => r.idempotencyKey), ids, 'Idempotency-Key is the alert id');
  await waitFor('syslog messages', () => syslog.messages.length >= ids.length);
  const cefs = syslog.messages.map((m) => parseRfc5424(m.toString('utf8')));
  t.same(cefs.map((m) => sdParams(m).get('id')), ids, 'syslog got the same alerts, in order');
  t.same(cefs.map((m) => parseCef(m.msg).signatureId), alerts.map((a) => a['detector']), 'CEF signature id is the detector');
  const zombie = alerts.find((a) => a['detector'] === 'inventory.zombie-endpoint');
  t.match(zombie, { endpoint: { method: 'GET', template: '/api/v1/orders' }, recommendation: { action: 'observe' } });
  const card = alerts.find((a) => a['detector'] === 'inventory.sensitive-data');
  t.match(card, { endpoint: { template: '/internal/export' }, explanation: { summary: /card/ } });
  t.notMatch(JSON.stringify(records), /4111 1111 1111 1111|4111111111111111/, 'the card number itself is in no record');

  // text output: one ALERT line each (no outputs configured, the map in memory)
  const textCfg = path.join(tmp, 'text.yaml');
  writeFileSync(textCfg, stringify({ inventory: { specs: [specFile] } }));
  const text = runCli(['replay', '--config', textCfg, pcap]);
  t.equal(text.code, 0, text.stderr);
  t.same(text.stdout.split('\n').filter((l) => l.startsWith('ALERT ')).map((l) => l.split(' ')[2]).sort(), detectors, 'the text output has an ALERT line per alert');

  const listed = runCli(['alerts', '--db', db, '--format', 'json']);
  t.equal(listed.code, 0, listed.stderr);
  t.same((JSON.parse(listed.stdout) as { id: string }[]).map((a) => a.id).sort(), [...ids].sort(), 'alerts lists what was stored');
  const fp = runCli(['feedback', String(zombie?.['id']), '--verdict', 'false-positive', '--suppress', '--note', 'legacy client, migrating', '--db', db]);
  t.equal(fp.code, 0, fp.stderr);
  const after = JSON.parse(runCli(['alerts', '--db', db, '--format', 'json', '--type', 'inventory.zombie-endpoint']).stdout) as { verdict: string }[];
  t.same(after.map((a) => a.verdict), ['false-positive']);
  t.equal(runCli(['feedback', 'no-such-alert', '--verdict', 'true-positive', '--db', db]).code, 1, 'an unknown alert id is an error');

  // Outage: a new shadow endpoint while the receiver is down. The replay ends with it queued.
  const downPort = hook.port;
  await hook.close();
  const pcap2 = path.join(tmp, 'shop2.pcap');
  writeHttpPcap(pcap2, [exchange('/internal/debug', { ok: true }), exchange('/internal/metrics', { ok: true })], 1_700_000_100);
  const down = await runCliAsync(['replay', '--format', 'jsonl', '--config', config(downPort, 300), '--db', db, pcap2]);
  t.equal(down.code, 0, down.stderr);
  const downAlerts = jsonLines(down.stdout).filter((r) => r['type'] === 'alert');
  const queued = downAlerts.map((r) => String(r['id']));
  // asset sensitivity: the shadow endpoint returning card numbers ranks above a plain one
  const rank = (a: Record<string, unknown> | undefined): number => ['info', 'low', 'medium', 'high', 'critical'].indexOf(String(a?.['severity']));
  const plainShadow = downAlerts.find((a) => a['detector'] === 'inventory.shadow-endpoint');
  const cardShadow = alerts.find((a) => a['detector'] === 'inventory.shadow-endpoint');
  t.match(cardShadow, { endpoint: { template: '/internal/export' }, explanation: { factors: [{ name: 'specStatus' }, { name: 'sensitiveKinds', value: /card/ }] } });
  t.equal(rank(cardShadow), rank(plainShadow) + 1, 'an endpoint with card data raises the severity one level');
  t.equal(queued.length, 2, 'two new shadow endpoints');
  const stats = jsonLines(down.stdout).find((r) => r['type'] === 'stats') as { alerting: { undelivered: number } };
  t.equal(stats.alerting.undelivered, 2, 'both still queued for the webhook when the replay ended');

  // Receiver back on the same port: the next run (an empty capture) delivers the backlog once, in order.
  const back = await startWebhookReceiver(SECRET, downPort);
  t.teardown(() => back.close());
  const empty = path.join(tmp, 'empty.pcap');
  writeHttpPcap(empty, []);
  const again = await runCliAsync(['replay', '--format', 'jsonl', '--config', config(downPort), '--db', db, empty]);
  t.equal(again.code, 0, again.stderr);
  t.same(back.received.map((r) => r.id), queued, 'the queued alerts arrive after the outage, once each, in order');
  t.ok(back.received.every((r) => r.signatureOk));
});
