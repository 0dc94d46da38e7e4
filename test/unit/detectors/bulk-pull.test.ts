// The bulk-pull detector on hand-built weeks: six office users and Alice each list 20 items three
// times an hour (60 records) and read three single orders (3 records), 09:00–17:59, Monday to
// Wednesday. Alice's usual hour is 63 records and one identity's hour on the items list is about 62
// (the peers' norm, read from a log histogram): with both margins at 4 the bar on Thursday morning
// is 252 records. Fires just above and stays silent just below, and stays silent on its
// confounders: a job that pulls a lot every night at 02:00, a user whose volume grows for weeks.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import type { FeedbackTuning } from '../../../src/detectors';
import { bulkPull, bulkPullSchema } from '../../../src/detectors/bulk-pull';
import { harness, MONDAY, type TxSpec } from './harness';

const DAY = 86400;
const HOUR = 3600;
const PEERS = ['user:p1', 'user:p2', 'user:p3', 'user:p4', 'user:p5', 'user:p6'];

function items(n: number): { id: number; name: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `item-${String(i).padStart(5, '0')}` }));
}

/** One list call returning `records` items. */
function list(identity: string, ts: number, records: number): TxSpec {
  return { identity, clientIp: ipOf(identity), ts, path: '/api/items', query: 'limit=100&token=s3cr3t', respBody: items(records) };
}

/** One single-order read (one record). */
function order(identity: string, ts: number, id: number): TxSpec {
  return { identity, clientIp: ipOf(identity), ts, path: `/api/orders/${id}`, template: '/api/orders/{id}', respBody: { id, total: 12.5, status: 'paid' } };
}

function ipOf(identity: string): string {
  let h = 0;
  for (const c of identity) h = (h * 31 + c.charCodeAt(0)) % 250;
  return `10.0.${h}.${(h * 7) % 250}`;
}

/** An office hour: three lists of `perList` records and three order reads. */
function officeHour(identity: string, start: number, perList = 20): TxSpec[] {
  return [list(identity, start + 600, perList), order(identity, start + 900, 1), list(identity, start + 1800, perList), order(identity, start + 2100, 2), list(identity, start + 3000, perList), order(identity, start + 3300, 3)];
}

/** Office hours 09:00–17:59 of `days` days from Monday for the peers and Alice. */
function office(days = 3, who: readonly string[] = [...PEERS, 'user:alice']): TxSpec[] {
  const out: TxSpec[] = [];
  for (let d = 0; d < days; d++) for (let h = 9; h <= 17; h++) for (const id of who) out.push(...officeHour(id, MONDAY + d * DAY + h * HOUR));
  return out;
}

/** `calls` list calls of `perList` records spread over 50 minutes from `start`. */
function pull(identity: string, start: number, calls: number, perList = 20): TxSpec[] {
  return Array.from({ length: calls }, (_, i) => list(identity, start + 30 + (i * 3000) / calls, perList));
}

const thursday = (hh: number): number => MONDAY + 3 * DAY + hh * HOUR;

function run(specs: TxSpec[], opts: Parameters<typeof harness>[1] = {}): Finding[] {
  const h = harness(bulkPull, opts);
  h.feed([...specs].sort((a, b) => a.ts - b.ts));
  return h.findings;
}

t.test('fires just above its own usual hour and its peers, silent just below', async (t) => {
  const above = run([...office(), ...pull('user:alice', thursday(10), 13)]);
  t.equal(above.length, 1, '260 records in an hour');
  const f = above[0] as Finding;
  t.equal(f.detector, 'bulk-pull');
  t.equal(f.identity, 'user:alice');
  t.same(f.endpoint, { host: 'api.example', method: 'GET', template: '/api/items' });
  t.match(f.explanation.summary, /records/);
  t.ok(f.explanation.factors.length >= 2);
  for (const x of f.explanation.factors) t.ok(x.baseline !== undefined && x.contribution !== undefined, `${x.name} has a baseline and a contribution`);
  const own = f.explanation.factors.find((x) => x.name === 'records_1h');
  t.equal(own?.baseline, 63, "its own usual hour (the 90th percentile of its past hours)");
  t.ok(f.evidence.length > 0 && f.evidence.length <= 4);
  t.notOk(JSON.stringify(f).includes('s3cr3t'), 'no query value leaves in the finding');
  t.ok(f.score >= 0.45 && f.score <= 1);
  t.equal(f.suggested?.action, 'observe', 'a pull just over the bar is for an analyst to look at');
  t.equal(run([...office(), ...pull('user:alice', thursday(10), 12)]).length, 0, '240 records: silent');
});

