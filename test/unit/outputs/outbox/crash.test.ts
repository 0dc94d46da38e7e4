// SIGKILL mid-backlog: a child process (test/fixtures/outbox/enqueue-and-die.ts, run under the same
// TypeScript loader as this test via process.execArgv) enqueues up to 200 alerts, with the receiver
// down or slow, and is killed part way. Then this process opens the same database and delivers the
// rest: every alert the child reported enqueued reaches the receiver at least once, in order, and no
// alert that had been acked is sent again.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../../src/core/counters';
import { Dispatcher } from '../../../../src/outputs/outbox/dispatcher';
import { OUTBOX_MIGRATIONS } from '../../../../src/outputs/outbox/migrations';
import { Outbox } from '../../../../src/outputs/outbox/outbox';
import { WebhookTransport } from '../../../../src/outputs/webhook/transport';
import { openDatabase } from '../../../../src/store/database';
import { closedPort, Receiver, until } from '../../../fixtures/outbox/receiver';

const SECRET = 'crash-secret';
const FIXTURE = path.resolve(__dirname, '../../../fixtures/outbox/enqueue-and-die.ts');

const increasing = (ids: readonly string[]): boolean => ids.every((id, i) => i === 0 || id > (ids[i - 1] as string));

interface Child {
  /** Ids the child reported after enqueue() returned. */
  enqueued(): string[];
  running(): boolean;
  stderr(): string;
  /** SIGKILLs the child; resolves with the signal it died of. */
  kill(): Promise<NodeJS.Signals | null>;
}

function startChild(t: Test, file: string, url: string): Child {
  const child = spawn(process.execPath, [...process.execArgv, FIXTURE, file, url, '200', SECRET], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  t.teardown(() => {
    if (running()) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return {
    enqueued: () => [...stdout.matchAll(/^enqueued (\S+)$/gm)].map((m) => m[1] as string),
    running,
    stderr: () => stderr.slice(0, 500),
    kill: async () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Delivers what `outbox` holds to `rx` from this process; returns the ids it sent. */
async function deliverRest(t: Test, outbox: Outbox, counters: Counters, rx: Receiver): Promise<string[]> {
  const mark = rx.requests.length;
  const transport = new WebhookTransport({ name: 'hook', url: rx.url, format: 'json', maxBatch: 1, headers: {}, secret: SECRET, timeoutMs: 2000 });
  const dispatcher = new Dispatcher(outbox, [{ transport, retry: { initialMs: 10, maxMs: 50, maxRetryAfterMs: 1000 } }], { counters, idlePollMs: 50 });
  t.teardown(() => dispatcher.stop({ drainMs: 0 }));
  dispatcher.start();
  await until(() => outbox.backlog('hook') === 0, 10000, 'the second process to deliver the rest');
  await dispatcher.stop({ drainMs: 1000 });
  return rx.requests.slice(mark).flatMap((q) => q.ids);
}

function reopen(t: Test, file: string): { outbox: Outbox; counters: Counters; remaining: string[] } {
  const db = openDatabase(file, OUTBOX_MIGRATIONS);
  t.teardown(() => {
    if (db.open) db.close();
  });
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'the database is intact');
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 100000, counters });
  return { outbox, counters, remaining: outbox.peek('hook', 1000).map((e) => e.alert.id) };
}

const tmpFile = (): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-crash-')), 'outbox.db');

t.test('receiver down: SIGKILL while enqueueing loses nothing; the restart delivers all once, in order', async (t) => {
  const file = tmpFile();
  const port = await closedPort();
  const child = startChild(t, file, `http://127.0.0.1:${port}/hook`);
  await until(() => child.enqueued().length >= 120 || !child.running(), 15000, `the child to enqueue (stderr: ${child.stderr()})`);
  t.ok(child.running(), `the child is still running (stderr: ${child.stderr()})`);
  t.equal(await child.kill(), 'SIGKILL');
  const reported = child.enqueued();
  t.ok(reported.length < 200, `killed mid-way: ${reported.length} of 200 enqueued`);

  const { outbox, counters, remaining } = reopen(t, file);
  t.ok(
    reported.every((id) => remaining.includes(id)),
    'every alert whose enqueue returned is queued',
  );
  t.ok(remaining.length <= reported.length + 1, 'at most the one being enqueued at the kill is extra');
  const rx = new Receiver(SECRET);
  await rx.listen(port);
  t.teardown(() => rx.close());
  const sent = await deliverRest(t, outbox, counters, rx);
  t.same(sent, remaining, 'every queued alert exactly once, in order');
  t.ok(increasing(sent), 'in enqueue order');
  t.ok(
    rx.requests.every((q) => q.verified.ok && q.independentlyVerified),
    'all requests were signed correctly',
  );
});

t.test('receiver slow: SIGKILL mid-backlog loses nothing that was enqueued and resends nothing that was acked', async (t) => {
  const file = tmpFile();
  const rx = new Receiver(SECRET);
  await rx.listen();
  t.teardown(() => rx.close());
  // Slow answers keep a backlog building while the child enqueues.
  rx.respond = () => ({ status: 200, delayMs: 15 });
  const child = startChild(t, file, rx.url);
  await until(() => rx.requests.length >= 15 || !child.running(), 15000, `deliveries from the child (stderr: ${child.stderr()})`);
  t.ok(child.running(), `the child is still running (stderr: ${child.stderr()})`);
  t.equal(await child.kill(), 'SIGKILL');
  const reported = child.enqueued();
  const phase1 = rx.ids;
  t.ok(reported.length > phase1.length, `killed mid-backlog: ${reported.length} enqueued, ${phase1.length} received`);
  t.ok(increasing(phase1), 'the child delivered in order');

  const { outbox, counters, remaining } = reopen(t, file);
  const acked = phase1.filter((id) => !remaining.includes(id));
  t.ok(
    reported.every((id) => phase1.includes(id) || remaining.includes(id)),
    'every alert whose enqueue returned is either delivered or still queued',
  );
  t.ok(phase1.filter((id) => remaining.includes(id)).length <= 1, 'at most the one in flight was received but not acked');
  t.ok(increasing(remaining), 'the queue is in order');
  t.ok(acked.length > 0 && remaining.length > 0, 'the kill came after some acks and before the end');
  t.ok(
    acked.every((a) => remaining.every((r) => a < r)),
    'what was acked is a prefix of what was enqueued',
  );

  rx.respond = () => ({ status: 200 });
  const phase2 = await deliverRest(t, outbox, counters, rx);
  t.same(phase2, remaining, 'the restart sent exactly what was still queued, in order');
  t.notOk(
    phase2.some((id) => acked.includes(id)),
    'nothing acked before the kill was sent again',
  );
  const all = new Set([...phase1, ...phase2]);
  t.ok(
    reported.every((id) => all.has(id)),
    'the receiver saw every enqueued alert',
  );
  t.ok(
    rx.requests.every((q) => q.verified.ok && q.independentlyVerified),
    'all requests were signed correctly',
  );
});
