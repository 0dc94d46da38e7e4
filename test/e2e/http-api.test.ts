// The HTTP API over real sockets, fed by a real Sensor that replayed a real capture, the real stages
// (inventory, alert policy, a SQLite alert store in a temp dir, the outbox with a webhook that cannot
// be reached) and mirror health: /metrics parses as the text exposition format and equals the
// pipeline's own numbers, /healthz and /readyz, /alerts with filters, the feedback round trip, and
// garbage requests get a 4xx without hurting the server.
import t from 'tap';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { apiSchema, mirrorHealthSchema } from '../../src/daemon/config';
import { startHttpApi, type ReadinessState } from '../../src/daemon/http-api';
import { SensorMetrics, stageMetricsSources } from '../../src/daemon/metrics';
import { MirrorHealth, MIRROR_WARNING_KINDS } from '../../src/daemon/mirror-health';
import { openPipeline } from '../../src/daemon/pipeline';
import { Sensor } from '../../src/daemon/sensor';
import { buildConfig } from '../../src/config/load';
import { SEVERITIES, type Severity } from '../../src/alerting/types';
import { finding, T0 } from '../unit/alerting/helpers';
import { needsSharedData } from '../helpers/shared-data';
import { parseExposition, sampleValue } from '../helpers/prom-text';
import { ESPN, replay } from '../unit/daemon/replay';
import { bearer, tokenFixture } from '../unit/daemon/api-fixture';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Raw bytes to the server; resolves with whatever it answered before closing. */
function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 3 s; got ${JSON.stringify(answer)}`));
    }, 3000);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

t.test('HTTP API on a sensor that replayed a real capture', { skip: needsSharedData }, async (t) => {
  const dir = t.testdir();
  const config = buildConfig({
    alerting: { sensor: 'sensor-test' },
    outputs: { webhooks: [{ name: 'hook', url: `http://127.0.0.1:${await closedPort()}/alerts`, secret: 'k', retry: { initialMs: 60_000, maxMs: 60_000 } }] },
  });
  const sensor = new Sensor(config);
  // the one composition root: the inventory is fed through it, as in run and replay
  const pipeline = openPipeline(config, sensor, { dbPath: path.join(dir, 'state.db'), log: pino({ level: 'silent' }), hooks: {} });
  const stages = pipeline.stages;
  t.teardown(() => pipeline.close(0, 0));
  const health = new MirrorHealth(mirrorHealthSchema.parse({ minFlows: 10, minAcks: 50 }), sensor);
  await replay(sensor, ESPN);
  health.evaluate();

  // alerts of several detectors and severities through the real policy and store
  const findings = [
    finding({ detector: 'credential-stuffing', score: 0.95 }),
    finding({ detector: 'credential-stuffing', score: 0.3, identity: 'ip:198.51.100.9', client: '198.51.100.9', ts: T0 + 5 }),
    finding({ detector: 'bola', score: 0.6, identity: 'user:alice', ts: T0 + 10 }),
  ];
  const ids = new Set<string>();
  for (const f of findings) {
    const alert = stages.alerts.process(f).alert;
    if (alert) ids.add(alert.id);
  }
  const store = stages.alerts.store;
  const stored = store.listAlerts();
  t.ok(ids.size >= 2, `the policy raised ${ids.size} alerts`);
  // the inventory may have raised its own (sensitive data seen) from the replay
  t.ok([...ids].every((id) => stored.some((a) => a.id === id)), `every alert the policy raised is stored (${stored.length} in all)`);
  // the first delivery attempt to the closed port fails and is counted as a retry
  const deadline = Date.now() + 3000;
  while (sensor.counters.get('outputs.hook.retries') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.ok(sensor.counters.get('outputs.hook.retries') > 0, 'the unreachable webhook was tried');

  const pcap = { received: sensor.summary.packets + 7, droppedKernel: 5, droppedInterface: 2 };
  const metrics = new SensorMetrics({ sensor, capture: () => pcap, mirror: health, ...stageMetricsSources(() => stages) }, { lagWindowMs: 200 });
  t.teardown(() => metrics.stop());
  const readiness: ReadinessState = { captureOpen: false, stagesUp: true };
  const auth = tokenFixture(dir);
  const api = await startHttpApi(apiSchema.parse({ listen: { host: '127.0.0.1', port: 0 }, maxBodyBytes: 1024 }), {
    metrics,
    readiness: () => readiness,
    alerts: () => store,
    mirror: health,
    tokens: auth.tokens,
    counters: sensor.counters,
  });
  t.teardown(() => api.close());
  t.equal(api.address.host, '127.0.0.1', 'listens on loopback only');
  const base = `http://127.0.0.1:${api.address.port}`;
  // the admin token may use every route (api-auth.test.ts tests the roles)
  const admin = auth.value('admin');
  const fetch = (url: string, init: RequestInit = {}): Promise<Response> => globalThis.fetch(url, { ...init, headers: { ...bearer(admin), ...(init.headers as Record<string, string>) } });

  t.test('/metrics is the text format and equals the pipeline', async (t) => {
    const res = await fetch(`${base}/metrics`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const fams = parseExposition(await res.text());
    for (const name of fams.keys()) t.match(name, /^tapwatch_/, `${name} is namespaced`);
    const v = (name: string, labels: Record<string, string> = {}): number | undefined => sampleValue(fams, name, labels);

    const snapshot = sensor.counters.snapshot();
    t.ok(Object.keys(snapshot).length > 10, 'the pipeline counted named events');
    for (const [name, value] of Object.entries(sensor.counters.snapshot())) {
      t.equal(v('tapwatch_events_total', { name }), value, `events_total{name="${name}"}`);
    }
    t.equal(fams.get('tapwatch_events_total')?.samples.length, Object.keys(snapshot).length, 'no other event names');
    t.equal(fams.get('tapwatch_events_total')?.type, 'counter');

    const s = sensor.summary;
    const r = sensor.reassembler.stats();
    t.equal(v('tapwatch_packets_total'), s.packets);
    t.equal(v('tapwatch_wire_bytes_total'), s.wireBytes);
    t.equal(v('tapwatch_captured_bytes_total'), s.capturedBytes);
    t.equal(v('tapwatch_capture_received_packets_total'), pcap.received);
    t.equal(v('tapwatch_capture_dropped_kernel_packets_total'), pcap.droppedKernel);
    t.equal(v('tapwatch_capture_dropped_interface_packets_total'), pcap.droppedInterface);
    t.equal(v('tapwatch_flows_created_total'), r.flowsCreated);
    t.equal(v('tapwatch_flows_active'), r.flowsActive);
    t.equal(v('tapwatch_reassembly_buffered_bytes'), r.bufferedBytes);
    t.equal(v('tapwatch_tcp_ack_events_total'), r.ackEvents);
    t.equal(v('tapwatch_tcp_ack_gap_events_total'), r.ackGapEvents);
    t.equal(v('tapwatch_capture_loss_percent'), health.lossPercent);
    t.equal(v('tapwatch_http_transactions_total'), sensor.httpTotals.transactions);
    t.equal(v('tapwatch_http_requests_total'), sensor.httpTotals.requests);
    t.equal(v('tapwatch_http_responses_total'), sensor.httpTotals.responses);
    t.ok(sensor.httpTotals.transactions > 0, 'the capture had HTTP');
    t.equal(v('tapwatch_endpoints'), stages.inventory!.inventory.size);
    t.ok(stages.inventory!.inventory.size > 0, 'endpoints were learned');

    const bySeverity = new Map<string, number>();
    for (const a of store.listAlerts()) bySeverity.set(`${a.type}|${a.severity}`, (bySeverity.get(`${a.type}|${a.severity}`) ?? 0) + 1);
    t.equal(fams.get('tapwatch_alerts')?.samples.length, bySeverity.size);
    for (const [key, n] of bySeverity) {
      const [detector, severity] = key.split('|') as [string, string];
      t.equal(v('tapwatch_alerts', { detector, severity }), n, `alerts{${detector},${severity}}`);
    }
    t.equal(v('tapwatch_outbox_backlog', { destination: 'hook' }), stages.alerts.backlog('hook'));
    t.ok(stages.alerts.backlog('hook') > 0, 'undelivered alerts are queued');
    t.equal(v('tapwatch_output_retries_total', { destination: 'hook' }), sensor.counters.get('outputs.hook.retries'));
    t.equal(v('tapwatch_output_delivered_total', { destination: 'hook' }), 0);
    for (const kind of MIRROR_WARNING_KINDS) {
      t.equal(v('tapwatch_mirror_warning', { kind }), health.warnings.some((w) => w.kind === kind) ? 1 : 0, `mirror_warning{kind="${kind}"}`);
    }
    t.equal(fams.get('tapwatch_model_score')?.type, 'histogram', 'the model score family exists');
    t.ok((v('tapwatch_event_loop_lag_p99_seconds') ?? -1) >= 0);
    t.ok((v('tapwatch_process_resident_memory_bytes') ?? 0) > 0, 'process memory');

    metrics.observeModelScore('rate', 0.42);
    const after = parseExposition(await (await fetch(`${base}/metrics`)).text());
    t.equal(sampleValue(after, 'tapwatch_model_score_count', { model: 'rate' }), 1, 'a model score lands in the histogram');
    t.equal(sampleValue(after, 'tapwatch_model_score_bucket', { model: 'rate', le: '0.5' }), 1);
    t.equal(sampleValue(after, 'tapwatch_model_score_bucket', { model: 'rate', le: '0.4' }), 0);
  });

  t.test('/healthz and /readyz', async (t) => {
    const h = await fetch(`${base}/healthz`);
    t.equal(h.status, 200);
    t.match(await h.json(), { status: 'ok', pid: process.pid });

    readiness.captureOpen = false;
    let res = await fetch(`${base}/readyz`);
    t.equal(res.status, 503, 'not ready while capture is closed');
    let body = (await res.json()) as { reasons: string[]; mirrorWarnings: unknown[]; checks: Record<string, unknown> };
    t.match(body.reasons, [/capture is not open/]);
    t.same(body.mirrorWarnings, health.warnings, 'mirror warnings are shown');

    readiness.captureOpen = true;
    readiness.reasons = ['interface eth1 went down; reopening'];
    res = await fetch(`${base}/readyz`);
    t.equal(res.status, 503);
    body = (await res.json()) as typeof body;
    t.same(body.reasons, ['interface eth1 went down; reopening']);

    delete readiness.reasons;
    res = await fetch(`${base}/readyz`);
    t.equal(res.status, 200, 'ready: capture open, stages up, event loop responsive');
    body = (await res.json()) as typeof body;
    t.same(body.reasons, []);
    t.equal(body.checks['captureOpen'], true);
  });

  t.test('/alerts with filters', async (t) => {
    const all = (await (await fetch(`${base}/alerts`)).json()) as { count: number; alerts: { id: string; severity: Severity }[] };
    t.equal(all.count, stored.length);
    t.same(
      all.alerts.map((a) => a.id),
      store.listAlerts({ limit: 100 }).map((a) => a.id),
      'same alerts, same order as the store',
    );
    const highest = SEVERITIES.filter((s) => all.alerts.some((a) => a.severity === s)).at(-1)!;
    const high = (await (await fetch(`${base}/alerts?severity=${highest}`)).json()) as typeof all;
    t.equal(high.count, store.listAlerts({ severityAtLeast: highest }).length, `severity=${highest}`);
    t.ok(high.count < all.count, 'the filter filters');
    const one = (await (await fetch(`${base}/alerts?limit=1`)).json()) as typeof all;
    t.equal(one.count, 1);
    const since = (await (await fetch(`${base}/alerts?since=${T0 + 10}`)).json()) as typeof all;
    t.equal(since.count, store.listAlerts({ since: T0 + 10 }).length, 'since (epoch seconds)');
    const iso = (await (await fetch(`${base}/alerts?since=${new Date((T0 + 10) * 1000).toISOString()}`)).json()) as typeof all;
    t.equal(iso.count, since.count, 'since (ISO time)');

    for (const [query, field] of [
      ['severity=urgent', 'severity'],
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['since=yesterday', 'since'],
      ['sevrity=high', 'sevrity'],
    ] as const) {
      const res = await fetch(`${base}/alerts?${query}`);
      t.equal(res.status, 400, query);
      t.match(((await res.json()) as { error: string }).error, new RegExp(`^${field}:`), `${query}: the message names ${field}`);
    }
  });

  t.test('feedback round trip', async (t) => {
    const target = stored.find((a) => a.type === 'bola')!;
    const res = await fetch(`${base}/alerts/${encodeURIComponent(target.id)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: 'false-positive', note: 'test account', suppress: true, suppressForSec: 3600, by: 'analyst' }),
    });
    t.equal(res.status, 200);
    const body = (await res.json()) as { alertId: string; verdict: string; suppression: { expiresAt?: number; detector?: string } | null };
    t.equal(body.alertId, target.id);
    t.equal(body.verdict, 'false-positive');
    t.equal(body.suppression?.detector, 'bola');
    t.ok(body.suppression?.expiresAt !== undefined, 'the suppression expires');
    t.equal(store.getAlert(target.id)?.verdict, 'false-positive', 'stored on the alert');
    const fb = store.listFeedback().find((f) => f.alertId === target.id);
    t.match(fb, { verdict: 'false-positive', note: 'test account', by: 'admin' }, 'given by the token, not by the body');
    const listed = (await (await fetch(`${base}/alerts?type=bola`)).json()) as { alerts: { verdict: string }[] };
    t.equal(listed.alerts[0]?.verdict, 'false-positive', 'GET /alerts shows the verdict');

    const post = (id: string, body: string, type = 'application/json'): Promise<Response> =>
      fetch(`${base}/alerts/${id}/feedback`, { method: 'POST', headers: { 'content-type': type }, body });
    const unknown = await post('no-such-alert', JSON.stringify({ verdict: 'true-positive' }));
    t.equal(unknown.status, 404, 'unknown id');
    for (const [body, field] of [
      [JSON.stringify({ verdict: 'maybe' }), 'verdict'],
      [JSON.stringify({}), 'verdict'],
      [JSON.stringify({ verdict: 'true-positive', note: 7 }), 'note'],
      [JSON.stringify({ verdict: 'true-positive', suppressForSec: -1 }), 'suppressForSec'],
      [JSON.stringify({ verdict: 'true-positive', suppressForSec: 60 }), 'suppressForSec'],
      [JSON.stringify({ verdict: 'true-positive', colour: 'red' }), 'body'],
      ['{"verdict": ', 'body'],
      ['[1,2]', 'body'],
    ] as const) {
      const r = await post(encodeURIComponent(target.id), body);
      t.equal(r.status, 400, `400 for ${body}`);
      const msg = ((await r.json()) as { error: string }).error;
      t.match(msg, new RegExp(`^${field}\\b`), `message names ${field}: ${msg}`);
    }
    const unrecognised = await post(encodeURIComponent(target.id), JSON.stringify({ verdict: 'true-positive', colour: 'red' }));
    t.match(((await unrecognised.json()) as { error: string }).error, /colour/, 'the unknown key is named');
    t.equal((await post(encodeURIComponent(target.id), 'verdict=true-positive', 'application/x-www-form-urlencoded')).status, 415);
    t.equal((await post(encodeURIComponent(target.id), JSON.stringify({ verdict: 'true-positive', note: 'x'.repeat(2000) }))).status, 413, 'body over maxBodyBytes');
    t.equal(store.listFeedback().length, 1, 'refused requests recorded nothing');
  });

  t.test('garbage and wrong routes get a 4xx; the server carries on', async (t) => {
    t.equal((await fetch(`${base}/nope`)).status, 404);
    t.equal((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status, 405);
    t.equal((await fetch(`${base}/alerts/x/feedback`)).status, 405);
    t.equal((await fetch(`${base}/alerts/%E0%A4%A/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 400);
    t.match(await rawExchange(api.address.port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n'), /^HTTP\/1\.1 400/, 'a TLS hello is a 400');
    t.match(await rawExchange(api.address.port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'), /^HTTP\/1\.1 400/, 'a malformed header is a 400');
    t.match(await rawExchange(api.address.port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${'X-Pad: y\r\n'.repeat(2000)}\r\n`), /^HTTP\/1\.1 (400|431)/, 'oversized headers are refused');
    const big = await rawExchange(
      api.address.port,
      `POST /alerts/x/feedback HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"verdict":`,
    );
    t.match(big, /^HTTP\/1\.1 413/, 'a declared huge body is refused before reading it');
    t.equal((await fetch(`${base}/healthz`)).status, 200, 'still serving');
  });
});

t.test('the API listens only where configured and refuses a taken port', async (t) => {
  const metrics = new SensorMetrics({ sensor: new Sensor(buildConfig({})) }, { defaultMetrics: false });
  t.teardown(() => metrics.stop());
  const auth = tokenFixture(t.testdir());
  const deps = { metrics, readiness: () => ({ captureOpen: true, stagesUp: true }), alerts: () => null, tokens: auth.tokens, counters: auth.counters };
  const api = await startHttpApi(apiSchema.parse({ listen: { port: 0 } }), deps);
  t.teardown(() => api.close());
  t.equal(api.address.host, '127.0.0.1', 'default host is loopback');
  t.equal(apiSchema.parse({}).listen.port, 9477, 'default port');
  await t.rejects(startHttpApi(apiSchema.parse({ listen: { port: api.address.port } }), deps), { code: 'EADDRINUSE' });
  const headers = bearer(auth.value('reader'));
  const res = await fetch(`http://127.0.0.1:${api.address.port}/alerts`, { headers });
  t.equal(res.status, 503, 'no alert store: 503');
  const text = await (await fetch(`http://127.0.0.1:${api.address.port}/metrics`, { headers })).text();
  t.notOk(/tapwatch_process_/.test(text), 'default metrics are optional');
  t.ok(parseExposition(text).has('tapwatch_packets_total'));
});
