// Metrics read live: pcap_stats of a real live capture on lo (root), values that follow the pipeline
// between scrapes, and the event-loop lag that a blocked loop shows (and /readyz refuses).
import t from 'tap';
import { LiveSource } from '../../../src/capture/live-source';
import { apiSchema } from '../../../src/daemon/config';
import { startHttpApi } from '../../../src/daemon/http-api';
import { SensorMetrics } from '../../../src/daemon/metrics';
import { tokenFixture } from './api-fixture';
import { getJson, startServer } from '../../helpers/http-load';
import { needsSharedData } from '../../helpers/shared-data';
import { parseExposition, sampleValue } from '../../helpers/prom-text';
import { ESPN, newSensor, replay } from './replay';

const isRoot = process.getuid?.() === 0;

t.test('pcap_stats of a live capture on lo', { skip: !isRoot && 'needs root' }, async (t) => {
  const server = await startServer();
  t.teardown(() => server.close());
  const sensor = newSensor();
  const source = new LiveSource('lo', { snaplen: 65535, promisc: false, bufferSize: 4 << 20, timeoutMs: 50, immediate: true, filter: `tcp port ${server.port}`, batchBytes: 1 << 20 });
  const metrics = new SensorMetrics({ sensor, capture: () => source.stats() }, { defaultMetrics: false });
  t.teardown(() => metrics.stop());
  source.open();
  const done = sensor.runSource(source);
  for (let i = 0; i < 5; i++) t.equal(await getJson(server.port, `/items/${i}`), 200);
  const deadline = Date.now() + 5000;
  while (sensor.httpTotals.transactions < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  source.stop();
  await done;
  sensor.finish();
  const stats = source.stats();
  t.ok(stats, 'stats kept after stop');
  const fams = parseExposition(await metrics.text());
  t.equal(sampleValue(fams, 'tapwatch_capture_received_packets_total'), stats!.received);
  t.equal(sampleValue(fams, 'tapwatch_capture_dropped_kernel_packets_total'), stats!.droppedKernel);
  t.equal(sampleValue(fams, 'tapwatch_capture_dropped_interface_packets_total'), stats!.droppedInterface);
  t.equal(sampleValue(fams, 'tapwatch_packets_total'), sensor.summary.packets);
  t.ok(sensor.summary.packets > 0 && stats!.received >= sensor.summary.packets, 'received covers what the pipeline saw');
  t.equal(sampleValue(fams, 'tapwatch_http_transactions_total'), sensor.httpTotals.transactions);
  t.ok(sensor.httpTotals.transactions >= 5, 'the requests were seen as HTTP');
});

t.test('values follow the pipeline between scrapes', { skip: needsSharedData }, async (t) => {
  const sensor = newSensor();
  const metrics = new SensorMetrics({ sensor }, { defaultMetrics: false });
  t.teardown(() => metrics.stop());
  const first = parseExposition(await metrics.text());
  t.equal(sampleValue(first, 'tapwatch_packets_total'), 0);
  t.equal(first.get('tapwatch_events_total')?.samples.length ?? 0, Object.keys(sensor.counters.snapshot()).length);
  t.notOk(first.has('tapwatch_capture_received_packets_total'), 'no pcap_stats family without a live source');
  await replay(sensor, ESPN, false);
  const mid = parseExposition(await metrics.text());
  t.equal(sampleValue(mid, 'tapwatch_packets_total'), sensor.summary.packets);
  t.equal(sampleValue(mid, 'tapwatch_flows_active'), sensor.reassembler.stats().flowsActive);
  t.ok(sensor.reassembler.stats().flowsActive > 0, 'flows still open before finish');
  sensor.finish();
  const end = parseExposition(await metrics.text());
  t.equal(sampleValue(end, 'tapwatch_flows_active'), 0, 'the gauge drops when flows close');
  t.equal(sampleValue(end, 'tapwatch_http_transactions_total'), sensor.httpTotals.transactions);
  for (const [name, value] of Object.entries(sensor.counters.snapshot())) t.equal(sampleValue(end, 'tapwatch_events_total', { name }), value, name);
});

t.test('a blocked event loop shows as lag and makes /readyz fail', async (t) => {
  const metrics = new SensorMetrics({ sensor: newSensor() }, { defaultMetrics: false, lagWindowMs: 200 });
  t.teardown(() => metrics.stop());
  const api = await startHttpApi(apiSchema.parse({ listen: { port: 0 }, readyMaxEventLoopLagMs: 100 }), {
    metrics,
    readiness: () => ({ captureOpen: true, stagesUp: true }),
    alerts: () => null,
    ...tokenFixture(t.testdir()),
  });
  t.teardown(() => api.close());
  const block = (ms: number): void => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // a handler that never yields
    }
  };
  await new Promise((r) => setTimeout(r, 50));
  block(400);
  // the monitor records the stall when its own timer runs, right after
  await new Promise((r) => setTimeout(r, 30));
  t.ok(metrics.lag.max >= 0.3, `max lag ${metrics.lag.max.toFixed(3)} s after a 400 ms block`);
  const res = await fetch(`http://127.0.0.1:${api.address.port}/readyz`);
  t.equal(res.status, 503);
  t.match(((await res.json()) as { reasons: string[] }).reasons, [/event loop lag/]);
  // later windows without blocking are fine again
  const deadline = Date.now() + 3000;
  let status = 503;
  while (status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 120));
    status = (await fetch(`http://127.0.0.1:${api.address.port}/readyz`)).status;
  }
  t.equal(status, 200, 'ready again once the loop is responsive');
});
