// The stored decisions on a real SQLite file: a repeat extends (later expiry, higher confidence),
// expiry, withdrawal for a false-positive alert and revoke end a decision and it leaves the active
// list; a withdrawn or revoked decision stays ended while its alert repeats; the bound drops ended
// rows first, then the lowest-confidence oldest active one, and counts it.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import type { Decision } from '../../../src/response/decision';
import { DecisionsStore } from '../../../src/response/decisions-store';
import { openDatabase, schemaVersion } from '../../../src/store/database';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-decisions-'));
const T0 = 1_800_000_000;

function open(name: string, maxDecisions = 100) {
  const file = path.join(tmp, `${name}.db`);
  const db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  return { db, counters, store: new DecisionsStore(db, file, { maxDecisions, counters }) };
}

const ban = (id: string, over: Partial<Decision> = {}): Decision => ({
  id,
  action: 'ban',
  target: { kind: 'ip', value: '203.0.113.7' },
  createdAt: T0,
  expiresAt: T0 + 3600,
  alertId: 'A1',
  detector: 'injection',
  reason: 'r',
  confidence: 0.7,
  source: 'playbook',
  ...over,
});

t.test('upsert stores, a repeat extends the expiry and keeps the higher confidence', async (t) => {
  const { db, store } = open('upsert');
  t.teardown(() => db.close());
  t.equal(schemaVersion(db), 16, 'migration 16 is the decisions table');
  t.equal(store.upsert(ban('d1', { endpoint: { host: 'h', method: 'GET', template: '/x' }, limitPerMinute: 5 })), 'new');
  t.equal(store.upsert(ban('d1', { expiresAt: T0 + 7200, confidence: 0.6, alertId: 'A2' })), 'extended');
  t.equal(store.upsert(ban('d1', { expiresAt: T0 + 100, confidence: 0.9 })), 'extended');
  const [d] = store.listActive(T0);
  t.equal(d?.expiresAt, T0 + 7200, 'the later expiry stays');
  t.equal(d?.confidence, 0.9, 'the higher confidence');
  t.same(store.list().length, 1, 'one row, not three');
});

t.test('expire, withdraw and revoke end decisions; ended ones leave the active list but stay in --all', async (t) => {
  const { db, store } = open('lifecycle');
  t.teardown(() => db.close());
  store.upsert(ban('short', { expiresAt: T0 + 10 }));
  store.upsert(ban('fp', { alertId: 'FP', createdAt: T0 + 1 }));
  store.upsert(ban('hand', { alertId: 'A9', createdAt: T0 + 2 }));
  t.equal(store.expire(T0 + 5), 0, 'nothing due yet');
  t.equal(store.expire(T0 + 10), 1);
  t.same(store.withdrawForAlert('FP', 'false-positive verdict', T0 + 11), ['fp']);
  t.equal(store.revoke('hand', 'ana', T0 + 12), true);
  t.equal(store.revoke('hand', 'ana', T0 + 13), false, 'already revoked');
  t.equal(store.revoke('nope', 'ana', T0 + 13), false, 'unknown id');
  t.same(store.listActive(T0 + 12), []);
  t.same(
    store.list({ all: true }).map((d) => [d.id, d.status, d.endedBy]),
    [
      ['short', 'expired', 'expiry'],
      ['fp', 'withdrawn', 'false-positive verdict'],
      ['hand', 'revoked', 'ana'],
    ],
  );
  t.equal(store.upsert(ban('fp', { alertId: 'FP' })), 'kept-ended', 'the same alert repeating does not undo the withdrawal');
  t.equal(store.upsert(ban('hand', { alertId: 'A9' })), 'kept-ended', 'nor the revoke');
  t.equal(store.upsert(ban('fp', { alertId: 'NEW' })), 'new', 'a new alert makes it active again');
  t.equal(store.upsert(ban('short', { createdAt: T0 + 20, expiresAt: T0 + 99 })), 'new', 'an expired one comes back');
  t.same(store.listActive(T0 + 20).map((d) => d.id), ['fp', 'short']);
});

t.test('the bound: ended rows go first, then the lowest-confidence oldest active one, counted', async (t) => {
  const { db, store, counters } = open('bound', 3);
  t.teardown(() => db.close());
  store.upsert(ban('ended', { confidence: 0.99 }));
  store.revoke('ended', 'ana', T0);
  store.upsert(ban('weak-old', { confidence: 0.6, createdAt: T0 }));
  store.upsert(ban('weak-new', { confidence: 0.6, createdAt: T0 + 1 }));
  t.equal(counters.get('response.decisions.dropped'), 0);
  store.upsert(ban('strong', { confidence: 0.95, createdAt: T0 + 2 }));
  t.equal(counters.get('response.decisions.pruned'), 1, 'the ended row went first');
  t.equal(counters.get('response.decisions.dropped'), 0);
  store.upsert(ban('strong2', { confidence: 0.9, createdAt: T0 + 3 }));
  t.equal(counters.get('response.decisions.dropped'), 1, 'response.decisions.dropped fired');
  t.same(store.list({ all: true }).map((d) => d.id).sort(), ['strong', 'strong2', 'weak-new'], 'the lowest-confidence oldest went');
});
