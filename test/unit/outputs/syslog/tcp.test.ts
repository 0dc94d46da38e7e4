// Syslog over TCP to a real net server on 127.0.0.1: a burst of 1,000 alerts comes back, through
// the test's own de-framer, as exactly 1,000 valid RFC 5424 messages in order; also LF framing.
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import type { SendResult } from '../../../../src/outputs/types';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8, waitFor } from '../../../helpers/syslog-parse';
import { startCollector } from '../../../helpers/syslog-collector';

const BURST = 1000;

t.test('octet counting: a burst of 1,000 alerts, recovered in order', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 });
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(
    syslogDestinationSchema.parse({ name: 'tcp1', protocol: 'tcp', port: collector.port(), format: 'cef', maxBatch: 1 }),
    counters,
  );
  t.teardown(() => transport.close());
  // Multibyte text makes MSG-LEN (bytes) differ from the string length.
  const alerts = Array.from({ length: BURST }, (_, i) => sampleAlert({ identity: `user:ünï-${i}-${'😀'.repeat(i % 7)}` }));
  // All sends started at once, the first one opening the connection the others wait for.
  const results: SendResult[] = await Promise.all(alerts.map((a) => transport.send([a])));
  t.equal(results.filter((r) => r.kind === 'delivered').length, BURST, 'every send delivered');
  await waitFor(`${BURST} messages`, () => collector.messages.length >= BURST);
  t.same(collector.errors, [], 'no framing errors');
  t.equal(collector.messages.length, BURST);
  const ids = collector.messages.map((bytes) => sdParams(parseRfc5424(strictUtf8(bytes))).get('id'));
  t.same(ids, alerts.map((a) => a.id), 'exactly the alerts, in order');
  t.equal(collector.sockets.size, 1, 'one connection kept for the whole burst');
  t.equal(counters.get('outputs.syslog.tcp1.connects'), 1);
  t.equal(counters.get('outputs.syslog.tcp1.sent'), BURST);
  t.ok(collector.splitReads > 0, `${collector.splitReads} of ${collector.chunks} reads ended inside a message`);
});

t.test('octet counting: batches of 100 per send, sent one after another', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 });
  t.teardown(() => collector.stop());
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'tcp2', protocol: 'tcp', port: collector.port() }), new Counters());
  t.teardown(() => transport.close());
  const alerts = Array.from({ length: BURST }, () => sampleAlert());
  for (let i = 0; i < BURST; i += transport.maxBatch) t.same(await transport.send(alerts.slice(i, i + transport.maxBatch)), { kind: 'delivered' });
  await waitFor(`${BURST} messages`, () => collector.messages.length >= BURST);
  t.same(
    collector.messages.map((b) => JSON.parse(parseRfc5424(strictUtf8(b)).msg).id),
    alerts.map((a) => a.id),
  );
});

t.test('LF framing: one line per alert; a LF inside a value is escaped before framing', async (t) => {
  const collector = await startCollector('lf', { host: '127.0.0.1', port: 0 });
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(
    syslogDestinationSchema.parse({ name: 'tcp3', protocol: 'tcp', framing: 'lf', port: collector.port() }),
    counters,
  );
  t.teardown(() => transport.close());
  const alerts = Array.from({ length: 200 }, (_, i) => sampleAlert(i === 17 ? { identity: 'two\nlines' } : {}));
  const results = await Promise.all(alerts.map((a) => transport.send([a])));
  t.ok(results.every((r) => r.kind === 'delivered'));
  await waitFor('200 lines', () => collector.messages.length >= 200);
  t.equal(collector.messages.length, 200, 'the LF in alert 17 did not split it');
  const parsed = collector.messages.map((b) => parseRfc5424(strictUtf8(b)));
  t.same(parsed.map((m) => sdParams(m).get('id')), alerts.map((a) => a.id));
  // the formatter escapes controls from traffic, so the framing's own LF escape (#012, counted) is
  // left as a last line of defence that nothing reaches
  t.equal(sdParams(parsed[17]!).get('identity'), 'two\\x0alines');
  t.equal(counters.get('outputs.syslog.tcp3.lf_escaped') ?? 0, 0);
});

t.test('nothing listening: retry with the reason and a delay, never a throw', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 });
  const port = collector.port();
  await collector.stop();
  const counters = new Counters();
  const transport = createSyslogTransport(
    syslogDestinationSchema.parse({ name: 'tcp4', protocol: 'tcp', port, reconnect: { initialMs: 1000, maxMs: 2000 } }),
    counters,
  );
  t.teardown(() => transport.close());
  const first = await transport.send([sampleAlert()]);
  t.match(first, { kind: 'retry', reason: /tcp4: cannot connect to tcp 127\.0\.0\.1:\d+: .*ECONNREFUSED/ });
  const second = await transport.send([sampleAlert()]);
  t.match(second, { kind: 'retry', reason: /not connected .*ECONNREFUSED.*next attempt in \d+ ms/ });
  t.ok(second.kind === 'retry' && second.afterMs !== undefined && second.afterMs > 0 && second.afterMs <= 1000, 'afterMs within the first delay');
  t.equal(counters.get('outputs.syslog.tcp4.connect_failures'), 1, 'no second attempt before the delay');
});
