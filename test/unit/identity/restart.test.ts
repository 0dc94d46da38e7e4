// Restart exactness on a real SQLite file: traffic A then B in two runs of the stage equals A and B
// in one run (identities, sessions, login bindings, login-path verdicts), and an identity forgotten
// from memory and seen again has its stored past folded in.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HttpTransaction } from '../../../src/http/types';
import { listIdentities } from '../../../src/identity/store';
import { basic, get, jwt, openDb, openStage, post } from './helpers';

const T0 = 1_700_000_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-identity-restart-'));

/** Traffic whose second half depends on what the first half taught. */
function traffic(): { a: HttpTransaction[]; b: HttpTransaction[] } {
  const cookie = 'Cookie: sessionid=kept-across-restart-1';
  const a = [
    get('/u/1', [basic('alice', 'pw'), 'User-Agent: app/1'], T0, '198.51.100.1'),
    post('/login', 'username=bob&password=pw', 'application/x-www-form-urlencoded', T0 + 5, { headers: [cookie] }),
    post('/api/probe-me', '{"x":1}', 'application/json', T0 + 6),
    get('/t', [`Authorization: Bearer ${jwt({ sub: 'carol', exp: T0 + 100 })}`], T0 + 7, '198.51.100.3'),
    get('/x', ['User-Agent: crawler/1'], T0 + 8, '203.0.113.8'),
  ];
  const b = [
    get('/u/2', [basic('alice', 'pw'), 'User-Agent: app/1'], T0 + 60, '198.51.100.2'),
    get('/home', [cookie], T0 + 61),
    post('/api/probe-me', '{"username":"mallory","password":"pw"}', 'application/json', T0 + 62),
    get('/t', [`Authorization: Bearer ${jwt({ sub: 'carol', exp: T0 + 100 })}`], T0 + 200, '198.51.100.3'),
    get('/x', ['User-Agent: crawler/1'], T0 + 7200, '203.0.113.8'),
  ];
  return { a, b };
}

function run(db: ReturnType<typeof openDb>, txs: HttpTransaction[], over: Record<string, unknown>): string[] {
  const { feed, stage } = openStage(over, db);
  const sessions = txs.map((tx) => {
    const ctx = feed(tx);
    stage.flush();
    return `${ctx.identity} ${ctx.session}`;
  });
  stage.close();
  return sessions;
}

t.test('A then B equals A B', async (t) => {
  const over = { login: { probeCalls: 1 } };
  const { a, b } = traffic();
  const split = openDb(path.join(tmp, 'split.db'));
  const splitCtx = [...run(split, a, over), ...run(split, b, over)];
  const whole = openDb(path.join(tmp, 'whole.db'));
  const wholeCtx = run(whole, [...a, ...b], over);
  t.same(splitCtx, wholeCtx, 'the same identity and session for every request');
  t.same(listIdentities(split.db), listIdentities(whole.db), 'the same stored identities');
  t.equal(wholeCtx[6]?.split(' ')[0], 'user:bob', 'the binding learned in A names the cookie in B');
  t.equal(wholeCtx[7]?.split(' ')[0], 'ip:10.0.0.1', 'the path probed in A is not read again in B');
  t.equal(wholeCtx[5]?.split(' ')[1], wholeCtx[0]?.split(' ')[1], 'alice continues her session across the restart');
  t.not(wholeCtx[9]?.split(' ')[1], wholeCtx[4]?.split(' ')[1], 'the crawler came back after the idle timeout: a new session');
  const carol = listIdentities(whole.db).find((r) => r.id === 'user:carol');
  t.equal(carol?.stats.expiredTokenRequests, 1);
  split.db.close();
  whole.db.close();
});

t.test('an identity forgotten from memory and seen again: its stored past is folded in', async (t) => {
  const txs = [
    get('/a', [basic('dave', 'pw'), 'User-Agent: app/1'], T0, '192.0.2.1'),
    get('/a', [basic('dave', 'pw'), 'User-Agent: app/1'], T0 + 1, '192.0.2.2'),
    get('/', [], T0 + 10000, '192.0.2.99'),
    get('/b', [basic('dave', 'pw'), 'User-Agent: app/2'], T0 + 20000, '192.0.2.2'),
  ];
  const forgetting = openDb(path.join(tmp, 'forgetting.db'));
  const { feed, stage, counters } = openStage({ idleEvictSec: 3600 }, forgetting);
  for (const tx of txs) {
    feed(tx);
    stage.flush();
  }
  stage.close();
  t.equal(counters.get('identity.identities.idle_evicted'), 2, 'dave, then the other IP, were forgotten');
  const keeping = openDb(path.join(tmp, 'keeping.db'));
  run(keeping, txs, { idleEvictSec: 86400 });
  const dave = listIdentities(forgetting.db).find((r) => r.id === 'user:dave');
  t.same(dave, listIdentities(keeping.db).find((r) => r.id === 'user:dave'), 'as if it had never been forgotten');
  t.equal(dave?.requests, 3);
  t.same(dave?.stats.ips.map((u) => [u.ip, u.requests]), [['192.0.2.1', 1], ['192.0.2.2', 2]]);
  t.equal(dave?.stats.sessions, 2);
  forgetting.db.close();
  keeping.db.close();
});
