// The collector goes away and comes back on the same port: sends answer `retry` meanwhile (with a
// delay that grows), the transport reconnects by itself, and later alerts arrive.
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import type { SendResult } from '../../../../src/outputs/types';
import type { Alert } from '../../../../src/alerting/types';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8, waitFor } from '../../../helpers/syslog-parse';
import { startCollector } from '../../../helpers/syslog-collector';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('collector restarts on the same port: retry while down, reconnect with backoff, later alerts arrive', async (t) => {
  let collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 });
  const port = collector.port();
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(
    syslogDestinationSchema.parse({ name: 'rc', protocol: 'tcp', port, reconnect: { initialMs: 20, maxMs: 80 } }),
    counters,
  );
  t.teardown(() => transport.close());
  const before = Array.from({ length: 5 }, () => sampleAlert());
  for (const a of before) t.same(await transport.send([a]), { kind: 'delivered' });
  await waitFor('the first 5', () => collector.messages.length >= 5);

  await collector.stop();
  // The transport learns of the loss from the FIN; until then a write can still reach the kernel.
  await waitFor('the disconnect to be noticed', () => counters.get('outputs.syslog.rc.disconnects') === 1, 2000);

  const downResults: SendResult[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await transport.send([sampleAlert()]);
    downResults.push(r);
    await sleep(r.kind === 'retry' && r.afterMs !== undefined ? r.afterMs + 1 : 1);
  }
  t.ok(
    downResults.every((r) => r.kind === 'retry'),
    'every send while down is a retry',
  );
  t.match(downResults[0], { kind: 'retry', reason: /ECONNREFUSED|connection closed/ });
  const delays = downResults.map((r) => (r.kind === 'retry' ? r.afterMs : undefined)).filter((d): d is number => d !== undefined);
  t.equal(delays.length, downResults.length, 'every retry says when to come back');
  t.ok(delays.every((d) => d <= 80), `delays within reconnect.maxMs: ${delays.join(', ')}`);
  // The loss drew the first delay (10–20 ms); the failed attempts after it the upper halves of 40, 80, 80 ... ms.
  const attemptDelays = downResults.filter((r) => r.kind === 'retry' && /cannot connect/.test(r.reason)).map((r) => (r.kind === 'retry' ? r.afterMs! : 0));
  t.ok(attemptDelays.length >= 2, `${attemptDelays.length} connection attempts`);
  t.ok(attemptDelays[0]! >= 19 && attemptDelays[0]! <= 40, `first attempt: wait 20–40 ms (${attemptDelays[0]})`);
  t.ok(attemptDelays.slice(1).every((d) => d >= 39 && d <= 80), `later attempts: 40–80 ms (${attemptDelays.slice(1).join(', ')})`);
  t.equal(counters.get('outputs.syslog.rc.connect_failures'), attemptDelays.length, 'no attempt while a delay was running');

  collector = await startCollector('octet-counting', { host: '127.0.0.1', port });
  const after: Alert[] = [];
  let delivered: Alert | undefined;
  const deadline = Date.now() + 3000;
  while (!delivered) {
    if (Date.now() > deadline) throw new Error('no reconnect within 3 s');
    const alert = sampleAlert();
    const r = await transport.send([alert]);
    if (r.kind === 'delivered') delivered = alert;
    else await sleep(r.kind === 'retry' && r.afterMs !== undefined ? r.afterMs : 5);
  }
  after.push(delivered);
  for (let i = 0; i < 20; i++) {
    const alert = sampleAlert();
    after.push(alert);
    t.same(await transport.send([alert]), { kind: 'delivered' }, 'delivered once reconnected');
  }
  await waitFor('the alerts sent after the restart', () => collector.messages.length >= after.length);
  t.same(
    collector.messages.map((b) => sdParams(parseRfc5424(strictUtf8(b))).get('id')),
    after.map((a) => a.id),
    'the new collector got every alert delivered after reconnecting, in order',
  );
  t.equal(counters.get('outputs.syslog.rc.connects'), 2);
});

t.test('close ends the socket; later sends retry without reconnecting', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 });
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'cl', protocol: 'tcp', port: collector.port() }), counters);
  t.same(await transport.send([sampleAlert()]), { kind: 'delivered' });
  await waitFor('the connection', () => collector.sockets.size === 1);
  await transport.close();
  await waitFor('the collector to see the close', () => collector.sockets.size === 0, 2000);
  t.match(await transport.send([sampleAlert()]), { kind: 'retry', reason: /closed/ });
  t.equal(counters.get('outputs.syslog.cl.connects'), 1);
});
