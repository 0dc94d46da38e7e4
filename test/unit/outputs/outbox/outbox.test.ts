// The durable outbox on a real SQLite file: per-destination sequences that never repeat, one commit
// per enqueue across destinations, state that survives reopening, and the backlog bound that drops the
// oldest alert of the lowest severity (never a critical one while a lower one is queued).
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEVERITIES, type Severity } from '../../../../src/alerting/types';
import { Counters } from '../../../../src/core/counters';
import { OUTBOX_MIGRATIONS } from '../../../../src/outputs/outbox/migrations';
import { Outbox } from '../../../../src/outputs/outbox/outbox';
import { openDatabase, schemaVersion } from '../../../../src/store/database';
import { prng } from '../../../helpers/prng';
import { alertId, makeAlert } from '../../../fixtures/outbox/alerts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-outbox-'));
let n = 0;
const dbFile = (): string => path.join(tmp, `outbox-${n++}.db`);

t.test('migration is version 3 and applies after the earlier stores', async (t) => {
  t.same(
    OUTBOX_MIGRATIONS.map((m) => m.version),
    [3],
  );
  const earlier = [
    { version: 1, name: 'one', sql: 'CREATE TABLE one (x)' },
    { version: 2, name: 'two', sql: 'CREATE TABLE two (x)' },
  ];
  const db = openDatabase(dbFile(), [...earlier, ...OUTBOX_MIGRATIONS]);
  t.equal(schemaVersion(db), 3);
  db.close();
});

t.test('sequences per destination, in order, never reused after the queue drains', async (t) => {
  const file = dbFile();
  const counters = new Counters();
  const db = openDatabase(file, OUTBOX_MIGRATIONS);
  const outbox = new Outbox(db, { maxBacklogPerDestination: 100, counters });
  for (let i = 0; i < 5; i++) outbox.enqueue(['a', 'b'], makeAlert(i));
  outbox.enqueue(['b', 'b'], makeAlert(5));
  outbox.enqueue([], makeAlert(6));
  t.equal(outbox.backlog('a'), 5);
  t.equal(outbox.backlog('b'), 6, 'a destination named twice gets the alert once');
  const a = outbox.peek('a', 10);
  t.same(
    a.map((e) => e.alert.id),
    [0, 1, 2, 3, 4].map(alertId),
  );
  t.ok(
    a.every((e, i) => i === 0 || e.seq > (a[i - 1]?.seq ?? Infinity)),
    'sequence increases',
  );
  t.same(a[2]?.alert, makeAlert(2), 'the alert comes back as it went in');
  t.equal(outbox.ack('a', a.map((e) => e.seq)), 5);
  t.equal(outbox.backlog('a'), 0);
  outbox.enqueue(['a'], makeAlert(7));
  const next = outbox.peek('a', 10);
  t.equal(next.length, 1);
  t.ok((next[0]?.seq ?? 0) > (a[a.length - 1]?.seq ?? Infinity), 'a drained queue does not restart its sequence');
  t.equal(counters.get('outputs.a.enqueued'), 6);
  db.close();

  // Everything was committed: a fresh handle sees the same queues and counts.
  const again = new Outbox(openDatabase(file, OUTBOX_MIGRATIONS), { maxBacklogPerDestination: 100, counters: new Counters() });
  t.equal(again.backlog('a'), 1);
  t.equal(again.backlog('b'), 6);
  t.same(again.destinations(), ['a', 'b']);
});

t.test('failures are recorded on the rows', async (t) => {
  const db = openDatabase(dbFile(), OUTBOX_MIGRATIONS);
  const outbox = new Outbox(db, { maxBacklogPerDestination: 100, counters: new Counters() });
  outbox.enqueue(['a'], makeAlert(0));
  outbox.enqueue(['a'], makeAlert(1));
  const [first] = outbox.peek('a', 1);
  t.equal(first?.attempts, 0);
  outbox.recordFailure('a', [first?.seq ?? -1], 'HTTP 503', 123456);
  outbox.recordFailure('a', [first?.seq ?? -1], 'x'.repeat(5000), 234567);
  const [head, second] = outbox.peek('a', 2);
  t.equal(head?.attempts, 2);
  t.equal(head?.nextAttemptAt, 234567);
  t.ok((head?.lastError?.length ?? 0) <= 1001, 'a long error is cut');
  t.equal(second?.attempts, 0, 'only the named rows');
  db.close();
});

/** Independent model of the bound: after each insert over the limit, drop min (severity, seq). */
function modelBacklog(severities: Severity[], max: number): { kept: number[]; dropped: number[] } {
  let queue: number[] = [];
  const dropped: number[] = [];
  severities.forEach((_, i) => {
    queue.push(i);
    while (queue.length > max) {
      const victim = queue.reduce((best, j) => {
        const rank = (k: number): number => SEVERITIES.indexOf(severities[k] as Severity);
        return rank(j) < rank(best) || (rank(j) === rank(best) && j < best) ? j : best;
      });
      queue = queue.filter((j) => j !== victim);
      dropped.push(victim);
    }
  });
  return { kept: queue, dropped };
}

