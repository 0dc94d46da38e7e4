// The local API over TLS with certificates the openssl CLI makes in a temp dir, checked by curl:
// a client trusting the CA gets in (with a token), one that does not refuses the server; with
// api.tls.clientCaFile a client without a certificate fails the handshake. Off loopback without
// TLS the API refuses to start, in config validation and at start, before anything listens.
import t from 'tap';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { apiSchema, type ApiConfig } from '../../src/daemon/config';
import { ApiStartError, startHttpApi } from '../../src/daemon/http-api';
import { runCliAsync } from '../helpers/cli';
import { freePort } from '../helpers/processes';
import { makeCerts, startTestApi, tokenFixture } from '../unit/daemon/api-fixture';
import { Counters } from '../../src/core/counters';
import { SensorMetrics } from '../../src/daemon/metrics';
import { Sensor } from '../../src/daemon/sensor';
import { buildConfig } from '../../src/config/load';

interface Curl {
  code: number;
  status: string;
  stderr: string;
}

/** curl (async: the server answers from this process); `status` is the HTTP code, '000' without an answer. */
function curl(args: string[]): Promise<Curl> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '20', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, status: stdout, stderr });
    });
  });
}

t.test('https: a client that trusts the CA gets in; one that does not refuses the server', async (t) => {
  const dir = t.testdir();
  const certs = makeCerts(dir);
  const a = await startTestApi(dir, { tls: { certFile: certs.cert, keyFile: certs.key } });
  t.teardown(() => a.close());
  t.equal(a.api.protocol, 'https');
  const url = `https://127.0.0.1:${a.api.address.port}/alerts`;
  const auth = ['-H', `Authorization: Bearer ${a.fx.value('reader')}`];

  const trusted = await curl(['--cacert', certs.ca, ...auth, url]);
  t.same([trusted.code, trusted.status], [0, '200'], `verified and served: ${trusted.stderr}`);
  t.equal((await curl(['--cacert', certs.ca, url])).status, '401', 'TLS does not replace the token');

  const system = await curl([...auth, url]);
  t.equal(system.code, 60, 'without the CA curl refuses the certificate');
  t.match(system.stderr, /certificate/);
  const other = await curl(['--cacert', certs.otherCa, ...auth, url]);
  t.equal(other.code, 60, 'a CA that did not sign it is refused too');
  const plain = await curl([...auth, `http://127.0.0.1:${a.api.address.port}/alerts`]);
  t.not(plain.status, '200', 'no clear-text answer on the TLS port');
});

t.test('mutual TLS: api.tls.clientCaFile requires a client certificate, and still a token', async (t) => {
  const dir = t.testdir();
  const certs = makeCerts(dir);
  const a = await startTestApi(dir, { tls: { certFile: certs.cert, keyFile: certs.key, clientCaFile: certs.ca } });
  t.teardown(() => a.close());
  const url = `https://127.0.0.1:${a.api.address.port}/alerts`;
  const auth = ['-H', `Authorization: Bearer ${a.fx.value('reader')}`];
  const withCert = ['--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey];

  const both = await curl([...withCert, ...auth, url]);
  t.same([both.code, both.status], [0, '200'], `certificate and token: ${both.stderr}`);
  const noCert = await curl(['--cacert', certs.ca, ...auth, url]);
  t.not(noCert.code, 0, 'no client certificate: the handshake fails');
  t.equal(noCert.status, '000', 'and nothing is served');
  t.equal((await curl([...withCert, url])).status, '401', 'a certificate without a token is 401');
});

t.test('off loopback without TLS the API refuses to start with one sentence', async (t) => {
  const sentence = /^0\.0\.0\.0 is not a loopback address, so tokens would cross the network in clear text: set api\.tls\.certFile and api\.tls\.keyFile, or listen on 127\.0\.0\.1$/;
  const parsed = apiSchema.safeParse({ listen: { host: '0.0.0.0' } });
  t.notOk(parsed.success, 'config validation refuses it');
  t.match(parsed.error?.issues, [{ path: ['listen', 'host'], message: sentence }]);
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) t.ok(apiSchema.safeParse({ listen: { host } }).success, `${host} is loopback`);
  for (const host of ['10.0.0.1', '::', 'sensor.example.com']) t.notOk(apiSchema.safeParse({ listen: { host } }).success, `${host} is not`);

  // at start, for a config that did not go through validation: refused before listening
  const port = await freePort();
  const sensor = new Sensor(buildConfig({}));
  const metrics = new SensorMetrics({ sensor }, { defaultMetrics: false });
  t.teardown(() => metrics.stop());
  const unchecked = { ...apiSchema.parse({}), listen: { host: '0.0.0.0', port } } as ApiConfig;
  const deps = { metrics, readiness: () => ({ captureOpen: true, stagesUp: true }), alerts: () => null, ...tokenFixture(t.testdir()), counters: new Counters() };
  await t.rejects(startHttpApi(unchecked, deps), new ApiStartError('api.listen.host 0.0.0.0 is not a loopback address, so tokens would cross the network in clear text: set api.tls.certFile and api.tls.keyFile, or listen on 127.0.0.1'));
  const connect = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
  t.equal(connect, 'ECONNREFUSED', 'nothing listens on the port');

  // with TLS the same address is allowed
  const certs = makeCerts(t.testdir());
  const tls = await startHttpApi({ ...unchecked, listen: { host: '0.0.0.0', port: 0 }, tls: { certFile: certs.cert, keyFile: certs.key, clientCaFile: '' } }, deps);
  t.equal(tls.protocol, 'https');
  await tls.close();

  // the CLI: check-config names the key; run exits 2 with the sentence and no stack
  const file = path.join(t.testdirName, 'open.yaml');
  writeFileSync(file, stringify({ api: { listen: { host: '0.0.0.0', port } } }));
  const check = await runCliAsync(['check-config', file]);
  t.not(check.code, 0);
  t.match(check.stdout + check.stderr, /api\.listen\.host: 0\.0\.0\.0 is not a loopback address, so tokens would cross the network in clear text/);
  const run = await runCliAsync(['run', '--iface', 'lo', '--config', file, '--db', path.join(t.testdirName, 'state.db')]);
  t.equal(run.code, 2, run.stderr);
  t.match(run.stderr, /api\.listen\.host: 0\.0\.0\.0 is not a loopback address/);
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
