// The outbox's backlog count is a cache of `SELECT COUNT(*)` per destination: it must stay exact
// across a restart with rows pending, acks (the first call after a restart being an ack), drops by
// the backlog bound and a second restart. Two destinations on one real SQLite file.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../../src/core/counters';
import { OUTBOX_MIGRATIONS } from '../../../../src/outputs/outbox/migrations';
import { Outbox } from '../../../../src/outputs/outbox/outbox';
import { openDatabase, type Db } from '../../../../src/store/database';
import { makeAlert } from '../../../fixtures/outbox/alerts';

const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-outbox-restart-')), 'outbox.db');
const DESTINATIONS = ['webhook:a', 'syslog:b'] as const;
const MAX_BACKLOG = 8;

function rowsIn(db: Db, destination: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE destination = ?').get(destination) as { n: number }).n;
}

function open(): { db: Db; outbox: Outbox } {
  const db = openDatabase(file, OUTBOX_MIGRATIONS);
  return { db, outbox: new Outbox(db, { maxBacklogPerDestination: MAX_BACKLOG, counters: new Counters() }) };
}

t.test('backlog equals the rows in the table after every step, across restarts', async (t) => {
  const check = (db: Db, outbox: Outbox, step: string): void => {
    for (const d of DESTINATIONS) t.equal(outbox.backlog(d), rowsIn(db, d), `${step}: ${d}`);
  };

  let { db, outbox } = open();
  for (let i = 0; i < 5; i++) outbox.enqueue([...DESTINATIONS], makeAlert(i));
  check(db, outbox, 'before the restart');
  db.close();

  // Restart with rows pending; the first thing a sender does is ack what it delivered.
  ({ db, outbox } = open());
  const delivered = outbox.lease('webhook:a', 2).map((e) => e.seq);
  t.equal(outbox.ack('webhook:a', delivered), 2);
  t.equal(outbox.ack('syslog:b', outbox.peek('syslog:b', 1).map((e) => e.seq)), 1);
  check(db, outbox, 'first acks after the restart');
  t.ok(outbox.backlog('webhook:a') >= 0 && outbox.backlog('syslog:b') >= 0, 'never negative');

  t.equal(outbox.ack('webhook:a', delivered), 0, 'acking the same rows again removes nothing');
  check(db, outbox, 'repeated ack');

  // Fill past the bound: drops keep the count at the bound, and it matches the table.
  for (let i = 5; i < 5 + MAX_BACKLOG; i++) outbox.enqueue([...DESTINATIONS], makeAlert(i, 'low'));
  check(db, outbox, 'enqueue past the bound');
  t.equal(rowsIn(db, 'syslog:b'), MAX_BACKLOG, 'the bound holds');
  db.close();

  // A second restart, then drain everything.
  ({ db, outbox } = open());
  for (const d of DESTINATIONS) {
    outbox.ack(d, outbox.peek(d, 100).map((e) => e.seq));
  }
  check(db, outbox, 'drained after the second restart');
  for (const d of DESTINATIONS) t.equal(outbox.backlog(d), 0, `${d} drained`);
  db.close();
});
