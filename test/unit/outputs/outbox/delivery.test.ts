// Outbox → dispatcher → webhook against a real receiver on 127.0.0.1 and a real SQLite file:
// outages (per-alert and batched) deliver every alert exactly once and in order, 5xx and 429 are
// retried (Retry-After honoured and capped), 4xx is rejected without blocking the queue, a rejected
// batch is split so good alerts still go out, and stop() drains what is in flight.
import t, { type Test } from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../../src/core/counters';
import type { RetryPolicy } from '../../../../src/outputs/outbox/backoff';
import { Dispatcher } from '../../../../src/outputs/outbox/dispatcher';
import { OUTBOX_MIGRATIONS } from '../../../../src/outputs/outbox/migrations';
import { Outbox } from '../../../../src/outputs/outbox/outbox';
import { WebhookTransport } from '../../../../src/outputs/webhook/transport';
import { openDatabase, type Db } from '../../../../src/store/database';
import { alertId, makeAlert } from '../../../fixtures/outbox/alerts';
import { closedPort, Receiver, until } from '../../../fixtures/outbox/receiver';

const SECRET = 'delivery-secret';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-delivery-'));
let dbCount = 0;
const FAST_RETRY: RetryPolicy = { initialMs: 20, maxMs: 100, maxRetryAfterMs: 5000 };

interface Rig {
  db: Db;
  outbox: Outbox;
  dispatcher: Dispatcher;
  counters: Counters;
  enqueue(from: number, to: number): void;
}

function rig(t: Test, url: string, opts: { maxBatch?: number; retry?: RetryPolicy; file?: string; timeoutMs?: number } = {}): Rig {
  const db = openDatabase(opts.file ?? path.join(tmp, `d${dbCount++}.db`), OUTBOX_MIGRATIONS);
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 10000, counters });
  const transport = new WebhookTransport({ name: 'hook', url, format: 'json', maxBatch: opts.maxBatch ?? 1, headers: {}, secret: SECRET, timeoutMs: opts.timeoutMs ?? 2000 });
  const dispatcher = new Dispatcher(outbox, [{ transport, retry: opts.retry ?? FAST_RETRY }], { counters, idlePollMs: 50 });
  // A second stop() is harmless, so tests that stopped already are fine here too.
  t.teardown(async () => {
    await dispatcher.stop({ drainMs: 0 });
    if (db.open) db.close();
  });
  return {
    db,
    outbox,
    dispatcher,
    counters,
    enqueue(from, to) {
      for (let i = from; i < to; i++) {
        outbox.enqueue(['hook'], makeAlert(i));
        dispatcher.notify();
      }
    },
  };
}

async function receiver(t: Test, port = 0): Promise<Receiver> {
  const r = new Receiver(SECRET);
  await r.listen(port);
  t.teardown(() => r.close());
  return r;
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => alertId(from + i));

for (const maxBatch of [1, 8]) {
  t.test(`receiver down while 50 alerts queue, then up: each arrives once, in order (maxBatch ${maxBatch})`, async (t) => {
    const port = await closedPort();
    const r = rig(t, `http://127.0.0.1:${port}/hook`, { maxBatch });
    r.dispatcher.start();
    r.enqueue(0, 50);
    await until(() => r.counters.get('outputs.hook.retries') >= 3, 5000, 'failed attempts against the closed port');
    t.equal(r.dispatcher.backlog('hook'), 50, 'nothing lost or delivered while down');
    const rx = await receiver(t, port);
    await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'the backlog to drain');
    t.same(rx.ids, range(0, 50), 'every alert exactly once, in order');
    t.ok(rx.requests.every((q) => q.verified.ok && q.independentlyVerified), 'every request signed');
    t.ok(rx.requests.every((q) => q.ids.length <= maxBatch), 'batches within maxBatch');
    if (maxBatch > 1) t.ok(rx.requests.some((q) => q.ids.length > 1), 'the backlog went out in batches');
    t.equal(r.counters.get('outputs.hook.delivered'), 50);
    t.same(await r.dispatcher.stop({ drainMs: 1000 }), { drained: true });
  });
}

t.test('500 then success: retried, delivered once acknowledged, order kept', async (t) => {
  const rx = await receiver(t);
  rx.respond = (_req, i) => ({ status: i === 0 ? 500 : 200 });
  const r = rig(t, rx.url);
  r.enqueue(0, 3);
  r.dispatcher.start();
  await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'delivery');
  t.same(rx.ids, [alertId(0), ...range(0, 3)], 'the failed alert is sent again before the next one');
  t.equal(r.counters.get('outputs.hook.retries'), 1);
  t.equal(r.counters.get('outputs.hook.delivered'), 3);
});

