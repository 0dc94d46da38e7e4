// The enumeration / BOLA detector on hand-built traffic behind a real features stage: a walk of
// distinct ids backed by 403/404s fires just above its floor and not below; a sequential run of
// query ids fires at its floor; the confounders stay silent (a support role reading records it was
// listed, in order, with 200s; a user paging its own list; a client retrying one missing id); peers
// and the identity's own history raise the bars; analysts' feedback raises them; every bound
// counts; without features the detector is idle; and the id helpers agree with the features stage.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import { enumeration } from '../../../src/detectors/enumeration';
import { idHash, idName, numericId, pathId, queryId, compileIdParam, type IdRange } from '../../../src/detectors/enumeration-ids';
import { hashString } from '../../../src/core/hashing';
import { harness, MONDAY, type TxSpec } from './harness';

const ORDERS = '/api/orders/{id:int}';
const LIST = '/api/orders';
const REPORT = '/api/report';
const T0 = MONDAY + 60;

/** Non-sequential ids (steps of 37: never a run), starting at `from`. */
const scattered = (n: number, from = 1000): number[] => Array.from({ length: n }, (_, i) => from + i * 37);

/** One identity asking for `ids` on the orders template, one call every `gap` seconds. */
function walk(identity: string, ids: readonly number[], opts: { status?: (i: number) => number; t0?: number; gap?: number; ip?: (i: number) => string } = {}): TxSpec[] {
  const t0 = opts.t0 ?? T0;
  const gap = opts.gap ?? 10;
  return ids.map((id, i) => ({
    ts: t0 + i * gap,
    identity,
    clientIp: opts.ip ? opts.ip(i) : '203.0.113.7',
    path: `/api/orders/${id}`,
    template: ORDERS,
    status: opts.status ? opts.status(i) : 404,
    respBodyLen: 40,
  }));
}

/** A list response showing `ids` to the identity (read by the features stage: its first reads are). */
function list(identity: string, ids: readonly number[], ts: number): TxSpec {
  return { ts, identity, clientIp: '198.51.100.4', path: LIST, template: LIST, status: 200, respBody: ids.map((id) => ({ id })) };
}

/** A first call, so the features stage admits the identity (it keeps a baseline from the second request). */
const hello = (identity: string, ts: number): TxSpec => ({ ts, identity, path: '/api/me', template: '/api/me', status: 200 });

const only = (findings: Finding[]): Finding[] => findings.filter((f) => f.detector === 'enumeration');

t.test('a walk of distinct ids answered 404 fires just above the floor, not below', async (t) => {
  const below = harness(enumeration);
  below.feed(walk('user:mallory', scattered(45)));
  t.equal(only(below.findings).length, 0, '45 distinct ids (floor 50): silent');

  const above = harness(enumeration);
  above.feed(walk('user:mallory', scattered(56)));
  const found = only(above.findings);
  t.equal(found.length, 1, '56 distinct ids: one finding');
  const f = found[0] as Finding;
  t.equal(f.identity, 'user:mallory');
  t.equal(f.client, '203.0.113.7');
  t.same(f.endpoint, { host: 'api.example', method: 'GET', template: ORDERS });
  t.ok(f.score > 0 && f.score <= 1, `score ${f.score}`);
  t.ok(f.explanation.factors.length >= 2, 'at least two factors');
  for (const factor of f.explanation.factors) {
    t.ok(factor.baseline !== undefined, `${factor.name} has a baseline`);
    t.ok(factor.contribution !== undefined && factor.contribution >= 0 && factor.contribution <= 1, `${factor.name} has a contribution`);
  }
  const distinct = f.explanation.factors.find((x) => x.name === 'distinct_object_ids');
  t.ok(distinct && (distinct.value as number) >= 50 && distinct.baseline === 50, 'distinct ids against the floor');
  t.ok(f.evidence.length > 0 && f.evidence.length <= 5, 'a few evidence items');
  t.ok(f.evidence.every((e) => e.target === ORDERS), 'evidence shows the template, never an id');
  t.notMatch(f.explanation.summary, /\b1000\b|\b1037\b/, 'no id in the summary');
  t.ok(f.suggested !== undefined, 'a suggested response');
  t.equal(above.counters.get('detectors.enumeration.findings'), 1);
});