t.test('backlog bound: lowest severity, oldest first; critical alerts all survive', async (t) => {
  const db = openDatabase(dbFile(), OUTBOX_MIGRATIONS);
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 10, counters });
  const random = prng(7);
  // Criticals are under the bound, so none may ever be dropped.
  const severities: Severity[] = Array.from({ length: 40 }, (_, i) =>
    i % 6 === 0 ? 'critical' : (SEVERITIES[Math.floor(random() * 4)] as Severity),
  );
  const rank = (id: string): [number, number] => {
    const i = Number(id.slice('alert-'.length));
    return [SEVERITIES.indexOf(severities[i] as Severity), i];
  };
  const below = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  let queued: string[] = [];
  let violations = 0;
  severities.forEach((s, i) => {
    outbox.enqueue(['hook'], makeAlert(i, s));
    const now = outbox.peek('hook', 100).map((e) => e.alert.id);
    // Whatever vanished in this step must rank below everything that stayed.
    const dropped = [...queued, alertId(i)].filter((id) => !now.includes(id));
    for (const d of dropped) if (now.some((k) => below(rank(k), rank(d)))) violations++;
    queued = now;
  });
  t.equal(violations, 0, 'each drop took the oldest of the lowest severity queued');

  const kept = queued;
  const model = modelBacklog(severities, 10);
  t.equal(outbox.backlog('hook'), 10);
  t.same(kept, model.kept.map(alertId), 'the queue is what an independent model keeps, in order');
  const criticals = severities.flatMap((s, i) => (s === 'critical' ? [alertId(i)] : []));
  t.ok(criticals.length > 0 && criticals.every((id) => kept.includes(id)), 'every critical alert survived');
  t.ok(severities.some((s) => s === 'info'), 'the mix has info alerts to drop');
  t.equal(counters.get('outputs.hook.dropped_backlog'), severities.length - 10);
  t.equal(counters.get('outputs.dropped_backlog'), severities.length - 10, 'total counter');
  t.equal(counters.get('outputs.hook.dropped_backlog'), model.dropped.length);
  db.close();
});

t.test('backlog bound: an alert a sender holds (leased, not acked) is not dropped', async (t) => {
  const db = openDatabase(dbFile(), OUTBOX_MIGRATIONS);
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 3, counters });
  outbox.enqueue(['hook'], makeAlert(0, 'info'));
  outbox.enqueue(['hook'], makeAlert(1, 'high'));
  outbox.enqueue(['hook'], makeAlert(2, 'high'));
  const inFlight = outbox.lease('hook', 1);
  t.equal(inFlight[0]?.alert.id, alertId(0));
  outbox.enqueue(['hook'], makeAlert(3, 'low'));
  const ids = outbox.peek('hook', 10).map((e) => e.alert.id);
  t.same(ids, [alertId(0), alertId(1), alertId(2)], 'the in-flight info alert stays, the new low one is the lowest droppable');
  t.equal(counters.get('outputs.hook.dropped_backlog'), 1);
  db.close();
});

t.test('destinations have separate bounds', async (t) => {
  const db = openDatabase(dbFile(), OUTBOX_MIGRATIONS);
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 2, counters });
  for (let i = 0; i < 5; i++) outbox.enqueue(['a', 'b'], makeAlert(i, 'info'));
  outbox.ack('b', outbox.peek('b', 2).map((e) => e.seq));
  outbox.enqueue(['a', 'b'], makeAlert(5, 'info'));
  t.equal(outbox.backlog('a'), 2);
  t.equal(outbox.backlog('b'), 1);
  t.equal(counters.get('outputs.a.dropped_backlog'), 4);
  t.equal(counters.get('outputs.b.dropped_backlog'), 3);
  t.equal(counters.get('outputs.dropped_backlog'), 7);
  db.close();
});

t.test('a refused write queues nothing and moves no counts', async (t) => {
  const db = openDatabase(dbFile(), OUTBOX_MIGRATIONS);
  const counters = new Counters();
  const outbox = new Outbox(db, { maxBacklogPerDestination: 100, counters });
  outbox.enqueue(['a'], makeAlert(0));
  db.pragma('query_only = ON');
  t.throws(() => outbox.enqueue(['a', 'b'], makeAlert(1)), { name: 'StoreError' });
  db.pragma('query_only = OFF');
  t.equal(outbox.backlog('a'), 1);
  t.equal(outbox.backlog('b'), 0);
  t.equal(counters.get('outputs.a.enqueued'), 1);
  db.close();
});
