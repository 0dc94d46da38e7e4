// Hostile text from the wire, end to end through the built CLI: requests whose User-Agent carries an
// ANSI escape and a fake syslog frame, whose paths carry %0d%0a, %1b and a raw CR, and whose bearer
// JWT names a user made of an escape and a fake frame, raise alerts (an injection payload, shadow
// endpoints). `tapwatch replay` sends them to a real TCP syslog collector on non-transparent (LF)
// framing and on octet counting, and to a real webhook receiver. Every syslog message is one RFC 5424
// message with no raw control character and the escapes visible; every webhook body is JSON that
// parses back to the exact values; the terminal output of replay and `tapwatch alerts` has no raw ESC or CR.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli, runCliAsync } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { startCollector } from '../helpers/syslog-collector';
import { parseCef, parseRfc5424, sdParams, strictUtf8, waitFor } from '../helpers/syslog-parse';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'hostile-e2e-secret';
const ESC = '\x1b';
const FAKE_FRAME = '\n<13>1 2026-01-01T00:00:00Z host tapwatch - - - fake alert cleared';
const USER_AGENT = `curl/8.0 ${ESC}[2J${FAKE_FRAME}`;
// U+2028 and a C1 CSI: raw in JSON.stringify's output, a line break or an escape to some readers
const SUBJECT = `mallory${ESC}[2J${FAKE_FRAME}\u2028\u009b`;
// C0, DEL, C1, JavaScript line terminators and bidi controls: none may reach an output raw
// eslint-disable-next-line no-control-regex -- control characters are what the test looks for
const RAW_CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function jwt(claims: object): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}

function exchange(target: string | Buffer): HttpExchange {
  const body = '{"ok":true}';
  const head = `Host: shop.example\r\nUser-Agent: ${USER_AGENT}\r\nAuthorization: Bearer ${jwt({ sub: SUBJECT, iss: 'hostile' })}\r\n\r\n`;
  return {
    client: '10.9.0.7',
    server: '10.9.0.1',
    serverPort: 8080,
    request: Buffer.concat([Buffer.from('GET '), Buffer.isBuffer(target) ? target : Buffer.from(target), Buffer.from(` HTTP/1.1\r\n${head}`)]),
    response: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  };
}

