// Every collection of the identity stage that grows with traffic has a bound, and each bound fires
// with its counter.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listIdentities } from '../../../src/identity/store';
import { basic, get, openDb, openStage, post } from './helpers';

const T0 = 1_700_000_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-identity-bounds-'));
const ep = (template: string) => ({ host: 'api.example', method: 'GET', template });

t.test('identity.maxIdentities: the least recently seen are forgotten', async (t) => {
  const { feed, stage, counters } = openStage({ maxIdentities: 16 });
  for (let i = 0; i < 17; i++) feed(get('/', [], T0 + i, `192.0.2.${i + 1}`));
  t.ok(counters.get('identity.identities.evicted') >= 1, 'identity.identities.evicted');
  t.ok(stage.size <= 16);
  t.notOk(stage.rows().some((r) => r.id === 'ip:192.0.2.1'), 'the oldest went first');
  t.ok(stage.rows().some((r) => r.id === 'ip:192.0.2.17'), 'the newest stays');
});

t.test('identity.idleEvictSec: idle identities are forgotten on packet time', async (t) => {
  const { feed, stage, counters } = openStage({ idleEvictSec: 3600 });
  feed(get('/', [], T0, '192.0.2.1'));
  feed(get('/', [], T0 + 3601 + 60, '192.0.2.2'));
  t.equal(counters.get('identity.identities.idle_evicted'), 1);
  t.same(stage.rows().map((r) => r.id), ['ip:192.0.2.2']);
});

t.test('identity.maxIpsPerIdentity, maxUserAgentsPerIdentity, maxEndpointsPerIdentity', async (t) => {
  const { feed, stage, counters } = openStage({ maxIpsPerIdentity: 2, maxUserAgentsPerIdentity: 1, maxEndpointsPerIdentity: 1 });
  feed(get('/a', [basic('alice', 'pw'), 'User-Agent: one'], T0, '192.0.2.1'), ep('/a'));
  feed(get('/b', [basic('alice', 'pw'), 'User-Agent: two'], T0 + 1, '192.0.2.2'), ep('/b'));
  feed(get('/a', [basic('alice', 'pw'), 'User-Agent: one'], T0 + 2, '192.0.2.3'), ep('/a'));
  t.equal(counters.get('identity.ips.overflow'), 1);
  t.equal(counters.get('identity.user_agents.overflow'), 1);
  t.equal(counters.get('identity.endpoints.overflow'), 1);
  const row = stage.rows()[0];
  t.same(row?.stats.ips.map((u) => u.ip), ['192.0.2.1', '192.0.2.2']);
  t.equal(row?.stats.ipsOverflow, 1);
  t.same(row?.stats.userAgents.map((u) => [u.userAgent, u.requests]), [['one', 2]]);
  t.equal(row?.stats.userAgentsOverflow, 1);
  t.same(row?.stats.endpoints.map((e) => [e.endpoint, e.requests]), [['GET api.example/a', 2]]);
  t.equal(row?.stats.endpointsOverflow, 1);
});

t.test('identity.maxSessions: the least recently active are dropped', async (t) => {
  const { feed, counters } = openStage({ maxSessions: 2 });
  const first = feed(get('/', [], T0, '192.0.2.1')).session;
  feed(get('/', [], T0 + 1, '192.0.2.2'));
  feed(get('/', [], T0 + 2, '192.0.2.3'));
  t.equal(counters.get('identity.sessions.evicted'), 1);
  t.not(feed(get('/', [], T0 + 3, '192.0.2.1')).session, first, 'its next request starts a new session');
});

t.test('identity.maxBindings: the oldest binding is forgotten', async (t) => {
  const { feed, counters } = openStage({ maxBindings: 1 });
  const login = (user: string, cookie: string, ts: number) =>
    post('/login', `username=${user}&password=pw`, 'application/x-www-form-urlencoded', ts, { headers: [`Cookie: sessionid=${cookie}`] });
  feed(login('bob', 'cookie-of-bob-1', T0));
  feed(login('eve', 'cookie-of-eve-2', T0 + 1));
  t.equal(counters.get('identity.bindings.evicted'), 1);
  t.match(feed(get('/', ['Cookie: sessionid=cookie-of-bob-1'], T0 + 2)).identity, /^key:/, "bob's cookie no longer names bob");
  t.equal(feed(get('/', ['Cookie: sessionid=cookie-of-eve-2'], T0 + 3)).identity, 'user:eve');
});

t.test('identity.login.maxProbedPaths: beyond, paths without a login word are not probed', async (t) => {
  const { feed, counters } = openStage({ login: { maxProbedPaths: 1 } });
  feed(post('/first', '{"a":1}', 'application/json', T0));
  t.equal(feed(post('/second', '{"username":"x","password":"y"}', 'application/json', T0 + 1)).identity, 'ip:10.0.0.1', 'not read');
  t.equal(counters.get('identity.login.paths_full'), 1);
});

t.test('store.maxRowsPerFlush: the rest wait for the next flush; close writes everything', async (t) => {
  const db = openDb(path.join(tmp, 'rows.db'));
  const { feed, stage, counters } = openStage({}, db, { maxRowsPerFlush: 1 });
  for (let i = 1; i <= 3; i++) feed(get('/', [], T0 + i, `192.0.2.${i}`));
  t.equal(stage.flush(), 2, 'two left');
  t.equal(counters.get('identity.flush.deferred'), 2);
  t.equal(listIdentities(db.db).length, 1);
  stage.close();
  t.equal(listIdentities(db.db).length, 3);
  db.db.close();
});
