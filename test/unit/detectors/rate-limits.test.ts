// The rate-limit detector on hand-built weeks: a pair's limit is p99 of its 10-minute peaks × the
// margin per hour-of-week band, trusted with history; a minute just over it is one finding that
// recommends a throttle at that limit, a minute at it is not. Confounders: steady growth over
// weeks, a burst within the usual peak, a new identity. Bounds, idleness without features,
// analysts' verdicts, learning identities, and the learned limits surviving a restart.
import t from 'tap';
import path from 'node:path';
import type { Finding } from '../../../src/core/finding';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { NO_FEEDBACK_TUNING, NO_GEO } from '../../../src/detectors';
import { rateLimits } from '../../../src/detectors/rate-limits';
import { bandOf } from '../../../src/detectors/rate-limits-bands';
import { breachScore } from '../../../src/detectors/rate-limits-finding';
import { confidenceOf } from '../../../src/detectors/rate-limits-pair';
import { listRateLimits } from '../../../src/detectors/rate-limits-store';
import { openDatabase, type Db } from '../../../src/store/database';
import { openStage, tmp } from '../features/helpers';
import { call, harness, MONDAY, type Harness, type TxSpec } from './harness';

const DAY = 86400;
const ALICE = 'user:alice';
const ITEMS = '/items/{id}';

/** `n` requests of `identity` on GET /items/{id} within the minute starting at `start`. */
function burst(start: number, n: number, identity = ALICE, clientIp = '10.0.0.7'): TxSpec[] {
  return Array.from({ length: n }, (_, i) => ({ ts: start + 1 + (i * 55) / Math.max(1, n), identity, clientIp, path: `/items/${i + 1}`, template: ITEMS }));
}

/**
 * Working-hours history of one identity: on each day, 12 active 10-minute windows (09:00, 09:20 …)
 * whose busiest minute has peakOf(day, window) requests.
 */
function history(days: readonly number[], peakOf: (day: number, w: number) => number, identity = ALICE, clientIp = '10.0.0.7'): TxSpec[] {
  const out: TxSpec[] = [];
  for (const d of days) for (let w = 0; w < 12; w++) out.push(...burst(MONDAY + d * DAY + 9 * 3600 + w * 1200, peakOf(d, w), identity, clientIp));
  return out;
}

/** Mon–Wed, peaks 14–20 (two windows a day at 20): p99 = 20, limit 30 at the default margin 1.5. */
const usual = (): TxSpec[] => history([0, 1, 2], (_, w) => [14, 20, 17, 20][w % 4] as number);
/** The harness with the detector on a state database (in memory): what it learned is listed from there. */
function withStore(options: Record<string, unknown> = {}): Harness & { db: Db } {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const features = openStage(null);
  const findings: Finding[] = [];
  const detector = rateLimits.create(rateLimits.schema.parse(options), {
    report: (f) => findings.push(f),
    counters: features.counters,
    features: features.stage.view,
    feedback: NO_FEEDBACK_TUNING,
    geo: NO_GEO,
    store: { db, dbFile: ':memory:', maxPendingWrites: 1_000_000 },
  });
  return {
    db,
    findings,
    counters: features.counters,
    features,
    detector,
    feed(specs) {
      for (const s of specs) {
        const { tx, ctx } = call(s);
        features.stage.consumer.onTransaction(tx, ctx);
        detector.onTransaction(tx, ctx);
        features.stage.consumer.onTick?.(tx.ts);
        detector.onTick?.(tx.ts);
      }
    },
    tick(now) {
      features.stage.consumer.onTick?.(now);
      detector.onTick?.(now);
    },
  };
}

/** Thursday 10:00, working hours. */
const THURSDAY_10 = MONDAY + 3 * DAY + 10 * 3600;

