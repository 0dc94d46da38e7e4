// Syslog to a local unix datagram socket (the /dev/log kind) through the addon: a real datagram
// reader (socat) gets one valid RFC 5424 message per alert, on a filesystem path and on an abstract
// name; with no reader the send asks to be retried and says why.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import { parseRfc5424, sampleAlert, sdParams } from '../../../helpers/syslog-parse';
import { NotifyListener, hasSocat } from '../../../helpers/unix-datagram-listener';

const skip = !hasSocat && 'needs socat (apt-get install socat)';

t.test('the default path is /dev/log', async (t) => {
  t.equal(syslogDestinationSchema.parse({ name: 'local', protocol: 'unix-dgram' }).path, '/dev/log');
});

for (const kind of ['path', 'abstract'] as const) {
  t.test(`one datagram per alert to a ${kind} socket, each valid RFC 5424`, { skip }, async (t) => {
    const address = kind === 'path' ? path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-devlog-')), 'log') : `@tapwatch-devlog-${process.pid}`;
    const reader = await NotifyListener.start(address);
    t.teardown(() => reader.close());
    const counters = new Counters();
    const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'devlog', protocol: 'unix-dgram', path: address, facility: 'daemon' }), counters);
    const alerts = Array.from({ length: 12 }, () => sampleAlert());
    // A unix datagram queue holds few messages (net.unix.max_dgram_qlen, 10 by default): when the
    // reader lags, a send is a retry (EAGAIN), which the dispatcher repeats after a backoff. Do the same.
    let retries = 0;
    for (const alert of alerts) {
      const deadline = Date.now() + 10000;
      let r = await transport.send([alert]);
      while (r.kind === 'retry' && Date.now() < deadline) {
        t.match(r.reason, /EAGAIN/, 'a full queue asks for a retry');
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        r = await transport.send([alert]);
      }
      t.same(r, { kind: 'delivered' });
    }
    t.comment(`${retries} retries on a full queue`);
    const got = (await reader.waitForCount(12, 10000)).map((m) => parseRfc5424(m));
    t.same(got.map((m) => sdParams(m).get('id')), alerts.map((a) => a.id), 'every alert, in order');
    t.ok(got.every((m) => m.facility === 3), 'daemon facility');
    t.equal(counters.get('outputs.syslog.devlog.sent'), 12);
    t.equal(counters.get('outputs.syslog.devlog.send_failures'), retries);
    await transport.close();
  });
}

t.test('no reader: retry with the reason, counted', { skip }, async (t) => {
  const counters = new Counters();
  const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-devlog-')), 'nobody');
  const transport = createSyslogTransport(syslogDestinationSchema.parse({ name: 'devlog', protocol: 'unix-dgram', path: missing }), counters);
  const r = await transport.send([sampleAlert()]);
  t.equal(r.kind, 'retry');
  t.match(r.kind === 'retry' ? r.reason : '', /ENOENT|No such file/);
  t.equal(counters.get('outputs.syslog.devlog.send_failures'), 1);
});
