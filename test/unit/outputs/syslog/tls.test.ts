// Syslog over TLS (RFC 5425) to a real TLS server on 127.0.0.1, with certificates made here by the
// openssl CLI: the 1,000-alert burst, mutual TLS, and collectors whose certificate must be refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { syslogDestinationSchema, type SyslogDestinationInput } from '../../../../src/outputs/syslog/config';
import { createSyslogTransport } from '../../../../src/outputs/syslog/create-transport';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8, waitFor } from '../../../helpers/syslog-parse';
import { startCollector } from '../../../helpers/syslog-collector';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-syslog-tls-'));
const file = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function makeLeaf(name: string, ca: string, extensions: string): void {
  writeFileSync(file(`${name}.ext`), extensions);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2',
    '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

makeCa('test-ca');
makeCa('other-ca');
makeLeaf('collector', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
makeLeaf('tapwatch-sensor', 'test-ca', 'extendedKeyUsage=clientAuth\n');

const serverTls = { key: readFileSync(file('collector.key')), cert: readFileSync(file('collector.pem')) };

function destination(name: string, port: number, extra: Partial<SyslogDestinationInput> = {}): ReturnType<typeof syslogDestinationSchema.parse> {
  return syslogDestinationSchema.parse({ name, protocol: 'tls', host: '127.0.0.1', port, tls: { ca: file('test-ca.pem') }, ...extra });
}

t.test('1,000 alerts over TLS, recovered in order', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 }, serverTls);
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(destination('tls1', collector.port(), { maxBatch: 1 }), counters);
  t.teardown(() => transport.close());
  const alerts = Array.from({ length: 1000 }, (_, i) => sampleAlert({ identity: `key:${i}:ü` }));
  const results = await Promise.all(alerts.map((a) => transport.send([a])));
  t.equal(results.filter((r) => r.kind === 'delivered').length, 1000);
  await waitFor('1,000 messages', () => collector.messages.length >= 1000);
  t.same(collector.errors, []);
  t.same(
    collector.messages.map((b) => sdParams(parseRfc5424(strictUtf8(b))).get('id')),
    alerts.map((a) => a.id),
  );
  t.equal(counters.get('outputs.syslog.tls1.connects'), 1);
  t.equal(collector.peers[0]?.authorized, false, 'no client certificate was asked for or sent');
});

t.test('mutual TLS: the client certificate is presented and verified', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 }, {
    ...serverTls,
    ca: readFileSync(file('test-ca.pem')),
    requestCert: true,
    rejectUnauthorized: true,
  });
  t.teardown(() => collector.stop());
  const transport = createSyslogTransport(
    destination('mtls', collector.port(), { tls: { ca: file('test-ca.pem'), cert: file('tapwatch-sensor.pem'), key: file('tapwatch-sensor.key') } }),
    new Counters(),
  );
  t.teardown(() => transport.close());
  const alert = sampleAlert();
  t.same(await transport.send([alert]), { kind: 'delivered' });
  await waitFor('1 message', () => collector.messages.length >= 1);
  t.same(collector.peers, [{ authorized: true, cn: 'tapwatch-sensor' }]);
  t.equal(sdParams(parseRfc5424(strictUtf8(collector.messages[0]!))).get('id'), alert.id);
});

t.test('a collector signed by another CA is refused: retry naming the certificate problem, counted', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 }, serverTls);
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(destination('wrongca', collector.port(), { tls: { ca: file('other-ca.pem') } }), counters);
  t.teardown(() => transport.close());
  const result = await transport.send([sampleAlert()]);
  t.match(result, { kind: 'retry', reason: /wrongca: cannot connect to tls 127\.0\.0\.1:\d+: TLS certificate rejected: UNABLE_TO_VERIFY_LEAF_SIGNATURE.*certificate/ });
  t.equal(counters.get('outputs.syslog.wrongca.tls_certificate_failures'), 1);
  t.equal(counters.get('outputs.syslog.wrongca.connect_failures'), 1);
  t.equal(counters.get('outputs.syslog.wrongca.sent'), 0);
  await new Promise((r) => setTimeout(r, 50));
  t.same(collector.messages, [], 'nothing reached the collector');
});

t.test('a certificate for another name is refused', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 }, serverTls);
  t.teardown(() => collector.stop());
  const counters = new Counters();
  const transport = createSyslogTransport(
    destination('wrongname', collector.port(), { tls: { ca: file('test-ca.pem'), servername: 'syslog.example.org' } }),
    counters,
  );
  t.teardown(() => transport.close());
  t.match(await transport.send([sampleAlert()]), { kind: 'retry', reason: /TLS certificate rejected: ERR_TLS_CERT_ALTNAME_INVALID.*syslog\.example\.org/ });
  t.equal(counters.get('outputs.syslog.wrongname.tls_certificate_failures'), 1);
});

t.test('rejectUnauthorized false accepts an unverifiable collector (debugging only)', async (t) => {
  const collector = await startCollector('octet-counting', { host: '127.0.0.1', port: 0 }, serverTls);
  t.teardown(() => collector.stop());
  const transport = createSyslogTransport(
    destination('insecure', collector.port(), { tls: { ca: file('other-ca.pem'), rejectUnauthorized: false } }),
    new Counters(),
  );
  t.teardown(() => transport.close());
  t.same(await transport.send([sampleAlert()]), { kind: 'delivered' });
  await waitFor('1 message', () => collector.messages.length >= 1);
});
