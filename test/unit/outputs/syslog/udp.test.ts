// Syslog over UDP to a real dgram listener on 127.0.0.1: one datagram per alert, each a valid
// RFC 5424 message; an oversized alert is cut on a character boundary, still parses, and is counted.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8, waitFor } from '../../../helpers/syslog-parse';

async function listener(): Promise<{ socket: dgram.Socket; datagrams: Buffer[]; port: number }> {
  const socket = dgram.createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (msg) => datagrams.push(msg));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, datagrams, port: (socket.address() as AddressInfo).port };
}

t.test('N alerts arrive as N datagrams, each valid RFC 5424', async (t) => {
  const l = await listener();
  t.teardown(() => l.socket.close());
  const counters = new Counters();
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'udp1', protocol: 'udp', port: l.port, facility: 'auth' }), counters);
  t.teardown(() => transport.close());
  const alerts = Array.from({ length: 40 }, (_, i) => sampleAlert({ severity: i % 2 === 0 ? 'low' : 'critical' }));
  for (let i = 0; i < alerts.length; i += 8) t.same(await transport.send(alerts.slice(i, i + 8)), { kind: 'delivered' });
  await waitFor('40 datagrams', () => l.datagrams.length >= 40);
  const got = l.datagrams.map((d) => parseRfc5424(strictUtf8(d)));
  t.same(
    got.map((m) => sdParams(m).get('id')).sort(),
    alerts.map((a) => a.id).sort(),
    'every alert once',
  );
  for (const m of got) {
    t.equal(m.facility, 4, 'auth');
    t.same(JSON.parse(m.msg), alerts.find((a) => a.id === sdParams(m).get('id')));
  }
  t.equal(counters.get('outputs.syslog.udp1.sent'), 40);
  t.equal(counters.get('outputs.syslog.udp1.truncated'), 0);
});

t.test('an oversized alert is truncated to maxMessageBytes on a character boundary, and counted', async (t) => {
  const l = await listener();
  t.teardown(() => l.socket.close());
  const counters = new Counters();
  const max = 1000;
  const transport = createSyslogTransport(
    syslogDestinationSchema.parse({ name: 'udp2', port: l.port, maxMessageBytes: max, format: 'cef' }),
    counters,
  );
  t.teardown(() => transport.close());
  const small = sampleAlert();
  // 1-, 2-, 3- and 4-byte characters so that some cut lands inside one unless the sender avoids it.
  const big = sampleAlert({ explanation: { summary: 'é€😀x'.repeat(300), factors: [] } });
  t.same(await transport.send([small, big]), { kind: 'delivered' });
  await waitFor('2 datagrams', () => l.datagrams.length >= 2);
  const [first, second] = l.datagrams;
  t.ok(first!.length < max, 'the small one whole');
  t.ok(second!.length <= max && second!.length > max - 4, `the big one cut to ≤ ${max} bytes (${second!.length})`);
  const m = parseRfc5424(strictUtf8(second!));
  t.equal(sdParams(m).get('id'), big.id, 'header and structured data intact');
  t.ok(m.msg.startsWith('CEF:0|'));
  t.equal(counters.get('outputs.syslog.udp2.truncated'), 1);
  t.equal(counters.get('outputs.syslog.udp2.sent'), 2);
});

t.test('a send after close is a retry, not a throw', async (t) => {
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'udp3', port: 9 }), new Counters());
  await transport.close();
  t.match(await transport.send([sampleAlert()]), { kind: 'retry', reason: /closed/ });
});
