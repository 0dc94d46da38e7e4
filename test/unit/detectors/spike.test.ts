// The spike detector on hand-built days: 22 office clients (8 requests a minute for 20 minutes each
// morning) teach what a typical client's busy minute is; known clients are judged against their own
// rate at that hour-of-week band. Fires just above and stays silent just below each bar, and stays
// silent on its confounders: the daily peak every client shares, a client always busy at one hour,
// a new client's first normal session, many users behind one NAT address.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import type { FeedbackTuning } from '../../../src/detectors';
import { spike, spikeSchema } from '../../../src/detectors/spike';
import { harness, MONDAY, type TxSpec } from './harness';

const DAY = 86400;
const PEERS = 22;

/** `perMinute` requests in each of `minutes` minutes from `start` (aligned to a minute), evenly spread over 50 s. */
function burst(base: Omit<TxSpec, 'ts'>, start: number, perMinute: number, minutes = 1): TxSpec[] {
  const out: TxSpec[] = [];
  for (let m = 0; m < minutes; m++) for (let i = 0; i < perMinute; i++) out.push({ ...base, ts: start + m * 60 + 1 + (i * 50) / perMinute });
  return out;
}

const peer = (n: number): Omit<TxSpec, 'ts'> => ({ identity: `user:peer${n}`, clientIp: `10.1.0.${n}`, path: '/api/items', status: 200 });
const alice: Omit<TxSpec, 'ts'> = { identity: 'user:alice', clientIp: '10.2.0.1', path: '/api/items', status: 200 };
const bob: Omit<TxSpec, 'ts'> = { identity: 'user:bob', clientIp: '10.2.0.2', path: '/api/items', status: 200 };

interface Office {
  /** Peers also come at noon at this rate (0: not). */
  noonPerMinute?: number;
  /** Bob's daily burst at 17:00 (0: no Bob). */
  bobBurst?: number;
}

/** Days 0–2 (Monday to Wednesday): the office's mornings; Alice at 10 a minute. */
function office(o: Office = {}): TxSpec[] {
  const out: TxSpec[] = [];
  for (let d = 0; d < 3; d++) {
    const day = MONDAY + d * DAY;
    for (let n = 1; n <= PEERS; n++) {
      out.push(...burst(peer(n), day + 9 * 3600, 8, 20));
      if (o.noonPerMinute) out.push(...burst(peer(n), day + 12 * 3600, o.noonPerMinute, 10));
    }
    out.push(...burst(alice, day + 9 * 3600 + 1800, 10, 20));
    if (o.bobBurst) {
      out.push(...burst(bob, day + 9 * 3600, 10, 30));
      out.push(...burst(bob, day + 17 * 3600, o.bobBurst, 5));
    }
  }
  return out;
}

/** Thursday at hh:mm. */
const thursday = (hh: number, mm = 0): number => MONDAY + 3 * DAY + hh * 3600 + mm * 60;

function run(specs: TxSpec[], opts: Parameters<typeof harness>[1] = {}): Finding[] {
  const h = harness(spike, opts);
  h.feed([...specs].sort((a, b) => a.ts - b.ts));
  return h.findings;
}

const stranger: Omit<TxSpec, 'ts'> = { identity: null, clientIp: '203.0.113.9', path: '/api/items', status: 401, userAgent: 'python-requests/2.31' };

t.test('a new client: fires just above ten times a typical busy minute, silent just below', async (t) => {
  // every office minute holds 8 or 10 requests: the 95th percentile is 11.15 in the histogram's
  // bin [8, 11.3), so the bar is 111.5 requests a minute
  const above = run([...office(), ...burst(stranger, thursday(10), 115)]);
  t.equal(above.length, 1, 'one finding');
  const f = above[0] as Finding;
  t.equal(f.detector, 'spike');
  t.equal(f.client, '203.0.113.9');
  t.match(f.explanation.summary, /typical client/);
  t.equal(f.suggested?.action, 'throttle');
  t.ok((f.suggested?.limitPerMinute ?? 0) >= 20 && (f.suggested?.limitPerMinute ?? 0) <= 24, `throttle at twice the baseline rate (${f.suggested?.limitPerMinute})`);
  t.ok(f.explanation.factors.length >= 2, 'at least two factors');
  for (const x of f.explanation.factors) t.ok(x.baseline !== undefined && x.contribution !== undefined, `${x.name} has a baseline and a contribution`);
  const first = f.explanation.factors[0];
  t.equal(first?.name, 'requests_1m_vs_typical_client', 'the rate against the baseline rate it was judged by');
  t.equal(f.suggested?.limitPerMinute, Math.ceil((first?.baseline as number) * 2), 'the limit is that baseline rate times the headroom');
  t.ok(f.evidence.length > 0 && f.evidence.length <= 4, 'a few evidence items');
  t.ok(f.score >= 0.5 && f.score <= 1);
  const below = run([...office(), ...burst(stranger, thursday(10), 105)]);
  t.equal(below.length, 0, 'silent at 105 a minute');
});

