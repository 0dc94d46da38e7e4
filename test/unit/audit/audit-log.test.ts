// The stored audit trail on a real SQLite file: records come back with who, when and what, filtered
// and newest-bounded; rows cannot be updated; the retention bound (audit.maxRecords) removes the
// oldest and counts them.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertIdGenerator } from '../../../src/alerting/ids';
import { AuditLog } from '../../../src/audit/audit-log';
import type { AuditEntry } from '../../../src/audit/types';
import { buildConfig } from '../../../src/config/load';
import { Counters } from '../../../src/core/counters';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { openDatabase, schemaVersion, StoreError } from '../../../src/store/database';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-audit-log-'));
const T0 = 1_800_000_000;

function open(name: string, maxRecords = 100) {
  const file = path.join(tmp, `${name}.db`);
  const db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  return { db, file, counters, log: new AuditLog(db, file, { maxRecords, counters, ids: new AlertIdGenerator() }) };
}

const feedback = (name: string, target: string): AuditEntry => ({
  actor: { kind: 'local-user', name },
  action: 'alert.feedback',
  target,
  details: { verdict: 'false-positive', note: 'scanner' },
});

t.test('record and list: who, when, what; filters by time, action and actor; ids sort by time', async (t) => {
  const { db, log } = open('basic');
  t.teardown(() => db.close());
  t.ok(schemaVersion(db) >= 15, 'migration 15 (the audit table) is applied');
  const a = log.record(feedback('ana', 'ALERT1'), T0);
  const b = log.record({ actor: { kind: 'token', name: 'soar', address: '192.0.2.9' }, action: 'endpoint.approve', target: 'GET api/x' }, T0 + 60);
  const c = log.record(feedback('bob', 'ALERT2'), T0 + 120);
  t.ok(a.id < b.id && b.id < c.id, 'ids increase with time');
  t.same(log.list(), [a, b, c], 'oldest first, as recorded');
  t.same(log.list({ since: T0 + 60 }).map((r) => r.id), [b.id, c.id]);
  t.same(log.list({ action: 'alert.feedback' }).map((r) => r.target), ['ALERT1', 'ALERT2']);
  t.same(log.list({ actor: 'soar' }), [{ ...b, details: {} }], 'the address and empty details come back');
  t.same(log.list({ limit: 2 }).map((r) => r.id), [b.id, c.id], 'the newest N');
});

t.test('append-only: an UPDATE is refused by the table itself', async (t) => {
  const { db, log } = open('append-only');
  t.teardown(() => db.close());
  const r = log.record(feedback('ana', 'ALERT1'), T0);
  t.throws(() => db.prepare("UPDATE audit_log SET actor_name = 'someone-else' WHERE id = ?").run(r.id), /append-only/);
  t.equal(log.list()[0]?.actor.name, 'ana');
});

t.test('retention: beyond audit.maxRecords the oldest go, counted', async (t) => {
  const { db, log, counters } = open('retention', 5);
  t.teardown(() => db.close());
  const ids = [];
  for (let i = 0; i < 8; i++) ids.push(log.record(feedback('ana', `A${i}`), T0 + i).id);
  t.equal(log.count(), 5);
  t.same(log.list().map((r) => r.id), ids.slice(3), 'the five newest stay');
  t.equal(counters.get('audit.pruned'), 3);
  t.equal(counters.get('audit.recorded'), 8);
  t.equal(buildConfig({}).audit.maxRecords, 100000, 'the default bound');
});

t.test('a write the database refuses is a StoreError naming the file', async (t) => {
  const { db, file, log } = open('readonly');
  log.record(feedback('ana', 'A'), T0);
  db.close();
  const ro = openDatabase(file, ALL_MIGRATIONS);
  ro.pragma('query_only = ON');
  const readOnly = new AuditLog(ro, file, { maxRecords: 5, counters: new Counters(), ids: new AlertIdGenerator() });
  t.teardown(() => ro.close());
  let caught: unknown;
  try {
    readOnly.record(feedback('ana', 'B'), T0 + 1);
  } catch (err) {
    caught = err;
  }
  t.ok(caught instanceof StoreError, 'a StoreError');
  t.match((caught as Error).message, `${file}: writing an audit record failed`);
  t.equal(readOnly.count(), 1, 'nothing half-written');
});