t.test('the 403/404 share backs a walk just above its bar, not below; the cooldown keeps one finding per identity', async (t) => {
  // 100 distinct ids with 200s, one in eight answered 404 (12.5%) or one in six (16.7%): the bar is 15%
  const below = harness(enumeration);
  below.feed(walk('user:carol', scattered(100), { status: (i) => (i % 8 === 0 ? 404 : 200) }));
  t.equal(only(below.findings).length, 0, '12.5% 403/404: silent');
  const above = harness(enumeration);
  above.feed(walk('user:carol', scattered(100), { status: (i) => (i % 6 === 0 ? 404 : 200) }));
  t.equal(only(above.findings).length, 1, '16.7% 403/404: fires');

  const long = harness(enumeration);
  long.feed(walk('user:mallory', scattered(90), { gap: 5 }));
  t.equal(only(long.findings).length, 1, 'a walk that keeps going (90 ids): one finding within the cooldown');
  long.feed(walk('user:mallory', scattered(100, 500000), { gap: 5, t0: T0 + 3700 }));
  t.equal(only(long.findings).length, 2, 'after the cooldown, reported again once it has doubled');
});

t.test('a sequential run of query ids fires at its floor, even with 200s', async (t) => {
  // after one other request: an identity's first has no baseline yet (admission), so it is not tracked
  const run = (n: number): TxSpec[] => [
    hello('user:eve', T0 - 5),
    ...Array.from({ length: n }, (_, i) => ({ ts: T0 + i * 600, identity: 'user:eve', path: REPORT, template: REPORT, query: `report_id=${5 + i}`, status: 200, respBodyLen: 300 })),
  ];
  const below = harness(enumeration);
  below.feed(run(19));
  t.equal(only(below.findings).length, 0, 'a run of 19: silent');
  const at = harness(enumeration);
  at.feed(run(20));
  const found = only(at.findings);
  t.equal(found.length, 1, 'a run of 20 (one every 10 minutes): fires');
  const runFactor = found[0]?.explanation.factors.find((x) => x.name === 'sequential_id_run');
  t.same([runFactor?.value, runFactor?.baseline], [20, 20], 'the run against its bar');

  const longer = harness(enumeration);
  longer.feed(run(45));
  t.same(
    only(longer.findings).map((f) => f.explanation.factors.find((x) => x.name === 'sequential_id_run')?.value),
    [20, 40],
    'a run that goes on is reported again when it has doubled, not at every step',
  );
});

t.test('confounder: a support role reading, in order and with 200s, the records it was listed', async (t) => {
  const ids = Array.from({ length: 120 }, (_, i) => 5000 + i);
  const listed = harness(enumeration);
  // the list pages first (list → detail), then every record of them, in order
  listed.feed([hello('user:support', T0 - 5), ...[0, 1, 2, 3].map((p) => list('user:support', ids.slice(p * 30, p * 30 + 30), T0 + p))]);
  listed.feed(walk('user:support', ids, { t0: T0 + 10, status: () => 200 }));
  t.equal(only(listed.findings).length, 0, '120 listed ids read in order: silent');

  // the same reads by someone shown other ids only: a run of ids never shown to it
  const guessed = harness(enumeration);
  guessed.feed([hello('user:guess', T0 - 5), ...[0, 1, 2, 3].map((p) => list('user:guess', scattered(30, 90000 + p * 5000), T0 + p))]);
  guessed.feed(walk('user:guess', ids, { t0: T0 + 10, status: () => 200 }));
  const found = only(guessed.findings);
  t.equal(found.length, 1, 'the same run over ids never shown: fires');
  const unseen = found[0]?.explanation.factors.find((x) => x.name === 'unseen_id_share');
  t.equal(unseen?.value, 1, 'every id judged unseen');

  // many records with 200s in no order, ids not listed (a support desk), below the unseen-only bar
  const desk = harness(enumeration);
  desk.feed([hello('user:desk', T0 - 5), list('user:desk', scattered(30, 90000), T0)]);
  desk.feed(walk('user:desk', scattered(90), { t0: T0 + 10, status: () => 200 }));
  t.equal(only(desk.findings).length, 0, '90 unlisted records with 200s (bar for unseen-only walks: 100): silent');
  desk.feed(walk('user:desk', scattered(25, 70000), { t0: T0 + 1000, status: () => 200 }));
  t.equal(only(desk.findings).length, 1, 'past 100 ids never shown to it: fires');
});

