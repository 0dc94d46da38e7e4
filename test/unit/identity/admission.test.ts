// Keys seen once wait for a second request before they get a record (identity.admitOnSecondRequest):
// attribution and session ids do not change on admission, the first request is counted in, a key
// recorded before is recorded again at once, the waiting set is bounded, and it survives a clean stop.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listIdentities } from '../../../src/identity/store';
import { basic, fingerprintOf, get, jwt, openDb, openStage } from './helpers';

const T0 = 1_700_000_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-identity-admission-'));
const key = (k: string) => `X-API-Key: ${k}`;

t.test('a key seen once is attributed but not recorded; its second request records both', async (t) => {
  const { feed, stage, counters } = openStage();
  const first = feed(get('/a', [key('k-one')], T0, '192.0.2.1'));
  t.equal(first.identity, `key:${fingerprintOf('k-one')}`, 'attributed at once');
  t.same(stage.rows(), [], 'no record yet');
  t.equal(counters.get('identity.first_sightings'), 1);
  const second = feed(get('/b', [key('k-one')], T0 + 5, '192.0.2.1'));
  t.equal(second.identity, first.identity);
  t.equal(second.session, first.session, 'the session id given at the first request is kept');
  const row = stage.rows()[0];
  t.same([row?.id, row?.requests, row?.firstSeen, row?.lastSeen], [first.identity, 2, T0, T0 + 5], 'the first request is counted in');
  t.equal(counters.get('identity.admitted'), 1);
  t.equal(stage.rows().length, 1);
});

t.test('users and IPs are recorded from their first request', async (t) => {
  const { feed, stage } = openStage();
  feed(get('/a', [basic('alice', 'pw')], T0, '192.0.2.1'));
  feed(get('/a', [], T0 + 1, '192.0.2.2'));
  feed(get('/a', [`Authorization: Bearer ${jwt({ sub: 'carol' })}`], T0 + 2, '192.0.2.3'));
  t.same(stage.rows().map((r) => r.id).sort(), ['ip:192.0.2.2', 'user:alice', 'user:carol']);
});

t.test('a key recorded before is recorded at once when it comes back after being forgotten', async (t) => {
  const { feed, stage, counters } = openStage({ idleEvictSec: 3600, sessionIdleSec: 600 });
  feed(get('/a', [key('daily-job')], T0));
  feed(get('/a', [key('daily-job')], T0 + 1));
  feed(get('/', [], T0 + 3600 + 120, '192.0.2.9')); // time passes: the key is forgotten
  t.notOk(stage.rows().some((r) => r.id.startsWith('key:')), 'forgotten after idleEvictSec');
  feed(get('/a', [key('daily-job')], T0 + 86400));
  t.ok(stage.rows().some((r) => r.id === `key:${fingerprintOf('daily-job')}`), 'recorded at its first request of the next day');
  t.equal(counters.get('identity.first_sightings'), 1, 'only its very first request waited');
});

t.test('identity.maxFirstSightings: the oldest waiting keys are forgotten', async (t) => {
  const { feed, stage, counters } = openStage({ maxFirstSightings: 16 });
  for (let i = 0; i < 17; i++) feed(get('/', [key(`random-${i}`)], T0 + i));
  t.ok(counters.get('identity.first_sightings.evicted') >= 1, 'identity.first_sightings.evicted');
  feed(get('/', [key('random-0')], T0 + 20));
  t.same(stage.rows(), [], 'the oldest waiting key was forgotten: its return is a first sighting again');
  feed(get('/', [key('random-16')], T0 + 21));
  t.same(stage.rows().map((r) => [r.id, r.requests]), [[`key:${fingerprintOf('random-16')}`, 2]], 'the newest was still waiting');
});

t.test('an expired token is counted at its first request too', async (t) => {
  const { feed, counters } = openStage();
  feed(get('/', [`Authorization: Bearer ${jwt({ jti: 'x1', exp: T0 - 60 })}`], T0));
  t.equal(counters.get('identity.tokens.expired_use'), 1);
});

t.test('admitOnSecondRequest false: every key is recorded at once', async (t) => {
  const { feed, stage, counters } = openStage({ admitOnSecondRequest: false });
  feed(get('/', [key('k-eager')], T0));
  t.same(stage.rows().map((r) => r.requests), [1]);
  t.equal(counters.get('identity.first_sightings'), 0);
});

t.test('waiting keys survive a clean stop; recorded ones are known after a restart', async (t) => {
  const file = path.join(tmp, 'restart.db');
  const one = openDb(file);
  const a = openStage({}, one);
  a.feed(get('/', [key('waits')], T0));
  a.feed(get('/', [key('recorded')], T0 + 1));
  a.feed(get('/', [key('recorded')], T0 + 2));
  a.stage.close();
  one.db.close();
  const two = openDb(file);
  const b = openStage({ idleEvictSec: 3600, sessionIdleSec: 600 }, two);
  b.feed(get('/', [key('waits')], T0 + 10));
  b.feed(get('/', [key('recorded')], T0 + 86400));
  b.stage.close();
  const stored = new Map(listIdentities(two.db).map((r) => [r.id, r.requests]));
  two.db.close();
  t.equal(stored.get(`key:${fingerprintOf('waits')}`), 2, 'its first request, from the run before, is counted in');
  t.equal(stored.get(`key:${fingerprintOf('recorded')}`), 3, 'a stored key is recorded at once after a restart');
  t.equal(b.counters.get('identity.first_sightings'), 0, 'nothing waited in the second run');
});