t.test('outside its usual hours the bar is lower', async (t) => {
  // 240 records, silent at 10:00, are a pull at 03:00 (the bars times 0.75)
  const night = run([...office(), ...pull('user:alice', thursday(3), 12)]);
  t.equal(night.length, 1);
  t.match(night[0]?.explanation.summary ?? '', /rarely active/);
  t.equal(run([...office(), ...pull('user:alice', thursday(3), 9)]).length, 0, '180 records at 03:00: silent');
});

t.test('many calls that each return little: the sum matters', async (t) => {
  const calls: TxSpec[] = Array.from({ length: 300 }, (_, i) => order('user:alice', thursday(10) + 10 + i * 10, 1000 + i));
  const findings = run([...office(), ...calls]);
  t.equal(findings.length, 1, '300 single-record reads in an hour');
  t.equal(findings[0]?.endpoint?.template, '/api/orders/{id}');
  t.equal(run([...office(), ...calls.slice(0, 200)]).length, 0, '200 of them: silent (under four times its usual 63 records)');
});

t.test('a big, clear pull suggests revoking the credential', async (t) => {
  // 1000 records at once at 02:00: sixteen times her usual hour and her peers'
  const findings = run([...office(), ...pull('user:alice', thursday(2), 3, 1000)]);
  t.equal(findings.length, 1);
  t.equal(findings[0]?.suggested?.action, 'revoke-token');
  t.ok((findings[0]?.score ?? 0) >= 0.8);
});

t.test('an identity still learning is judged against its peers, with a higher bar', async (t) => {
  // a new user's first hour: eight times the peers' 62 records is about 497
  const findings = run([...office(), ...pull('user:newbie', thursday(10), 26)]);
  t.equal(findings.length, 1, '520 records');
  t.match(findings[0]?.explanation.summary ?? '', /learning period/);
  t.equal(run([...office(), ...pull('user:newbie', thursday(10), 24)]).length, 0, '480 records: silent');
});

t.test("a pull's own hours do not raise its own bar", async (t) => {
  // a new user works two usual hours, then pulls 300 records in one hour and 600 in the next:
  // once the first of those hours is in its history, that history's 90th percentile is about 253
  const newbie: TxSpec[] = [...officeHour('user:newbie', thursday(8)), ...officeHour('user:newbie', thursday(9)), ...pull('user:newbie', thursday(10), 15), ...pull('user:newbie', thursday(11), 30)];
  const findings = run([...office(), ...newbie]);
  t.equal(findings.length, 1, 'judged against its usual hour from before the pull');
  // its first call was not counted (an identity gets a baseline from its second request)
  t.ok(((findings[0]?.explanation.factors.find((x) => x.name === 'records_1h')?.baseline as number) ?? 0) < 70, 'its two usual hours');
});