t.test('confounder: a user paging through its own list', async (t) => {
  const h = harness(enumeration);
  const pages: TxSpec[] = [];
  for (let i = 0; i < 100; i++) {
    pages.push({ ts: T0 + i * 5, identity: 'user:bob', path: LIST, template: LIST, query: `limit=10&offset=${i * 10}`, status: 200, respBodyLen: 900 });
    pages.push({ ts: T0 + i * 5 + 1, identity: 'user:bob', path: '/api/posts', template: '/api/posts', query: `page=${i + 1}&per_page=20`, status: 200, respBodyLen: 900 });
  }
  h.feed(pages);
  t.equal(only(h.findings).length, 0, 'offset and page are not ids: silent');
});

t.test('confounder: a client retrying one missing id', async (t) => {
  const h = harness(enumeration);
  h.feed(walk('user:flaky', Array.from({ length: 300 }, () => 4242), { gap: 2 }));
  t.equal(only(h.findings).length, 0, '300 retries of one id, all 404: silent');
});

t.test('the spread form: one identity walking from many IPs', async (t) => {
  const h = harness(enumeration);
  h.feed(walk('user:botnet', scattered(60), { ip: (i) => `192.0.2.${1 + (i % 12)}` }));
  const f = only(h.findings)[0];
  const ips = f?.explanation.factors.find((x) => x.name === 'client_ips');
  t.ok(ips !== undefined && (ips.value as number) >= 10, `client IPs counted (${String(ips?.value)})`);
  t.match(f?.explanation.summary ?? '', /client IPs/);
});

t.test('peers on the template raise the bar', async (t) => {
  const h = harness(enumeration);
  // twelve peers each read 40 ids an hour (200s); their windows close with their next call
  for (let p = 0; p < 12; p++) h.feed(walk(`user:peer${p}`, scattered(40, 100000 * (p + 1)), { status: () => 200, gap: 1, t0: T0 + p * 60 }));
  for (let p = 0; p < 12; p++) h.feed(walk(`user:peer${p}`, [7], { status: () => 200, t0: T0 + 3600 + p }));
  h.feed(walk('user:mallory', scattered(75, 5_000_000), { t0: T0 + 3600 + 20 }));
  t.equal(only(h.findings).length, 0, 'peers read about 40 an hour: 75 ids with 404s stay under twice that');
  h.feed(walk('user:mallory', scattered(30, 7_000_000), { t0: T0 + 3600 + 800 }));
  t.equal(only(h.findings).length, 1, 'past twice the peers: fires');
});

t.test("the identity's own history raises the bar once it is past learning", async (t) => {
  const features = { learningPeriodSec: 0, learningMinRequests: 0 };
  // two hours of 80 ids each (200s), then a quiet hour, then 80 ids answered 404
  const history = (identity: string): TxSpec[] => [
    ...walk(identity, scattered(80, 10000), { status: () => 200, gap: 20 }),
    ...walk(identity, scattered(80, 20000), { status: () => 200, gap: 20, t0: T0 + 3600 }),
  ];
  const later = T0 + 3 * 3600;
  const known = harness(enumeration, { features });
  known.feed(history('user:batch'));
  known.feed(walk('user:batch', scattered(80, 30000), { t0: later }));
  t.equal(only(known.findings).length, 0, 'a job that reads 80 an hour: 80 with 404s is under 1.5 × its busiest hour');

  const fresh = harness(enumeration, { features });
  fresh.feed(walk('user:batch2', scattered(80, 30000), { t0: later }));
  t.equal(only(fresh.findings).length, 1, 'the same walk by an identity without that history fires');

  // a day later the detector's own track is long forgotten; the features stage's pair history is not
  const nextDay = harness(enumeration, { features });
  nextDay.feed(history('user:batch3'));
  nextDay.tick(T0 + 20 * 3600);
  nextDay.feed(walk('user:batch3', scattered(80, 30000), { t0: T0 + 20 * 3600 + 60 }));
  t.equal(nextDay.counters.get('detectors.enumeration.findings'), 0, "the pair's hourly history still raises the bar");
});

t.test("analysts' feedback raises the thresholds", async (t) => {
  const feedback = { factor: (d: string, id: string | null) => (d === 'enumeration' && id === 'user:mallory' ? 2 : 1) };
  const h = harness(enumeration, { feedback });
  h.feed(walk('user:mallory', scattered(60)));
  t.equal(only(h.findings).length, 0, 'factor 2: 60 ids under a bar of 100');
  h.feed(walk('user:mallory', scattered(60, 900000), { t0: T0 + 600 + 60 }));
  t.equal(only(h.findings).length, 1, 'past 100 ids: fires');
  t.equal(only(h.findings)[0]?.explanation.factors.find((x) => x.name === 'distinct_object_ids')?.baseline, 100);
});