t.test('bands: weekday working hours, weekday nights, weekends, in local time', async (t) => {
  const clock = { workdayStartHour: 8, workdayEndHour: 20, utcOffsetHours: 0 };
  t.equal(bandOf(MONDAY + 9 * 3600, clock), 0, 'Monday 09:00');
  t.equal(bandOf(MONDAY + 7 * 3600, clock), 1, 'Monday 07:00');
  t.equal(bandOf(MONDAY + 4 * DAY + 20 * 3600, clock), 1, 'Friday 20:00');
  t.equal(bandOf(MONDAY + 5 * DAY + 12 * 3600, clock), 2, 'Saturday noon');
  t.equal(bandOf(MONDAY + 6 * DAY + 23 * 3600, clock), 2, 'Sunday 23:00');
  t.equal(bandOf(MONDAY + 6 * DAY + 23 * 3600, { ...clock, utcOffsetHours: 2 }), 1, 'Sunday 23:00 UTC is Monday 01:00 at UTC+2');
  t.equal(bandOf(MONDAY + 7 * 3600, { ...clock, utcOffsetHours: -5 }), 1, 'Monday 07:00 UTC is Monday 02:00 at UTC-5');
});

t.test('confidence grows with peak windows and days; the score with the excess', async (t) => {
  t.equal(confidenceOf(0, 0, 12), 0, 'no history');
  t.equal(confidenceOf(12, 1, 12), 0.5, 'half at 12 windows over a day');
  t.equal(confidenceOf(200, 1, 12), 0.5, 'one day caps it, however many windows');
  t.ok(confidenceOf(120, 10, 12) > 0.9, 'ten days of windows');
  t.equal(breachScore(31, 30, 0.75).score.toFixed(3), (0.4 + 0.4 * (1 / 30 / 3) + 0.15).toFixed(3));
  t.equal(breachScore(120, 30, 1).score, 1, '4× the limit saturates');
});

t.test('fires just above the learned limit, with a throttle at that limit', async (t) => {
  const h = harness(rateLimits);
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 31));
  h.tick(THURSDAY_10 + 61);
  t.equal(h.findings.length, 1);
  const f = h.findings[0] as Finding;
  t.equal(f.detector, 'rate-limit');
  t.equal(f.identity, ALICE);
  t.equal(f.client, '10.0.0.7');
  t.same(f.endpoint, { host: 'api.example', method: 'GET', template: ITEMS });
  t.same(f.suggested, { action: 'throttle', limitPerMinute: 30 });
  t.equal(f.ts, THURSDAY_10 + 60, 'reported when the minute ends');
  t.ok(f.score >= 0.5 && f.score <= 1, `score ${f.score}`);
  t.match(f.explanation.summary, /user:alice called GET api\.example\/items\/\{id\} 31 times in one minute, over the limit of 30\/min .*weekday working hours/);
  t.ok(f.explanation.factors.length >= 2);
  for (const factor of f.explanation.factors) t.not(factor.baseline, undefined, `${factor.name} has its baseline`);
  const rate = f.explanation.factors.find((x) => x.name === 'requests_per_minute');
  t.same([rate?.value, rate?.baseline], [31, 30]);
  const confidence = f.explanation.factors.find((x) => x.name === 'limit_confidence');
  t.equal(confidence?.value, 0.75, '36 peak windows over 3 days');
  const shares = f.explanation.factors.reduce((s, x) => s + (x.contribution ?? 0), 0);
  t.ok(Math.abs(shares - 1) < 0.02, `contributions add up to 1 (${shares})`);
  t.ok(f.evidence.length >= 1 && f.evidence.length <= 2);
  t.equal(f.evidence[0]?.target, ITEMS, 'evidence shows the template, not the ids');
});

