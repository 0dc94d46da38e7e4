// Sliding windows and peaks on packet time. For several seeds of irregular traffic (quiet spells,
// bursts, gaps longer than a window), every window length's estimate at each request is checked
// against the exact count of requests in the window before it, computed here by brute force from
// the timestamps: it must lie between the requests since the current window's aligned start and the
// requests since one window length before that start. The peak must be the busiest aligned window
// and the history the counts of the finished active windows, both counted here by bucketing.
import t from 'tap';
import { IdentityBaseline } from '../../../src/features/identity-baseline';
import { M_REQUESTS, newObservation } from '../../../src/features/metrics';
import { hourOfWeek } from '../../../src/features/hour-of-week';
import { WindowCounts } from '../../../src/features/window-counts';
import { prng } from '../../helpers/prng';
import { MONDAY } from './helpers';

/** Arrival times: Poisson-like stretches at rates that change, bursts, and long silences. */
function arrivals(seed: number, n: number): number[] {
  const rnd = prng(seed);
  const out: number[] = [];
  let ts = MONDAY + rnd() * 3600;
  let rate = 0.5;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.01) rate = [0.01, 0.2, 2, 20][Math.floor(rnd() * 4)] as number; // requests per second
    if (rnd() < 0.002) ts += 3600 + rnd() * 7200; // a silence longer than every window
    ts += -Math.log(1 - rnd()) / rate;
    out.push(ts);
  }
  return out;
}

function countIn(times: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const x of times) if (x >= from && x <= to) n++;
  return n;
}

for (const seed of [1, 7, 42, 1234, 99999]) {
  t.test(`seed ${seed}: estimates, peaks and history of 1 min, 10 min and 1 h windows`, async (t) => {
    const times = arrivals(seed, 3000);
    const b = new IdentityBaseline('user:w', 1, times[0] as number, { historySize: 256, maxIps: 4, maxUserAgents: 4, maxAsns: 4 });
    const o = newObservation();
    let violations = 0;
    const windows: [string, number, () => number][] = [
      ['1m', 60, () => b.minute.estimate(0, o.ts)],
      ['10m', 600, () => (b.tenMinutes as WindowCounts).estimate(0, o.ts)],
      ['1h', 3600, () => b.hour.estimate(M_REQUESTS, o.ts)],
    ];
    const seen: number[] = [];
    for (const ts of times) {
      o.ts = ts;
      o.hourOfWeek = hourOfWeek(ts);
      b.advance(ts);
      b.count(o);
      seen.push(ts);
      for (const [name, len, estimate] of windows) {
        const start = Math.floor(ts / len) * len;
        const lower = countIn(seen, start, ts);
        const upper = countIn(seen, start - len, ts);
        const e = estimate();
        if (e < lower - 1e-9 || e > upper + 1e-9) {
          violations++;
          if (violations < 5) t.fail(`${name} at ${ts}: estimate ${e} outside [${lower}, ${upper}]`);
        }
      }
    }
    t.equal(violations, 0, 'every estimate lies between the current aligned window and one window more');

    for (const [name, len, w, history] of [
      ['1m', 60, b.minute, b.minuteHistory],
      ['10m', 600, b.tenMinutes as WindowCounts, b.tenMinuteHistory],
      ['1h', 3600, b.hour, b.hourHistory],
    ] as const) {
      const buckets = new Map<number, number>();
      for (const x of times) buckets.set(Math.floor(x / len), (buckets.get(Math.floor(x / len)) ?? 0) + 1);
      t.equal(w.peakCount(), Math.max(...buckets.values()), `${name}: peak is the busiest aligned window`);
      // finished windows are every bucket but the last, in time order; the history keeps the newest
      const finished = [...buckets.entries()].sort((a, z) => a[0] - z[0]).slice(0, -1).map(([, n]) => n);
      const kept = finished.slice(-256).sort((a, z) => a - z);
      const held = history ? Array.from({ length: history.count }, (_, i) => history.values[i * history.width] as number).sort((a, z) => a - z) : [];
      t.same(held, kept, `${name}: history holds the counts of the last finished active windows`);
    }
  });
}

t.test('even arrivals: the estimate is the exact sliding count within one request', async (t) => {
  const w = new WindowCounts(60, 1);
  const exact: number[] = [];
  let worst = 0;
  // 2 requests per second for 10 minutes
  for (let i = 0; i < 1200; i++) {
    const ts = MONDAY + 7 + i / 2;
    if (w.due(ts)) w.roll(ts);
    w.add(0, 1);
    exact.push(ts);
    if (ts > MONDAY + 120) worst = Math.max(worst, Math.abs(w.estimate(0, ts) - countIn(exact, ts - 60 + 1e-9, ts)));
  }
  t.ok(worst <= 1.0001, `largest error ${worst} requests (of 120 in a window)`);
});

t.test('reads age the windows on packet time without changing them', async (t) => {
  const w = new WindowCounts(60, 1);
  w.roll(MONDAY);
  w.add(0, 30);
  t.equal(w.estimate(0, MONDAY + 30), 30, 'inside the window: its count');
  t.equal(w.estimate(0, MONDAY + 90), 15, 'half a window later: half of it is still in the sliding minute');
  t.equal(w.estimate(0, MONDAY + 120), 0, 'two windows later: nothing');
  t.equal(w.cur(0), 30, 'the state did not move');
  w.roll(MONDAY + 60);
  t.equal(w.prev(0), 30, 'the next window keeps it as the previous one');
  w.roll(MONDAY + 300);
  t.equal(w.prev(0), 0, 'after a gap the previous window is empty');
  t.equal(w.peakCount(), 30, 'the peak survives');
});