t.test('a known client: fires just above five times its own busy minute, silent just below', async (t) => {
  const above = run([...office(), ...burst(alice, thursday(10), 52)]);
  t.equal(above.length, 1);
  t.equal(above[0]?.identity, 'user:alice');
  t.match(above[0]?.explanation.summary ?? '', /its usual busiest minute/);
  t.equal(above[0]?.suggested?.limitPerMinute, 20, 'throttle at twice its own busy minute');
  t.equal(run([...office(), ...burst(alice, thursday(10), 48)]).length, 0, 'silent at 48 a minute');
});

t.test('confounder: the daily peak every client shares raises a known client bar at that hour', async (t) => {
  // peers go from 8 to 40 a minute at noon every day; Alice, who never came at noon, comes at 60
  // (six times her morning rate): the typical client is five times busier then (capped at 4)
  const findings = run([...office({ noonPerMinute: 40 }), ...burst(alice, thursday(12), 60, 3)]);
  t.equal(findings.length, 0, 'no finding at the shared peak');
  t.equal(run([...office({ noonPerMinute: 40 }), ...burst(alice, thursday(12), 60, 3)], { options: { maxSharedPeak: 1 } }).length, 1, 'without the shared peak allowance it would be one');
  // the same 60 a minute in the morning is a spike for her
  t.equal(run([...office({ noonPerMinute: 40 }), ...burst(alice, thursday(10), 60)]).length, 1, 'a finding in the morning');
});

t.test('confounder: a client always busy at one hour is its own normal then', async (t) => {
  // Bob sends 10 a minute each morning and 80 a minute from 17:00 every day, Monday to Wednesday:
  // on Tuesday and Wednesday at 17:00 his last active minutes are the morning's (10 a minute)
  const days = office({ bobBurst: 80 });
  t.equal(run(days).length, 0, 'no finding at 17:00');
  // at another hour the same burst is a spike
  t.equal(run([...days, ...burst(bob, MONDAY + 2 * DAY + 14 * 3600, 80)]).length, 1, 'a finding at 14:00');
});

t.test("confounder: a new client's first normal session", async (t) => {
  const newcomer: Omit<TxSpec, 'ts'> = { identity: 'user:newcomer', clientIp: '10.3.0.1', path: '/api/items', status: 200 };
  t.equal(run([...office(), ...burst(newcomer, thursday(11), 12, 30)]).length, 0, 'a busy first session at 12 a minute');
  t.equal(run([...office(), ...burst(newcomer, thursday(11), 30, 5)]).length, 0, 'nor at three times a typical busy minute');
});

t.test('confounder: many users behind one NAT address', async (t) => {
  // 20 users from one new address, each at a typical 8 a minute: 160 a minute from the address
  const nat: TxSpec[] = [];
  for (let k = 0; k < 20; k++) nat.push(...burst({ identity: `user:nat${k}`, clientIp: '198.51.100.7', path: '/api/items', status: 200 }, thursday(10), 8, 3));
  t.equal(run([...office(), ...nat]).length, 0, 'the address is judged per identity behind it');
  // one identity alone from a new address at 160 a minute is a spike
  t.equal(run([...office(), ...burst({ identity: 'user:solo', clientIp: '198.51.100.8', path: '/api/items', status: 200 }, thursday(10), 160)]).length, 1);
});

t.test('the feedback factor raises the bar', async (t) => {
  const feedback: FeedbackTuning = { factor: (d) => (d === 'spike' ? 2 : 1) };
  t.equal(run([...office(), ...burst(stranger, thursday(10), 115)], { feedback }).length, 0, 'silent at 115 with the factor 2');
  t.equal(run([...office(), ...burst(stranger, thursday(10), 230)], { feedback }).length, 1, 'fires at 230');
});

t.test('a cooldown: one finding per client for a long flood', async (t) => {
  t.equal(run([...office(), ...burst(stranger, thursday(10), 300, 10)]).length, 1);
});

t.test('idle without features, and when disabled', async (t) => {
  const specs = [...office(), ...burst(stranger, thursday(10), 300)];
  t.equal(run(specs, { noFeatures: true }).length, 0, 'no features stage');
  t.equal(run(specs, { options: { enabled: false } }).length, 0, 'disabled');
});

t.test('new clients are not judged before the peers are known', async (t) => {
  // on Monday morning only four clients were seen
  const early: TxSpec[] = [];
  for (let n = 1; n <= 4; n++) early.push(...burst(peer(n), MONDAY + 9 * 3600, 8, 20));
  t.equal(run([...early, ...burst(stranger, MONDAY + 10 * 3600, 300)]).length, 0);
});

t.test('bound: the clients followed', async (t) => {
  const h = harness(spike, { options: { maxClients: 2 } });
  h.feed([...office()].sort((a, b) => a.ts - b.ts));
  t.ok(h.counters.get('detectors.spike.clients_overflow') > 0, 'the overflow is counted');
});

t.test('options: strict, with defaults', async (t) => {
  t.throws(() => spikeSchema.parse({ minPerMinut: 3 }), 'an unknown option is refused');
  const o = spikeSchema.parse({});
  t.equal(o.enabled, true);
  t.equal(o.minPerMinute, 30);
});