t.test('confounder: a job that pulls a lot every night at 02:00 is its own normal', async (t) => {
  // the export key also lists 20 items once an hour from 06:00 to 21:59, so among its last 24
  // active hours at most two are nights: only its band at 02:00 says that 2000 records then are usual
  const job = (night: number, calls: number): TxSpec[] => pull('key:export', MONDAY + night * DAY + 2 * HOUR, calls, 100);
  const week = [...office(6)];
  for (let night = 0; night < 6; night++) {
    week.push(...job(night, 20));
    for (let h = 6; h <= 21; h++) week.push(list('key:export', MONDAY + night * DAY + h * HOUR + 1200, 20));
  }
  const findings = run(week);
  t.equal(findings.length, 0, 'six nights of 2000 records at 02:00');
  // the same 2000 records at 14:00 are not its normal
  const day = run([...week, ...job(6, 20).map((s) => ({ ...s, ts: s.ts + 12 * HOUR }))]);
  t.equal(day.length, 1, 'its nightly volume in the afternoon');
  t.equal(day[0]?.identity, 'key:export');
  // nor ten times as much at 02:00
  t.equal(run([...week, ...job(6, 200)]).length, 1, 'ten times its nightly pull');
});

t.test('confounder: a user whose volume grows slowly for four weeks', async (t) => {
  // Alice's lists grow 8% a day: from 20 to about 160 records, eight times her peers by the end
  const specs: TxSpec[] = [];
  let perList = 20;
  for (let d = 0; d < 28; d++) {
    const day = MONDAY + d * DAY;
    for (let h = 9; h <= 17; h++) {
      for (const id of PEERS) specs.push(...officeHour(id, day + h * HOUR));
      specs.push(...officeHour('user:alice', day + h * HOUR, Math.round(perList)));
    }
    perList *= 1.08;
  }
  t.equal(run(specs).length, 0, 'no finding over four weeks');
  // the next morning she takes five times her current hour
  t.equal(run([...specs, ...pull('user:alice', MONDAY + 28 * DAY + 10 * HOUR, 15, Math.round(perList))]).length, 1, 'a jump is still a pull');
});

t.test('the feedback factor raises the bar', async (t) => {
  const feedback: FeedbackTuning = { factor: (d, identity) => (d === 'bulk-pull' && identity === 'user:alice' ? 2 : 1) };
  t.equal(run([...office(), ...pull('user:alice', thursday(10), 13)], { feedback }).length, 0, '260 records: silent with the factor 2');
  t.equal(run([...office(), ...pull('user:alice', thursday(10), 26)], { feedback }).length, 1, '520 records: a pull');
});

t.test('idle without features, and when disabled', async (t) => {
  const specs = [...office(), ...pull('user:alice', thursday(2), 60, 50)];
  t.equal(run(specs, { noFeatures: true }).length, 0, 'no features stage');
  t.equal(run(specs, { options: { enabled: false } }).length, 0, 'disabled');
});

t.test('endpoints without peers are not judged', async (t) => {
  // only Alice ever lists the archive
  const archive: TxSpec[] = [];
  for (let d = 0; d < 3; d++) for (let h = 9; h <= 17; h++) archive.push({ ...list('user:alice', MONDAY + d * DAY + h * HOUR + 1200, 20), path: '/api/archive' });
  const big = pull('user:alice', thursday(10), 60, 50).map((s) => ({ ...s, path: '/api/archive' }));
  t.equal(run([...office(), ...archive, ...big]).length, 0);
});

t.test('bounds: identities and endpoints followed', async (t) => {
  const a = harness(bulkPull, { options: { maxIdentities: 2 } });
  a.feed(office(1).sort((x, y) => x.ts - y.ts));
  t.ok(a.counters.get('detectors.bulk-pull.identities_overflow') > 0, 'identities overflow counted');
  const b = harness(bulkPull, { options: { maxEndpoints: 1 } });
  b.feed(office(1).sort((x, y) => x.ts - y.ts));
  t.ok(b.counters.get('detectors.bulk-pull.endpoints_overflow') > 0, 'endpoints overflow counted');
});

t.test('options: strict, with defaults', async (t) => {
  t.throws(() => bulkPullSchema.parse({ minRecords: 3 }), 'an unknown option is refused');
  const o = bulkPullSchema.parse({});
  t.equal(o.enabled, true);
  t.equal(o.ownMargin, 4);
  t.equal(o.peerMargin, 4);
});