t.test('a quiet client gets the floor, not p99 × margin: 11 requests in a minute fire, 10 do not', async (t) => {
  const quiet = (): TxSpec[] => history([0, 1, 2], (_, w) => [2, 4, 3, 4][w % 4] as number);
  const over = harness(rateLimits);
  over.feed(quiet());
  over.feed(burst(THURSDAY_10, 11));
  over.tick(THURSDAY_10 + 61);
  t.equal(over.findings.length, 1);
  t.same(over.findings[0]?.suggested, { action: 'throttle', limitPerMinute: 10 });
  t.match(over.findings[0]?.explanation.summary, /p99 of its 36 ten-minute peaks 4\/min × 1\.5, raised to the floor of 10\/min; confidence 0\.75/);
  const at = harness(rateLimits);
  at.feed(quiet());
  at.feed(burst(THURSDAY_10, 10));
  at.tick(THURSDAY_10 + 61);
  t.same(at.findings, []);
});

t.test('silent just below: a minute at the limit', async (t) => {
  const h = harness(rateLimits);
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 30));
  h.tick(THURSDAY_10 + 61);
  t.same(h.findings, []);
});

t.test('confounder: a burst inside its normal peak, at another hour of the band', async (t) => {
  const h = harness(rateLimits);
  h.feed(usual());
  // its usual busiest minute, but at 17:00 rather than in the morning, and twice in a row
  h.feed(burst(MONDAY + 3 * DAY + 17 * 3600, 20));
  h.feed(burst(MONDAY + 3 * DAY + 17 * 3600 + 60, 20));
  h.tick(MONDAY + 3 * DAY + 18 * 3600);
  t.same(h.findings, []);
});

t.test('confounder: a client whose traffic grows steadily over weeks', async (t) => {
  const h = withStore();
  const db = h.db;
  // four weeks of weekdays, the busiest minute growing 20% a week (20/min in week 1, 35/min in week 4)
  const weekdays = [0, 1, 2, 3].flatMap((week) => [0, 1, 2, 3, 4].map((d) => week * 7 + d));
  const peak = (day: number, w: number): number => Math.round(20 * 1.2 ** (day / 7) * (w % 3 === 0 ? 1 : 0.8));
  h.feed(history(weekdays, peak));
  h.detector.close?.(MONDAY + 28 * DAY);
  t.same(h.findings, [], 'growth of 20% a week never crosses a limit that follows it');
  t.ok(peak(25, 0) > 30, `week 4 peaks at ${peak(25, 0)}/min, over what week 1 would have allowed (30)`);
  const day = listRateLimits(db).find((r) => r.band === 'weekday-day');
  t.ok(day && day.limitPerMinute >= Math.ceil(peak(25, 0) * 1.5) - 3, `the limit moved up with it (${day?.limitPerMinute}/min)`);
  db.close();
});

t.test('confounder: a new identity with no history gets no limit and never a finding', async (t) => {
  const h = withStore();
  const db = h.db;
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 400, 'user:newcomer', '10.0.0.99'));
  h.feed(burst(THURSDAY_10 + 60, 400, 'user:newcomer', '10.0.0.99'));
  h.tick(THURSDAY_10 + 3600);
  h.detector.close?.(THURSDAY_10 + 3600);
  t.same(h.findings, []);
  const rows = listRateLimits(db).filter((r) => r.identity === 'user:newcomer');
  t.same(rows, [], 'no limit yet (its first window is still open: confidence 0)');
  t.ok(listRateLimits(db).some((r) => r.identity === ALICE && r.confidence > 0.7), 'the known client has its limits');
  db.close();
});

t.test('an analyst verdict factor raises the threshold', async (t) => {
  const feedback = { factor: (detector: string, identity: string | null) => (detector === 'rate-limit' && identity === ALICE ? 2 : 1) };
  const below = harness(rateLimits, { feedback });
  below.feed(usual());
  below.feed(burst(THURSDAY_10, 31));
  below.tick(THURSDAY_10 + 61);
  t.same(below.findings, [], '31 is over the learned 30 but not over 2 × 30');
  const above = harness(rateLimits, { feedback });
  above.feed(usual());
  above.feed(burst(THURSDAY_10, 61));
  above.tick(THURSDAY_10 + 61);
  t.equal(above.findings.length, 1);
  t.same(above.findings[0]?.suggested, { action: 'throttle', limitPerMinute: 60 });
  t.match(above.findings[0]?.explanation.summary, /× 1\.5, × 2 after analysts' false-positive verdicts/);
});

t.test('idle without features', async (t) => {
  const h = harness(rateLimits, { noFeatures: true });
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 300));
  h.tick(THURSDAY_10 + 61);
  t.same(h.findings, []);
});

