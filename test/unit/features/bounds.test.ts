// Every bound of the features stage fires, is counted, and keeps what it should: the least
// recently active baselines go first; lists stop growing and count the rest; the seen-id and
// admission filters start a new generation when full; a flush writes at most maxRowsPerFlush rows.
import t from 'tap';
import { M_REQUESTS } from '../../../src/features/metrics';
import { MONDAY, openStage, type TxSpec } from './helpers';

const noAdmission = { admitOnSecondRequest: false };

t.test('features.maxIdentities: the least recently active identities are forgotten', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxIdentities: 3 });
  feed(['a', 'b', 'c', 'a', 'd', 'e'].map((u, i) => ({ ts: MONDAY + i, identity: `user:${u}`, clientIp: '10.0.0.1' })));
  t.equal(counters.get('features.identities.evicted'), 2, 'two forgotten');
  t.equal(stage.engine.identities.size, 3);
  t.equal(stage.view.forIdentity('user:b'), null, 'b (idle since t1) went first');
  t.equal(stage.view.forIdentity('user:c'), null, 'then c');
  t.not(stage.view.forIdentity('user:a'), null, 'a was active again at t3 and stays');
  close(MONDAY + 10);
});

t.test('features.maxSessions: the least recently active sessions are forgotten', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxSessions: 2 });
  const ended: string[] = [];
  stage.view.onSessionEnd((s) => ended.push(s.session));
  // one identity behind one IP, three user agents: three sessions of the identity stage
  feed(['s1', 's2', 's3'].map((session, i) => ({ ts: MONDAY + i, identity: 'ip:10.0.0.1', session })));
  t.equal(counters.get('features.sessions.evicted'), 1);
  t.same([...stage.engine.sessions.byKey.keys()], ['s2', 's3']);
  stage.consumer.onTick?.(MONDAY + 4000);
  t.same(ended.sort(), ['s2', 's3'], 'a forgotten session ends without a vector; the others end when idle');
  close(MONDAY + 5000);
});

t.test('features.maxClientIps', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxClientIps: 2 });
  feed(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip, i) => ({ ts: MONDAY + i, identity: 'user:x', clientIp: ip })));
  t.equal(counters.get('features.client_ips.evicted'), 1);
  t.equal(stage.view.forClientIp('10.0.0.1'), null);
  t.not(stage.view.forClientIp('10.0.0.3'), null);
  close(MONDAY + 10);
});

t.test('features.maxEndpoints', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxEndpoints: 2 });
  feed(['/a', '/b', '/c'].map((p, i) => ({ ts: MONDAY + i, path: p })));
  t.equal(counters.get('features.endpoints.evicted'), 1);
  t.equal(stage.view.forEndpoint({ host: 'api.example', method: 'GET', template: '/a' }), null);
  close(MONDAY + 10);
});

t.test('features.maxPairs: a forgotten pair leaves its identity too', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxPairs: 2 });
  feed(['/a', '/b', '/c'].map((p, i) => ({ ts: MONDAY + i, identity: 'user:x', path: p })));
  t.equal(counters.get('features.pairs.evicted'), 1);
  const x = stage.view.forIdentity('user:x');
  t.same([...(x?.pairs?.keys() ?? [])].sort(), ['GET api.example/b', 'GET api.example/c']);
  t.equal(stage.engine.pairs.size, 2);
  close(MONDAY + 10);
});

t.test('forgetting an identity forgets its pairs', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxIdentities: 1 });
  feed([
    { ts: MONDAY, identity: 'user:a', path: '/a' },
    { ts: MONDAY + 1, identity: 'user:b', path: '/a' },
  ]);
  t.equal(counters.get('features.identities.evicted'), 1);
  t.equal(stage.engine.pairs.size, 1, "only b's pair is left");
  t.equal(counters.get('features.pairs.evicted'), 0, 'not counted as the pair bound');
  close(MONDAY + 10);
});

t.test('features.maxIpsPerIdentity, maxUserAgentsPerIdentity, maxAsnsPerIdentity', async (t) => {
  const asn: Record<string, string> = { '10.0.0.1': 'AS1', '10.0.0.2': 'AS2', '10.0.0.3': 'AS3' };
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxIpsPerIdentity: 2, maxUserAgentsPerIdentity: 1, maxAsnsPerIdentity: 2 }, { asnOf: (ip) => asn[ip] ?? null });
  const specs: TxSpec[] = [
    { ts: MONDAY, clientIp: '10.0.0.1', userAgent: 'one' },
    { ts: MONDAY + 1, clientIp: '10.0.0.2', userAgent: 'one' },
    { ts: MONDAY + 2, clientIp: '10.0.0.3', userAgent: 'one' },
    { ts: MONDAY + 3, clientIp: '10.0.0.3', userAgent: 'two' },
  ];
  feed(specs.map((s) => ({ ...s, identity: 'user:x' })));
  t.equal(counters.get('features.identity_ips.overflow'), 2, 'both requests from the third IP');
  t.equal(counters.get('features.asns.overflow'), 2, 'both requests from the third network');
  // the identity and its client IP both keep one user agent
  t.equal(counters.get('features.user_agents.overflow'), 2);
  const x = stage.view.forIdentity('user:x');
  t.same(x?.ips.entries.map((e) => e.value), ['10.0.0.1', '10.0.0.2']);
  t.equal(x?.ips.overflow, 2);
  t.same(x?.userAgents.entries.map((e) => e.value), ['one']);
  close(MONDAY + 10);
});

