// Secrets in the config never come back out: a config holding a webhook signing secret, a header
// value, and a URL with a password and a token in its query is printed by `tapwatch check-config`,
// used by `tapwatch replay` (alerts delivered to a real receiver and collector) and by the daemon
// (`tapwatch run` on lo, debug logging, /metrics scraped): none of the values appears in what any of
// them prints, logs or serves. The receiver does get them: they are in use, not lost.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli, runCliAsync } from '../helpers/cli';
import { CLI } from '../helpers/paths';
import { writeHttpPcap } from '../helpers/pcap-writer';
import { stopProcess, waitForText } from '../helpers/processes';
import { startCollector } from '../helpers/syslog-collector';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

const isRoot = process.getuid?.() === 0;
const SIGNING = 'signing-secret-9921';
const HEADER = 'header-secret-4410';
const URL_PASSWORD = 'url-pass-7731';
const URL_TOKEN = 'url-query-tok-5512';
const SECRETS = [SIGNING, HEADER, URL_PASSWORD, URL_TOKEN];

function assertNoSecret(t: Test, what: string, text: string): void {
  for (const s of SECRETS) t.notOk(text.includes(s), `${what} does not contain ${s}`);
}

async function setup(t: Test, extra: Record<string, unknown> = {}) {
  const dir = t.testdir();
  const hook = await startWebhookReceiver(SIGNING);
  const collector = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await hook.close();
    await collector.stop();
  });
  const spec = path.join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ openapi: '3.0.3', info: { title: 's', version: '1' }, paths: { '/documented': { get: { responses: { '200': { description: 'ok' } } } } } }));
  const config = path.join(dir, 'tapwatch.yaml');
  writeFileSync(
    config,
    stringify({
      log: { level: 'debug' },
      inventory: { specs: [spec] },
      outputs: {
        webhooks: [{ name: 'soar', url: `http://alice:${URL_PASSWORD}@127.0.0.1:${hook.port}/hook?token=${URL_TOKEN}&page=1`, secret: SIGNING, headers: { 'X-Api-Key': HEADER } }],
        syslog: [{ name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: collector.port() }],
      },
      ...extra,
    }),
  );
  return { dir, config, hook };
}

t.test('check-config masks every secret and says so', async (t) => {
  const { config } = await setup(t);
  const run = runCli(['check-config', config]);
  t.equal(run.code, 0, run.stderr);
  assertNoSecret(t, 'check-config output', run.stdout + run.stderr);
  t.match(run.stdout, `url: http://alice:***@127.0.0.1:`);
  t.match(run.stdout, '/hook?token=***&page=1', 'the token parameter masked, the others kept');
  t.match(run.stdout, /secret: "?\*\*\*"?/);
  t.match(run.stdout, /X-Api-Key: "?\*\*\*"?/);
});

t.test('replay delivers with the secrets and prints none of them', async (t) => {
  const { dir, config, hook } = await setup(t);
  const pcap = path.join(dir, 'shadow.pcap');
  // a documented call binds the spec to the host; the undocumented one then raises a shadow-endpoint alert
  const call = (p: string) => ({ client: '10.0.0.2', server: '10.0.0.1', serverPort: 80, request: `GET ${p} HTTP/1.1\r\nHost: a.example\r\n\r\n`, response: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' });
  writeHttpPcap(pcap, [call('/documented'), call('/undocumented')]);
  for (const format of ['text', 'jsonl']) {
    const run = await runCliAsync(['replay', '--format', format, '--config', config, '--db', path.join(dir, `${format}.db`), pcap]);
    t.equal(run.code, 0, run.stderr);
    assertNoSecret(t, `replay --format ${format}`, run.stdout + run.stderr);
  }
  t.ok(hook.received.length >= 2 && hook.received.every((r) => r.signatureOk), `the receiver got alerts signed with the secret: ${JSON.stringify(hook.received.map((r) => [r.type, r.signatureOk]))}`);
});

t.test('the daemon logs and /metrics hold no secret', { skip: !isRoot && 'needs root (live capture on lo)' }, async (t) => {
  const { dir, config } = await setup(t, { capture: { interface: 'lo' }, api: { listen: { port: 0 } }, models: { enabled: false } });
  const child = spawn(process.execPath, [CLI, 'run', '--config', config, '--db', path.join(dir, 'state.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitForText(child, 'stdout', 'http api listening', 60000);
  const listen = /"listen":\{[^}]*"port":(\d+)/.exec(out);
  t.ok(listen, 'the API port is logged');
  // the reader token the daemon created at first start
  const tokens = JSON.parse(readFileSync(path.join(dir, 'api-tokens.json'), 'utf8')) as { tokens: { name: string; token: string }[] };
  const reader = tokens.tokens.find((x) => x.name === 'reader')?.token ?? '';
  const metrics = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: Number(listen?.[1]), path: '/metrics', headers: { authorization: `Bearer ${reader}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    }).on('error', reject);
  });
  t.equal(await stopProcess(child), 0);
  t.match(metrics, 'destination="soar"', 'destinations are named in /metrics');
  assertNoSecret(t, '/metrics', metrics);
  assertNoSecret(t, 'the daemon log', out);
  t.match(out, '"msg":"state and alerting ready"', 'the log did cover the destinations');
});
