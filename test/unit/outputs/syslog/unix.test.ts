// Syslog to a unix stream socket made in a temp dir (the way syslog-ng's unix-stream() or rsyslog's
// imptcp path= listen), LF framing by default, octet counting on request; and the clear refusal of
// a datagram socket like /dev/log, which Node cannot write to without a native module.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8, waitFor } from '../../../helpers/syslog-parse';
import { startCollector } from '../../../helpers/syslog-collector';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-syslog-unix-'));

for (const framing of ['lf', 'octet-counting'] as const) {
  t.test(`unix stream socket, ${framing} framing`, async (t) => {
    const socketPath = path.join(dir, `${framing}.sock`);
    const collector = await startCollector(framing, { path: socketPath });
    t.teardown(() => collector.stop());
    const counters = new Counters();
    const config = syslogDestinationSchema.parse({ name: `ux-${framing}`, protocol: 'unix', path: socketPath, ...(framing === 'lf' ? {} : { framing }) });
    t.equal(config.framing, framing);
    const transport = createSyslogTransport(config, counters);
    t.teardown(() => transport.close());
    const alerts = Array.from({ length: 300 }, (_, i) => sampleAlert({ severity: i % 3 === 0 ? 'medium' : 'info' }));
    const results = await Promise.all(alerts.map((a) => transport.send([a])));
    t.ok(results.every((r) => r.kind === 'delivered'));
    await waitFor('300 messages', () => collector.messages.length >= 300);
    const parsed = collector.messages.map((b) => parseRfc5424(strictUtf8(b)));
    t.same(parsed.map((m) => sdParams(m).get('id')), alerts.map((a) => a.id));
    t.same(parsed.map((m) => m.severity), alerts.map((a) => (a.severity === 'medium' ? 4 : 6)));
    t.equal(counters.get(`outputs.syslog.ux-${framing}.connects`), 1);
  });
}

t.test('no socket at the path: retry naming it', async (t) => {
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'ux-missing', protocol: 'unix', path: path.join(dir, 'none.sock') }), new Counters());
  t.teardown(() => transport.close());
  t.match(await transport.send([sampleAlert()]), { kind: 'retry', reason: /cannot connect to unix .*none\.sock: .*ENOENT/ });
});

// Node cannot make an AF_UNIX datagram socket, so a python3 child binds one, as journald binds /dev/log.
const python = spawnSync('python3', ['-c', 'import socket'], { stdio: 'ignore' }).status === 0;
t.test('a datagram socket (like /dev/log) is refused with a hint', { skip: python ? false : 'python3 is not installed' }, async (t) => {
  const socketPath = path.join(dir, 'dgram.sock');
  const child = spawn('python3', [
    '-c',
    'import socket,sys,time\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready",flush=True)\ntime.sleep(30)',
    socketPath,
  ]);
  t.teardown(() => child.kill());
  await waitFor('the datagram socket', () => existsSync(socketPath), 5000);
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'ux-dgram', protocol: 'unix', path: socketPath }), new Counters());
  t.teardown(() => transport.close());
  t.match(await transport.send([sampleAlert()]), { kind: 'retry', reason: /EPROTOTYPE.*is a datagram socket; Tapwatch needs a unix stream socket/ });
});