t.test('features.maxBodyFieldsPerEndpoint', async (t) => {
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, maxBodyFieldsPerEndpoint: 2 });
  feed([{ ts: MONDAY, method: 'POST', path: '/users', reqBody: { name: 'a', email: 'b', role: 'c' }, status: 201 }]);
  t.equal(counters.get('features.body_fields.overflow'), 1);
  t.same([...(stage.view.forEndpoint({ host: 'api.example', method: 'POST', template: '/users' })?.fields.keys() ?? [])], ['name', 'email']);
  close(MONDAY + 10);
});

t.test('features.bodySampling.maxIdsPerBody', async (t) => {
  const { counters, feed, close } = openStage(null, { ...noAdmission, bodySampling: { maxIdsPerBody: 2 } });
  feed([{ ts: MONDAY, path: '/orders', respBody: [1, 2, 3, 4, 5].map((id) => ({ id })) }]);
  t.equal(counters.get('features.body.ids_truncated'), 1);
  close(MONDAY + 10);
});

t.test('features.idsSeenBits: a full generation of seen ids starts a new one', async (t) => {
  // 256 bits: two generations of 128 bits, 12 ids each
  const { stage, counters, feed, close } = openStage(null, { ...noAdmission, idsSeenBits: 256 });
  feed([{ ts: MONDAY, path: '/orders', respBody: Array.from({ length: 30 }, (_, i) => ({ id: i + 1 })) }]);
  t.equal(counters.get('features.ids_seen.rotated'), 2, 'at the 13th and the 25th id');
  const seen = stage.view.forIdentity('user:10.0.0.1')?.seen;
  t.equal(seen?.total, 30);
  t.equal(seen?.added, 6, 'the current generation holds the last 6');
  close(MONDAY + 10);
});

t.test('features.admitOnSecondRequest: identities used once get no baseline', async (t) => {
  const { stage, feed, close } = openStage(null, {});
  feed(Array.from({ length: 120 }, (_, i) => ({ ts: MONDAY + i, identity: `key:${i}`, path: '/a' })));
  t.equal(stage.engine.identities.size, 0, 'no baseline for 120 one-off tokens');
  t.equal(stage.engine.pairs.size, 0, 'nor pairs');
  const ep = stage.view.forEndpoint({ host: 'api.example', method: 'GET', template: '/a' });
  t.equal(ep?.totals[M_REQUESTS], 120, 'their requests still count on the endpoint');
  t.equal(stage.view.forClientIp('10.0.0.1')?.requests, 120, 'and on the client IP');
  feed([{ ts: MONDAY + 200, identity: 'key:7', path: '/a' }]);
  t.equal(stage.view.forIdentity('key:7')?.requests, 1, 'a second request admits it (and counts from there)');
  close(MONDAY + 300);
});

t.test('features.admissionBits: a full generation of the admission filter starts a new one', async (t) => {
  // 1024 bits: generations of 512 bits, 25 identities each (20 bits per identity)
  const { counters, feed, close } = openStage(null, { admissionBits: 1024 });
  feed(Array.from({ length: 120 }, (_, i) => ({ ts: MONDAY + i, identity: `key:${i}`, path: '/a' })));
  // at the 26th, 51st, 76th and 101st identity (a Bloom false positive would add none; hashes are fixed, so this is too)
  t.equal(counters.get('features.admission.rotated'), 4);
  close(MONDAY + 300);
});

t.test('features.maxRowsPerFlush: the rest wait for the next flush', async (t) => {
  const { stage, counters, feed, db, close } = openStage('rows-per-flush.db', { ...noAdmission, maxRowsPerFlush: 3, persistIntervalSec: 0 });
  // one request: an identity, a client IP, an endpoint, a pair and an open session (5 rows)
  feed([{ ts: MONDAY, identity: 'user:a', path: '/a' }]);
  t.equal(counters.get('features.flush.deferred'), 2, 'two rows wait');
  const rows = (): number => (db?.prepare('SELECT COUNT(*) AS n FROM baselines').get() as { n: number }).n;
  t.equal(rows(), 3);
  stage.consumer.flush?.(MONDAY + 1);
  t.equal(rows(), 5, 'written at the next flush');
  close(MONDAY + 10);
});

t.test('a bound lowered since the rows were written: the oldest rows are dropped at start', async (t) => {
  const first = openStage('lowered.db', { ...noAdmission });
  first.feed(['a', 'b', 'c', 'd', 'e'].map((u, i) => ({ ts: MONDAY + i, identity: `user:${u}` })));
  first.close(MONDAY + 10);
  const again = openStage('lowered.db', { ...noAdmission, maxIdentities: 3 });
  t.equal(again.counters.get('features.identities.evicted'), 2);
  t.same([...again.stage.engine.identities.byKey.keys()].sort(), ['user:c', 'user:d', 'user:e']);
  again.close(MONDAY + 20);
});
