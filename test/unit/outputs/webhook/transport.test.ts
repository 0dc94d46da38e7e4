// The webhook transport against a real receiver on 127.0.0.1: bodies (single, batched, Slack),
// headers, and how responses, network errors and timeouts map to delivered / retry / rejected.
import t, { type Test } from 'tap';
import { parseRetryAfter } from '../../../../src/outputs/webhook/retry-after';
import { WebhookTransport, type WebhookTransportOptions } from '../../../../src/outputs/webhook/transport';
import { makeAlert } from '../../../fixtures/outbox/alerts';
import { closedPort, Receiver } from '../../../fixtures/outbox/receiver';

const SECRET = 's3cret';

async function setup(t: Test, extra: Partial<WebhookTransportOptions> = {}): Promise<{ receiver: Receiver; transport: WebhookTransport }> {
  const receiver = new Receiver(SECRET);
  await receiver.listen();
  const transport = new WebhookTransport({ name: 'hook', url: receiver.url, format: 'json', maxBatch: 1, headers: {}, secret: SECRET, timeoutMs: 2000, ...extra });
  t.teardown(async () => {
    await transport.close();
    await receiver.close();
  });
  return { receiver, transport };
}

t.test('single alert: body is the alert, Idempotency-Key is its id, custom headers go along', async (t) => {
  const { receiver, transport } = await setup(t, { headers: { Authorization: 'Bearer abc', 'X-Team': 'soc' } });
  const alert = makeAlert(7);
  t.same(await transport.send([alert]), { kind: 'delivered' });
  const [req] = receiver.requests;
  t.same(JSON.parse(req?.body.toString('utf8') ?? ''), alert);
  t.equal(req?.headers['idempotency-key'], alert.id);
  t.equal(req?.headers.authorization, 'Bearer abc');
  t.equal(req?.headers['x-team'], 'soc');
  t.throws(
    () => new WebhookTransport({ name: 'x', url: receiver.url, format: 'json', maxBatch: 1, headers: { 'X-Tapwatch-Signature': 'forged' }, secret: SECRET, timeoutMs: 1000 }),
    /set by Tapwatch/,
  );
});

t.test('batched: body is {"alerts": [...]} in the given order, no Idempotency-Key', async (t) => {
  const { receiver, transport } = await setup(t, { maxBatch: 4 });
  const alerts = [3, 1, 2].map((i) => makeAlert(i));
  t.same(await transport.send(alerts), { kind: 'delivered' });
  t.same(JSON.parse(receiver.requests[0]?.body.toString('utf8') ?? ''), { alerts });
  t.equal(receiver.requests[0]?.headers['idempotency-key'], undefined);
  await t.rejects(transport.send(Array.from({ length: 5 }, (_, i) => makeAlert(i))), RangeError, 'more than maxBatch is a caller bug');
});

t.test('status mapping', async (t) => {
  const { receiver, transport } = await setup(t);
  const cases: { status: number; kind: string; headers?: Record<string, string>; body?: string }[] = [
    { status: 200, kind: 'delivered' },
    { status: 201, kind: 'delivered' },
    { status: 204, kind: 'delivered' },
    { status: 408, kind: 'retry' },
    { status: 425, kind: 'retry' },
    { status: 429, kind: 'retry' },
    { status: 500, kind: 'retry', body: 'boom' },
    { status: 502, kind: 'retry' },
    { status: 503, kind: 'retry' },
    { status: 301, kind: 'rejected', headers: { location: 'https://elsewhere.example/hook' } },
    { status: 400, kind: 'rejected', body: 'invalid_payload' },
    { status: 401, kind: 'rejected' },
    { status: 404, kind: 'rejected', body: 'no_service' },
    { status: 413, kind: 'rejected' },
  ];
  let current = cases[0];
  receiver.respond = () => ({ status: current?.status ?? 500, headers: current?.headers, body: current?.body });
  for (const c of cases) {
    current = c;
    const result = await transport.send([makeAlert(c.status)]);
    t.equal(result.kind, c.kind, `HTTP ${c.status} → ${c.kind}`);
    if (result.kind !== 'delivered') {
      t.match(result.reason, new RegExp(`HTTP ${c.status}`), 'the reason names the status');
      if (c.body) t.match(result.reason, c.body, 'and the start of the response body');
    }
    if (c.status === 301 && result.kind === 'rejected') t.match(result.reason, /redirect to https:\/\/elsewhere.example\/hook not followed/);
  }
});

t.test('Retry-After in both forms becomes afterMs', async (t) => {
  const { receiver, transport } = await setup(t);
  receiver.respond = () => ({ status: 429, headers: { 'retry-after': '3' } });
  t.same(await transport.send([makeAlert(1)]), { kind: 'retry', reason: 'HTTP 429 Too Many Requests', afterMs: 3000 });

  const at = new Date(Date.now() + 5000).toUTCString();
  receiver.respond = () => ({ status: 503, headers: { 'retry-after': at } });
  const before = Date.now();
  const result = await transport.send([makeAlert(2)]);
  const after = Date.now();
  t.equal(result.kind, 'retry');
  const afterMs = result.kind === 'retry' ? (result.afterMs ?? -1) : -1;
  t.ok(afterMs >= Date.parse(at) - after && afterMs <= Date.parse(at) - before, `HTTP-date ${at} → ${afterMs} ms`);

  receiver.respond = () => ({ status: 503, headers: { 'retry-after': 'soon' } });
  const unreadable = await transport.send([makeAlert(3)]);
  t.equal(unreadable.kind === 'retry' ? unreadable.afterMs : 'x', undefined, 'unreadable Retry-After is ignored');
});

t.test('parseRetryAfter', async (t) => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
  t.equal(parseRetryAfter('120', now), 120_000);
  t.equal(parseRetryAfter(' 0 ', now), 0);
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 7000, 'IMF-fixdate');
  t.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 7000, 'RFC 850');
  t.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 7000, 'asctime is GMT whatever the local zone');
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now), 0, 'a date in the past means now');
  for (const bad of [undefined, '', '1.5', '-1', 'tomorrow', '2024-01-01T00:00:00Z']) t.equal(parseRetryAfter(bad, now), undefined, `unreadable: ${String(bad)}`);
});

t.test('receiver down: a network error is a retry', async (t) => {
  const port = await closedPort();
  const transport = new WebhookTransport({ name: 'hook', url: `http://127.0.0.1:${port}/hook`, format: 'json', maxBatch: 1, headers: {}, secret: SECRET, timeoutMs: 2000 });
  t.teardown(() => transport.close());
  const result = await transport.send([makeAlert(1)]);
  t.equal(result.kind, 'retry');
  t.match(result.kind === 'retry' ? result.reason : '', /ECONNREFUSED/);
});

t.test('no answer within timeoutMs is a retry', async (t) => {
  const { receiver, transport } = await setup(t, { timeoutMs: 200 });
  receiver.respond = () => ({ status: 200, hang: true });
  const result = await transport.send([makeAlert(1)]);
  t.same(result, { kind: 'retry', reason: 'request failed: no response within 200 ms' });
  receiver.respond = () => ({ status: 200 });
  t.same(await transport.send([makeAlert(2)]), { kind: 'delivered' }, 'the next request works (fresh connection)');
});
