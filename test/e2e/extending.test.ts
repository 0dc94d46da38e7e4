// The composition root with a detector written only against the consumer interface (the extending
// guide's example, test/fixtures/detectors/server-errors.ts): it receives every transaction with the
// endpoint the inventory mapped, ticks on packet time (files replayed minutes apart), and its
// findings reach a real signed-webhook receiver through the alert stage. Records are the same
// whatever the capture batch size (the hand-off drains at batch ends).
import t from 'tap';
import path from 'node:path';
import pino from 'pino';
import { FileSource } from '../../src/capture/file-source';
import { buildConfig } from '../../src/config/load';
import { DETECTORS } from '../../src/detectors';
import { openPipeline } from '../../src/daemon/pipeline';
import { Sensor } from '../../src/daemon/sensor';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { seen, serverErrors } from '../fixtures/detectors/server-errors';

const SECRET = 'extending-guide';

function exchange(p: string, status: number, pad = 0): HttpExchange {
  const body = JSON.stringify({ ok: status < 500, pad: 'x'.repeat(pad) });
  return {
    client: '10.1.0.2',
    server: '10.1.0.1',
    serverPort: 8080,
    request: `GET ${p} HTTP/1.1\r\nHost: shop.internal\r\nAccept: application/json\r\n\r\n`,
    response: `HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  };
}

t.test('a detector is one file plus one list entry: context, packet clock, findings delivered', async (t) => {
  const dir = t.testdir();
  const hook = await startWebhookReceiver(SECRET);
  t.teardown(() => hook.close());
  // five captures a minute apart; /orders/{id} fails 4 times in the third, /health never
  const files: string[] = [];
  let calls = 0;
  for (let k = 0; k < 5; k++) {
    const ex = [exchange('/health', 200), exchange(`/orders/${100 + k}`, 200)];
    if (k === 2) for (let i = 0; i < 4; i++) ex.push(exchange(`/orders/${200 + i}`, 503));
    calls += ex.length;
    const file = path.join(dir, `part-${k}.pcap`);
    writeHttpPcap(file, ex, 1_700_000_000 + k * 60);
    files.push(file);
  }
  const config = buildConfig({
    alerting: { sensor: 'extending-test' },
    outputs: { webhooks: [{ name: 'hook', url: `http://127.0.0.1:${hook.port}/alerts`, secret: SECRET }] },
  });
  const sensor = new Sensor(config);
  const pipeline = openPipeline(config, sensor, {
    dbPath: path.join(dir, 'state.db'),
    log: pino({ level: 'silent' }),
    hooks: {},
    detectors: [...DETECTORS, serverErrors],
    detectorOptions: { serverErrors: { minErrors: 3, windowSec: 60 } },
  });
  for (const f of files) await sensor.consume(new FileSource(f, { filter: '', batchBytes: 1 << 20 }));
  sensor.finish();
  const last = sensor.summary.lastTs;
  // one more tick a window later closes the window with the errors
  pipeline.tick(last + 61);
  const closed = await pipeline.close(last + 61, 5000);
  t.ok(closed.drained, 'the outbox drained');

  t.equal(seen.transactions, calls, 'every transaction reached the detector');
  t.equal(seen.withEndpoint, calls, 'each with the endpoint the inventory mapped');
  t.ok(seen.ticks.length >= 5, 'ticked on packet time (at least once per capture a minute apart)');
  t.ok(seen.ticks.every((x, i) => i === 0 || x >= (seen.ticks[i - 1] ?? 0)), 'ticks never go back');
  t.ok(seen.ticks.every((x) => x >= 1_700_000_000 && x < 1_700_000_000 + 400), 'ticks carry packet time, not wall time');
  const found = hook.received.filter((r) => r.type === 'server-errors');
  t.equal(found.length, 1, 'one finding, delivered as an alert');
  t.equal(found[0]?.endpoint?.template, '/orders/{id:int}', 'on the templated endpoint');
  t.ok(found[0]?.signatureOk, 'signed');
});

t.test('the records do not depend on the capture batch size', async (t) => {
  const dir = t.testdir();
  const ex: HttpExchange[] = [];
  // 20 KB answers: the capture spans several 512 KiB batches
  for (let i = 0; i < 120; i++) ex.push(exchange(i % 3 === 0 ? '/health' : `/orders/${1000 + i}`, i % 7 === 0 ? 500 : 200, 20_000));
  const file = path.join(dir, 'mix.pcap');
  writeHttpPcap(file, ex);
  const run = async (batchBytes: number, maxQueued = 4096): Promise<string[]> => {
    const config = buildConfig({ daemon: { maxQueuedTransactions: maxQueued } });
    const sensor = new Sensor(config);
    const events: string[] = [];
    let batches = 0;
    sensor.onBatchEnd(() => batches++);
    const pipeline = openPipeline(config, sensor, { dbPath: null, log: pino({ level: 'silent' }), hooks: { onInventoryEvent: (e) => events.push(JSON.stringify(e)) } });
    await sensor.consume(new FileSource(file, { filter: '', batchBytes }));
    sensor.finish();
    await pipeline.close(sensor.summary.lastTs, 0);
    events.push(`batches>1: ${batches > 2}`);
    events.push(`early hand-offs: ${sensor.counters.get('pipeline.handoff.early') > 0}`);
    return events;
  };
  const whole = await run(64 << 20);
  const small = await run(512 * 1024);
  const bounded = await run(64 << 20, 2);
  t.equal(whole.pop(), 'early hand-offs: false');
  t.equal(whole.pop(), 'batches>1: false', 'one batch holds the whole capture');
  t.equal(small.pop(), 'early hand-offs: false');
  t.equal(small.pop(), 'batches>1: true', 'small batches split it');
  t.equal(bounded.pop(), 'early hand-offs: true', 'daemon.maxQueuedTransactions bounds the hand-off (counted as pipeline.handoff.early)');
  bounded.pop();
  t.ok(whole.length > 0, 'events were produced');
  t.same(small, whole, 'same inventory events, same order');
  t.same(bounded, whole, 'an early hand-off changes nothing either');
});
