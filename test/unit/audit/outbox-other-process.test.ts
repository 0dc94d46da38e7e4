// The CLI queues audit records in the outbox of a database a running daemon holds open on its own
// connection. The daemon's per-destination counts must follow: its backlog gauge counts the rows
// the CLI added, and acking them never drives the count below the rows really queued. A write inside
// a caller's transaction that rolls back must not move the counts either.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { Outbox } from '../../../src/outputs/outbox/outbox';
import { openDatabase } from '../../../src/store/database';
import { sampleAlert } from '../../helpers/syslog-parse';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-outbox-shared-'));

t.test('rows queued by another connection are counted; acking them leaves the true count', async (t) => {
  const file = path.join(tmp, 'shared.db');
  const daemonDb = openDatabase(file, ALL_MIGRATIONS);
  const cliDb = openDatabase(file, ALL_MIGRATIONS);
  t.teardown(() => {
    daemonDb.close();
    cliDb.close();
  });
  const daemon = new Outbox(daemonDb, { maxBacklogPerDestination: 100, counters: new Counters() });
  const cli = new Outbox(cliDb, { maxBacklogPerDestination: 100, counters: new Counters() });
  daemon.enqueue(['hook'], sampleAlert({ id: 'D1' }));
  t.equal(daemon.backlog('hook'), 1);
  cli.enqueue(['hook'], sampleAlert({ id: 'C1' }));
  cli.enqueue(['hook'], sampleAlert({ id: 'C2' }));
  t.equal(daemon.backlog('hook'), 3, "the daemon's gauge counts the CLI's rows");
  const leased = daemon.lease('hook', 10);
  t.same(leased.map((e) => e.alert.id), ['D1', 'C1', 'C2'], 'the dispatcher finds them in order');
  t.equal(daemon.ack('hook', leased.map((e) => e.seq)), 3);
  t.equal(daemon.backlog('hook'), 0, 'zero, not below');
  t.equal(cli.backlog('hook'), 0, "the other side sees the daemon's acks too");
});

t.test('an enqueue inside a transaction that rolls back leaves the counts true', async (t) => {
  const file = path.join(tmp, 'rollback.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  t.teardown(() => db.close());
  const outbox = new Outbox(db, { maxBacklogPerDestination: 100, counters: new Counters() });
  outbox.enqueue(['hook'], sampleAlert({ id: 'A1' }));
  t.throws(() =>
    db.transaction(() => {
      outbox.enqueue(['hook'], sampleAlert({ id: 'A2' }));
      throw new Error('the action failed');
    })(),
  );
  t.equal(outbox.backlog('hook'), 1, 'the rolled-back row is not counted');
  t.same(outbox.peek('hook', 10).map((e) => e.alert.id), ['A1']);
});