t.test('every bound counts when hit', async (t) => {
  const tracks = harness(enumeration, { options: { maxTracks: 2 } });
  // single-use keys (one request each, never admitted as identities) take no track
  tracks.feed(Array.from({ length: 5 }, (_, i) => walk(`key:once${i}`, [100 + i], { t0: T0 - 100 + i })).flat());
  t.equal(tracks.counters.get('detectors.enumeration.tracks_overflow') ?? 0, 0, 'keys used once take no track');
  tracks.feed([...walk('user:a', [1, 4]), ...walk('user:b', [2, 5]), ...walk('user:c', [3, 6])]);
  t.equal(tracks.counters.get('detectors.enumeration.tracks_overflow'), 1, 'a third (identity, template) is counted, not kept');

  const endpoints = harness(enumeration, { options: { maxEndpoints: 1 } });
  endpoints.feed([...walk('user:a', [1]), { ts: T0 + 5, identity: 'user:a', path: '/api/users/9', template: '/api/users/{id:int}', status: 200 }]);
  t.equal(endpoints.counters.get('detectors.enumeration.endpoints_overflow'), 1, 'a second template is counted, not kept');

  const swept = harness(enumeration, { options: { maxTracks: 1 } });
  swept.feed(walk('user:a', [1]));
  swept.tick(T0 + 7 * 3600);
  swept.feed(walk('user:b', [2], { t0: T0 + 7 * 3600 + 1 }));
  t.equal(swept.counters.get('detectors.enumeration.tracks_overflow'), 0, 'idle tracks are forgotten, making room');
});

t.test('without the features stage the detector is idle', async (t) => {
  const h = harness(enumeration, { noFeatures: true });
  h.feed(walk('user:mallory', scattered(200)));
  t.equal(h.findings.length, 0);
});

t.test('disabled, it is idle', async (t) => {
  const h = harness(enumeration, { options: { enabled: false } });
  h.feed(walk('user:mallory', scattered(200)));
  t.equal(h.findings.length, 0);
});

t.test('the id helpers', async (t) => {
  const out: IdRange = { text: '', start: 0, end: 0 };
  const text = (r: IdRange): string => r.text.slice(r.start, r.end);
  t.ok(pathId('/api/v2/vehicle/ab-12/location', compileIdParam('/vehicle/{id:uuid}/location'), out) && text(out) === 'ab-12', 'a spec template without the base path');
  t.ok(pathId('/img/981.gif', compileIdParam('/img/{id:int}.gif'), out) && text(out) === '981', 'literal suffix kept out');
  t.ok(pathId('/users/7/orders/42/', compileIdParam('/users/{a}/orders/{b}'), out) && text(out) === '42', 'the last parameter, trailing slash');
  t.notOk(pathId('/users', compileIdParam('/users'), out), 'no parameter');
  t.notOk(pathId('/a/b', compileIdParam('/a/{overflow}'), out), 'overflow template');
  t.ok(queryId('limit=10&report_id=55&x=1', out) && text(out) === '55', 'first id-named parameter');
  t.ok(queryId('userId=abc', out) && text(out) === 'abc');
  t.notOk(queryId('limit=10&offset=20&page=3', out), 'paging is not an id');
  t.notOk(queryId('id=&paid=1&valid=2', out), 'empty value, words ending in "id"');
  t.same(['id', '_id', 'uuid', 'guid', 'orderId', 'orderID', 'report_id', 'car_uuid', 'carUuid'].filter((n) => idName(n, 0, n.length)).length, 9);
  t.same(['paid', 'valid', 'Id', 'grid', 'ID', 'offset'].filter((n) => idName(n, 0, n.length)), []);
  t.equal(numericId({ text: 'x123', start: 1, end: 4 }), 123);
  t.ok(Number.isNaN(numericId({ text: '12a', start: 0, end: 3 })));
  t.ok(Number.isNaN(numericId({ text: '1234567890123456', start: 0, end: 16 })), 'too long for a number');
  for (const v of ['42', 'a9c75358-6d54-41be-b823-820196de8700', 'x']) t.equal(idHash({ text: `/${v}`, start: 1, end: v.length + 1 }), hashString(v), `same hash as the features stage (${v})`);
});