t.test('429 with Retry-After: 1 waits at least that long before the next attempt', async (t) => {
  const rx = await receiver(t);
  rx.respond = (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
  const r = rig(t, rx.url);
  r.enqueue(0, 2);
  r.dispatcher.start();
  await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'delivery after the Retry-After wait');
  t.same(rx.ids, [alertId(0), alertId(0), alertId(1)]);
  const waited = (rx.requests[1]?.at ?? 0) - (rx.requests[0]?.at ?? 0);
  t.ok(waited >= 1000, `the receiver saw the retry ${waited} ms after the 429 (asked 1000)`);
  t.equal(r.counters.get('outputs.hook.retries'), 1);
});

t.test('a Retry-After longer than maxRetryAfterMs is cut to it', async (t) => {
  const rx = await receiver(t);
  rx.respond = (_req, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '3600' } } : { status: 200 });
  const r = rig(t, rx.url, { retry: { initialMs: 10, maxMs: 50, maxRetryAfterMs: 200 } });
  r.enqueue(0, 1);
  r.dispatcher.start();
  await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'delivery after the capped wait (not an hour)');
  const waited = (rx.requests[1]?.at ?? 0) - (rx.requests[0]?.at ?? 0);
  t.ok(waited >= 200, `waited the cap (${waited} ms)`);
});

t.test('400 is rejected and counted; the next alert still goes out', async (t) => {
  const rx = await receiver(t);
  rx.respond = (req) => ({ status: req.ids.includes(alertId(1)) ? 400 : 200, body: 'bad alert' });
  const r = rig(t, rx.url);
  r.enqueue(0, 3);
  r.dispatcher.start();
  await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'the queue to move past the rejected alert');
  t.same(rx.ids, range(0, 3), 'sent once each: a rejection is not retried');
  t.equal(r.counters.get('outputs.hook.rejected'), 1);
  t.equal(r.counters.get('outputs.hook.delivered'), 2);
  t.equal(r.counters.get('outputs.hook.retries'), 0);
});

t.test('a rejected batch is resent one by one, so only the bad alert is dropped', async (t) => {
  const rx = await receiver(t);
  rx.respond = (req) => ({ status: req.ids.includes(alertId(2)) ? 422 : 200 });
  const r = rig(t, rx.url, { maxBatch: 5 });
  r.enqueue(0, 5);
  r.dispatcher.start();
  await until(() => r.dispatcher.backlog('hook') === 0, 5000, 'the batch to be split and sent');
  t.same(
    rx.requests.map((q) => q.ids),
    [range(0, 5), ...range(0, 5).map((id) => [id])],
  );
  t.equal(r.counters.get('outputs.hook.rejected'), 1);
  t.equal(r.counters.get('outputs.hook.delivered'), 4);
  const before = rx.requests.length;
  r.enqueue(5, 8);
  await until(() => r.dispatcher.backlog('hook') === 0 && rx.requests.length > before, 5000, 'later alerts');
  // enqueue() ran to the end before the woken loop looked, so all three go as one batch again.
  t.same(
    rx.requests.slice(before).map((q) => q.ids),
    [range(5, 8)],
    'past the rejected batch, batching resumes',
  );
});

t.test('stop() waits for a send in flight and acks it', async (t) => {
  const rx = await receiver(t);
  rx.respond = () => ({ status: 200, delayMs: 300 });
  const r = rig(t, rx.url);
  r.enqueue(0, 1);
  r.dispatcher.start();
  await until(() => rx.requests.length === 1, 5000, 'the request to arrive');
  t.same(await r.dispatcher.stop({ drainMs: 3000 }), { drained: true });
  t.equal(r.outbox.backlog('hook'), 0, 'the in-flight alert was acked during the drain');
});

t.test('stop() gives up after drainMs; the unacked alert is sent again by the next dispatcher', async (t) => {
  const rx = await receiver(t);
  rx.respond = () => ({ status: 200, hang: true });
  const file = path.join(tmp, 'restart.db');
  const first = rig(t, rx.url, { file, timeoutMs: 10000 });
  first.enqueue(0, 2);
  first.dispatcher.start();
  await until(() => rx.requests.length === 1, 5000, 'the request to arrive');
  t.same(await first.dispatcher.stop({ drainMs: 100 }), { drained: false });
  t.equal(first.outbox.backlog('hook'), 2);
  first.db.close();

  rx.respond = () => ({ status: 200 });
  const second = rig(t, rx.url, { file });
  second.dispatcher.start();
  await until(() => second.outbox.backlog('hook') === 0, 5000, 'redelivery after the restart');
  t.same(rx.ids, [alertId(0), ...range(0, 2)], 'at least once: the unacknowledged alert came again, then the rest in order');
});
