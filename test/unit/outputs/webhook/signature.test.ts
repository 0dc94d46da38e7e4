// Webhook signatures: what a real receiver on 127.0.0.1 gets verifies with verifySignature and with
// an independent HMAC recomputation; tampered bodies, wrong secrets, stale or future timestamps and
// malformed headers fail; a rotated secret's extra v1 is accepted.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { computeSignature, signatureHeader, verifySignature } from '../../../../src/outputs/webhook/signature';
import { WebhookTransport } from '../../../../src/outputs/webhook/transport';
import { makeAlert } from '../../../fixtures/outbox/alerts';
import { Receiver } from '../../../fixtures/outbox/receiver';

const SECRET = 'whsec-test-1f2e3d';

t.test('every request a receiver gets verifies, by our function and independently', async (t) => {
  const receiver = new Receiver(SECRET);
  await receiver.listen();
  t.teardown(() => receiver.close());
  for (const [format, maxBatch] of [
    ['json', 1],
    ['json', 5],
    ['slack', 1],
  ] as const) {
    const transport = new WebhookTransport({ name: 'hook', url: receiver.url, format, maxBatch, headers: {}, secret: SECRET, timeoutMs: 2000 });
    const alerts = Array.from({ length: maxBatch }, (_, i) => makeAlert(i));
    t.same(await transport.send(alerts), { kind: 'delivered' }, `${format} x${maxBatch} delivered`);
    await transport.close();
  }
  t.equal(receiver.requests.length, 3);
  for (const r of receiver.requests) {
    t.same(r.verified.ok, true, 'verifySignature accepts it');
    t.ok(r.independentlyVerified, 'an independent HMAC over "<t>.<body>" matches');
    t.equal(r.headers['content-type'], 'application/json');
    const t0 = Number(r.headers['x-tapwatch-timestamp']);
    t.ok(Math.abs(t0 - Date.now() / 1000) < 60, 'the timestamp is the send time in Unix seconds');
  }
});

t.test('tampered body, wrong secret, stale or future timestamp, malformed header', async (t) => {
  const body = Buffer.from(JSON.stringify(makeAlert(1)));
  const now = 1_700_000_000;
  const header = signatureHeader(SECRET, now, body);
  t.same(verifySignature(SECRET, header, body, 300, now), { ok: true, timestampSec: now });
  t.same(verifySignature(SECRET, header, body.toString('utf8'), 300, now + 299), { ok: true, timestampSec: now }, 'string body, inside tolerance');

  const tampered = Buffer.from(body);
  tampered[10] = (tampered[10] ?? 0) ^ 1;
  t.same(verifySignature(SECRET, header, tampered, 300, now), { ok: false, reason: 'mismatch' }, 'one flipped bit');
  t.same(verifySignature(SECRET + 'x', header, body, 300, now), { ok: false, reason: 'mismatch' }, 'wrong secret');
  t.same(verifySignature(SECRET, header, body, 300, now + 301), { ok: false, reason: 'stale' }, 'too old');
  t.same(verifySignature(SECRET, header, body, 300, now - 301), { ok: false, reason: 'stale' }, 'from the future');
  // Re-stamping an old signature with a fresh time does not help an attacker.
  const restamped = header.replace(`t=${now}`, `t=${now + 1000}`);
  t.same(verifySignature(SECRET, restamped, body, 300, now + 1000), { ok: false, reason: 'mismatch' });
  for (const bad of [undefined, '', 'v1=abc', `t=${now}`, `t=abc,v1=${'0'.repeat(64)}`, `t=${now},v1=xyz`]) {
    t.same(verifySignature(SECRET, bad, body, 300, now), { ok: false, reason: 'malformed' }, `malformed: ${String(bad)}`);
  }
});

t.test('the scheme is HMAC-SHA256 over "<t>.<body>" in hex; any matching v1 is accepted', async (t) => {
  const body = '{"id":"a"}';
  const expected = createHmac('sha256', 'k').update('42.{"id":"a"}').digest('hex');
  t.equal(computeSignature('k', 42, body), expected);
  t.equal(signatureHeader('k', 42, body), `t=42,v1=${expected}`);
  const rotating = `t=42,v1=${createHmac('sha256', 'old').update('42.' + body).digest('hex')},v1=${expected},v0=ignored`;
  t.same(verifySignature('k', rotating, body, 10, 42), { ok: true, timestampSec: 42 });
  t.same(verifySignature('old', rotating, body, 10, 42), { ok: true, timestampSec: 42 });
  t.same(verifySignature('other', rotating, body, 10, 42), { ok: false, reason: 'mismatch' });
});