t.test('control characters from traffic reach syslog, webhook and the terminal escaped', async (t) => {
  const dir = t.testdir();
  const spec = path.join(dir, 'shop.json');
  writeFileSync(spec, JSON.stringify({ openapi: '3.0.3', info: { title: 'shop', version: '1' }, paths: { '/api/users/{id}': { get: { responses: { '200': { description: 'ok' } } } } } }));
  const pcap = path.join(dir, 'hostile.pcap');
  writeHttpPcap(pcap, [
    exchange('/api/users/1'),
    exchange('/internal/%1b[2J%0d%0a<13>1/x'),
    // a raw CR inside the request target: the HTTP parser lets it through
    exchange(Buffer.from('/internal/a\rb')),
    // an injection payload: its alert names the identity, the JWT subject
    exchange("/api/search?q=1'%20OR%20'1'='1'--%1b[2J"),
  ]);
  const hook = await startWebhookReceiver(SECRET);
  const lf = await startCollector('lf', { port: 0, host: '127.0.0.1' });
  const counted = await startCollector('octet-counting', { port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await hook.close();
    await lf.stop();
    await counted.stop();
  });
  const config = path.join(dir, 'tapwatch.yaml');
  writeFileSync(
    config,
    stringify({
      inventory: { specs: [spec] },
      outputs: {
        webhooks: [{ name: 'soar', url: `http://127.0.0.1:${hook.port}/hook`, secret: SECRET }],
        syslog: [
          { name: 'lf-json', protocol: 'tcp', host: '127.0.0.1', port: lf.port(), framing: 'lf', format: 'json' },
          { name: 'counted-cef', protocol: 'tcp', host: '127.0.0.1', port: counted.port(), format: 'cef' },
        ],
      },
    }),
  );
  const db = path.join(dir, 'tapwatch.db');
  const replay = await runCliAsync(['replay', '--config', config, '--db', db, pcap]);
  t.equal(replay.code, 0, replay.stderr);

  const stored = JSON.parse(runCli(['alerts', '--db', db, '--format', 'json']).stdout) as Array<{ id: string; detector: string; identity?: string; endpoint?: { template: string } }>;
  const injection = stored.find((a) => a.detector === 'injection');
  t.equal(injection?.identity, `user:${SUBJECT}`, 'the stored alert keeps the exact identity (escaping is for output)');
  t.ok(stored.some((a) => a.endpoint?.template.includes('%1B')), 'a shadow endpoint from the encoded path');
  const n = stored.length;

  await waitFor('syslog and webhook deliveries', () => lf.messages.length >= n && counted.messages.length >= n && hook.received.length >= n);
  // the gateway decisions those alerts made travel the same outputs as audit records (type audit),
  // carrying the same hostile identity: every message is checked, the alerts counted apart
  const isAlert = (m: ReturnType<typeof parseRfc5424>): boolean => sdParams(m).get('type') !== 'audit';
  for (const [name, collector] of [['lf', lf], ['octet-counting', counted]] as const) {
    t.same(collector.errors, [], `${name}: the collector read only well-formed frames`);
    for (const bytes of collector.messages) {
      const text = strictUtf8(bytes);
      t.notMatch(text, RAW_CONTROL, `${name}: no raw control character`);
      parseRfc5424(text);
    }
    const alerts = collector.messages.map((m) => parseRfc5424(strictUtf8(m))).filter(isAlert);
    t.equal(alerts.length, n, `${name}: one syslog message per alert, no extra frame`);
    t.same(alerts.map((m) => sdParams(m).get('id')).sort(), stored.map((a) => a.id).sort(), `${name}: each alert once`);
  }
  const lfInjection = lf.messages.map((m) => parseRfc5424(strictUtf8(m))).find((m) => sdParams(m).get('type') === 'injection');
  t.equal(sdParams(lfInjection!).get('identity'), 'user:mallory\\x1b[2J\\x0a<13>1 2026-01-01T00:00:00Z host tapwatch - - - fake alert cleared\\u2028\\x9b', 'the escaped form in the structured data');
  t.equal((JSON.parse(lfInjection!.msg) as { identity: string }).identity, `user:${SUBJECT}`, 'the JSON body carries the exact value, JSON-escaped');
  const cefInjection = counted.messages.map((m) => parseRfc5424(strictUtf8(m))).find((m) => sdParams(m).get('type') === 'injection');
  t.equal(parseCef(cefInjection!.msg).extension.get('suser'), 'user:mallory\\x1b[2J\n<13>1 2026-01-01T00:00:00Z host tapwatch - - - fake alert cleared\\u2028\\x9b', 'CEF: ESC visible, LF as CEF escape');

  t.equal(hook.received.filter((r) => r.type !== 'audit').length, n, 'one webhook request per alert');
  for (const r of hook.received) {
    t.notMatch(r.body, RAW_CONTROL, 'webhook body is printable');
    t.ok(r.signatureOk, 'signed over the escaped body');
    const parsed = JSON.parse(r.body) as { id: string; identity?: string };
    t.same(JSON.parse(JSON.stringify(parsed)), parsed, 'round-trips');
  }
  const hookInjection = JSON.parse(hook.received.find((r) => r.type === 'injection')!.body) as { identity: string };
  t.equal(hookInjection.identity, `user:${SUBJECT}`, 'the webhook receiver reads back the exact identity');

  // what a person at a terminal sees
  for (const [what, out] of [
    ['replay', replay.stdout],
    ['alerts', runCli(['alerts', '--db', db]).stdout],
    ['identities', runCli(['identities', '--db', db]).stdout],
    ['endpoints', runCli(['endpoints', '--db', db]).stdout],
  ] as const) {
    // eslint-disable-next-line no-control-regex -- control characters are what the test looks for
    t.notMatch(out, /[\x1b\r\x00\x7f-\x9f]/, `${what}: no raw ESC, CR, NUL or C1 on the terminal`);
  }
  t.match(replay.stdout, '/internal/a\\x0db', 'replay shows the raw CR of the path escaped');
  t.match(replay.stdout, 'mallory\\x1b[2J\\x0a<13>1', 'replay shows the identity escaped');
});