t.test('silent while the identity is still learning', async (t) => {
  const h = harness(rateLimits, { features: { learningPeriodSec: 30 * DAY } });
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 100));
  h.tick(THURSDAY_10 + 61);
  t.same(h.findings, []);
  t.equal(h.counters.get('detectors.rate-limits.learning'), 1);
});

t.test('one finding per identity per cooldown; an attack does not teach its own rate', async (t) => {
  const h = harness(rateLimits);
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 300));
  h.feed(burst(THURSDAY_10 + 60, 300));
  h.tick(THURSDAY_10 + 121);
  t.equal(h.findings.length, 1, 'the second minute is within the cooldown');
  t.equal(h.counters.get('detectors.rate-limits.cooldown'), 1);
  // an hour later, after the flooded windows were learned: the limit is still 30
  h.feed(burst(THURSDAY_10 + 3600, 31));
  h.tick(THURSDAY_10 + 3661);
  t.equal(h.findings.length, 2);
  t.same(h.findings[1]?.suggested, { action: 'throttle', limitPerMinute: 30 });
});

t.test('a response whose request was not captured is not counted (the features stage skipped it)', async (t) => {
  const h = harness(rateLimits);
  h.feed(usual());
  const specs = burst(THURSDAY_10, 31);
  for (const [i, s] of specs.entries()) {
    const { tx, ctx } = call(s);
    // every other call: only its response was captured
    const seen = i % 2 === 0 ? tx : { ...tx, method: null };
    h.features.stage.consumer.onTransaction(seen, ctx);
    h.detector.onTransaction(seen, ctx);
  }
  h.tick(THURSDAY_10 + 61);
  t.same(h.findings, [], '16 requests seen, not 31');
});

t.test('disabled: nothing', async (t) => {
  const h = harness(rateLimits, { options: { enabled: false } });
  h.feed(usual());
  h.feed(burst(THURSDAY_10, 300));
  h.tick(THURSDAY_10 + 61);
  t.same(h.findings, []);
});

t.test('bounds: pairs, cooldowns and open breaches are counted when full', async (t) => {
  const twoClients = (): TxSpec[] => [...usual(), ...history([0, 1, 2], (_, w) => [14, 20, 17, 20][w % 4] as number, 'user:bob', '10.0.0.8')].sort((a, b) => a.ts - b.ts);
  const pairs = harness(rateLimits, { options: { maxPairs: 1 } });
  pairs.feed(twoClients());
  t.ok(pairs.counters.get('detectors.rate-limits.pairs_evicted') > 0, 'a second pair evicts the first');

  const cooldowns = harness(rateLimits, { options: { maxCooldowns: 1 } });
  cooldowns.feed(twoClients());
  cooldowns.feed([...burst(THURSDAY_10, 40), ...burst(THURSDAY_10, 40, 'user:bob', '10.0.0.8')].sort((a, b) => a.ts - b.ts));
  cooldowns.tick(THURSDAY_10 + 61);
  t.equal(cooldowns.findings.length, 1);
  t.equal(cooldowns.counters.get('detectors.rate-limits.cooldowns_overflow'), 1);

  const open = harness(rateLimits, { options: { maxOpenBreaches: 1 } });
  open.feed(twoClients());
  open.feed([...burst(THURSDAY_10, 40), ...burst(THURSDAY_10, 40, 'user:bob', '10.0.0.8')].sort((a, b) => a.ts - b.ts));
  open.tick(THURSDAY_10 + 61);
  t.equal(open.findings.length, 1);
  t.equal(open.counters.get('detectors.rate-limits.breaches_overflow'), 1);
});

