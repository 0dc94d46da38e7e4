// The destination schema: protocol-dependent defaults, refusals with the option named, and the
// factory building the transport the config asks for.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport, SyslogConfigError } from '../../../../src/outputs/syslog/create-transport';
import { StreamTransport } from '../../../../src/outputs/syslog/transport-stream';
import { UdpTransport } from '../../../../src/outputs/syslog/transport-udp';

t.test('defaults depend on the protocol', async (t) => {
  const udp = syslogDestinationSchema.parse({ name: 'siem' });
  t.match(udp, { protocol: 'udp', host: '127.0.0.1', port: 514, framing: 'octet-counting', format: 'json', facility: 'local0', appName: 'tapwatch' });
  t.equal(udp.sdId, 'tapwatch@32473');
  t.equal(udp.maxMessageBytes, 2048);
  t.same(udp.filter, { minSeverity: 'info', detectors: [], hosts: [] });
  t.same(udp.reconnect, { initialMs: 500, maxMs: 30000 });
  t.equal(udp.tls.rejectUnauthorized, true);
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'tcp' }).port, 514);
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'tcp' }).maxMessageBytes, 8192);
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'tls' }).port, 6514);
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'tls', port: 10514 }).port, 10514);
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'unix', path: '/run/x.sock' }).framing, 'lf');
  t.equal(syslogDestinationSchema.parse({ name: 'a', protocol: 'tcp', framing: 'lf' }).framing, 'lf');
});

t.test('bad destinations are refused, naming the option', async (t) => {
  const issue = (input: unknown): string => {
    const r = syslogDestinationSchema.safeParse(input);
    return r.success ? 'accepted' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  t.match(issue({ name: 'a', protocol: 'unix' }), /^path: .*socket path/);
  t.match(issue({ name: 'a', facility: 'local8' }), /^facility/);
  t.match(issue({ name: 'a', sdId: 'bad id' }), /^sdId/);
  t.match(issue({ name: 'a b' }), /^name/);
  t.match(issue({ name: 'a', protocol: 'ftp' }), /^protocol/);
  t.match(issue({ name: 'a', port: 70000 }), /^port/);
  t.match(issue({ name: 'a', maxMessageBytes: 100 }), /^maxMessageBytes/);
  t.match(issue({ name: 'a', protocol: 'tls', tls: { cert: '/c.pem' } }), /tls.*go together/);
  t.match(issue({ name: 'a', protocol: 'tcp', tls: { ca: '/ca.pem' } }), /^tls: .*only used with protocol tls/);
  t.match(issue({ name: 'a', reconnect: { initialMs: 1000, maxMs: 10 } }), /^reconnect/);
  t.match(issue({ name: 'a', filter: { minSeverity: 'urgent' } }), /^filter.minSeverity/);
  t.match(issue({ name: 'a', colour: 'red' }), /colour/, 'unknown keys refused');
});

t.test('the factory builds the transport asked for', async (t) => {
  const counters = new Counters();
  const made = [
    createSyslogTransport(syslogDestinationSchema.parse({ name: 'u', maxBatch: 7 }), counters),
    createSyslogTransport(syslogDestinationSchema.parse({ name: 't', protocol: 'tcp' }), counters),
    createSyslogTransport(syslogDestinationSchema.parse({ name: 'x', protocol: 'unix', path: '/nonexistent.sock' }), counters),
  ];
  t.ok(made[0] instanceof UdpTransport);
  t.equal(made[0]!.maxBatch, 7);
  t.ok(made[1] instanceof StreamTransport);
  t.ok(made[2] instanceof StreamTransport);
  t.same(made.map((m) => m.name), ['u', 't', 'x']);
  for (const m of made) await m.close();
});

t.test('an unreadable PEM file is a startup error naming option and file', async (t) => {
  const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-syslog-cfg-')), 'nope.pem');
  t.throws(() => createSyslogTransport(syslogDestinationSchema.parse({ name: 'a', protocol: 'tls', tls: { ca: missing } }), new Counters()), {
    name: 'SyslogConfigError',
    message: new RegExp(`tls.ca ${missing}: ENOENT`),
  });
  t.ok(SyslogConfigError);
});