t.test('bound: pairs written per flush; the rest wait', async (t) => {
  const h = withStore({ maxRowsPerFlush: 1, persistIntervalSec: 0 });
  const db = h.db;
  h.feed([
    { ts: MONDAY, identity: ALICE, template: '/a', path: '/a' },
    { ts: MONDAY + 1, identity: ALICE, template: '/b', path: '/b' },
    { ts: MONDAY + 2, identity: ALICE, template: '/a', path: '/a' },
    { ts: MONDAY + 3, identity: ALICE, template: '/b', path: '/b' },
  ]);
  h.detector.flush?.(MONDAY + 4);
  t.equal(h.counters.get('detectors.rate-limits.flush_deferred'), 1);
  db.close();
});

t.test('a restart keeps the learned limits (state database)', async (t) => {
  const file = 'rate-limits-restart.db';
  const run = (specs: TxSpec[], end: number): Finding[] => {
    const features = openStage(file);
    const db = features.db as Db;
    const findings: Finding[] = [];
    const detector = rateLimits.create(rateLimits.schema.parse({}), {
      report: (f) => findings.push(f),
      counters: features.counters,
      features: features.stage.view,
      feedback: NO_FEEDBACK_TUNING,
      geo: NO_GEO,
      store: { db, dbFile: path.join(tmp, file), maxPendingWrites: 1_000_000 },
    });
    for (const s of specs) {
      const { tx, ctx } = call(s);
      features.stage.consumer.onTransaction(tx, ctx);
      detector.onTransaction(tx, ctx);
      features.stage.consumer.onTick?.(s.ts);
      detector.onTick?.(s.ts);
      features.stage.consumer.flush?.(s.ts);
      detector.flush?.(s.ts);
    }
    detector.onTick?.(end);
    detector.close?.(end);
    features.stage.consumer.close?.(end);
    db.close();
    return findings;
  };
  t.same(run(usual(), MONDAY + 3 * DAY), []);
  const check = openDatabase(path.join(tmp, file), ALL_MIGRATIONS);
  const day = listRateLimits(check).find((r) => r.identity === ALICE && r.band === 'weekday-day');
  // the last window (Wednesday 12:40) is stored open: it is learned when the next request shows it ended
  t.same([day?.limitPerMinute, day?.confidence, day?.peaks, day?.p99PeakPerMinute], [30, 0.745, 35, 20], 'stored: 30/min from 35 peaks');
  check.close();
  const after = run(burst(THURSDAY_10, 31), THURSDAY_10 + 61);
  t.equal(after.length, 1, 'the restarted detector enforces the limit it learned before');
  t.same(after[0]?.suggested, { action: 'throttle', limitPerMinute: 30 });
});

t.test('a stored row this version cannot read is skipped and counted; rows beyond the bound are trimmed', async (t) => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const insert = db.prepare('INSERT INTO rate_limits (identity, host, method, template, last_seen, limits, state) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insert.run(ALICE, 'api.example', 'GET', '/a', 2, '[]', '{"v":99}');
  insert.run(ALICE, 'api.example', 'GET', '/b', 1, '[]', 'not json');
  insert.run(ALICE, 'api.example', 'GET', '/c', 0, '[]', '{}');
  const features = openStage(null);
  rateLimits.create(rateLimits.schema.parse({ maxPairs: 2 }), {
    report: () => {},
    counters: features.counters,
    features: features.stage.view,
    feedback: NO_FEEDBACK_TUNING,
    geo: NO_GEO,
    store: { db, dbFile: ':memory:', maxPendingWrites: 1000 },
  });
  t.equal(features.counters.get('detectors.rate-limits.state_unreadable'), 2);
  t.equal(features.counters.get('detectors.rate-limits.pairs_evicted'), 1, 'the oldest row beyond maxPairs');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM rate_limits').get() as { n: number }).n, 2);
  db.close();
});
