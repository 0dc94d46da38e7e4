// The feature schema, and the vectors of a hand-built sequence whose features are worked out here
// from the sequence itself. Alice, on Monday 10:00:00 UTC, one request a second from one IP with two
// user agents: lists her orders (ids 1, 2, 3 shown to her), reads orders 1, 2 and 3, then 7 (403) and
// 8 (404), which she was never shown, creates two orders (the second with a field the endpoint never
// received, `isAdmin`), and checks her profile. Every body is read (learnReads 1, sample every 1).
// Distinct counts come from 64-register sketches: they are checked to within 10%.
import t, { type Test } from 'tap';
import {
  FEATURE_SCHEMA_VERSION,
  IDENTITY_INDEX,
  IDENTITY_WINDOW_FEATURES,
  normaliseVector,
  PAIR_INDEX,
  PAIR_WINDOW_FEATURES,
  schemaFingerprint,
  SESSION_FEATURES,
  SESSION_INDEX,
  type FeatureSpec,
} from '../../../src/features/feature-schema';
import type { SessionEnd } from '../../../src/features/types';
import { MONDAY, openStage, type TxSpec } from './helpers';

const T0 = MONDAY + 10 * 3600; // Monday 10:00:00 UTC
const ORDER = '/orders/{id:int}';

const sequence: TxSpec[] = [
  { path: '/orders', respBody: [{ id: 1, total: 10 }, { id: 2, total: 20 }, { id: 3, total: 30 }] },
  { path: '/orders/1', template: ORDER, respBody: { id: 1, total: 10 } },
  { path: '/orders/2', template: ORDER, respBody: { id: 2, total: 20 } },
  { path: '/orders/3', template: ORDER, respBody: { id: 3, total: 30 }, userAgent: 'mobile-app/2.0' },
  { path: '/orders/7', template: ORDER, status: 403, respBody: { error: 'forbidden' } },
  { path: '/orders/8', template: ORDER, status: 404, respBody: { error: 'not found' } },
  { method: 'POST', path: '/orders', reqBody: { item: 'book', qty: 1 }, status: 201, respBody: { id: 100 } },
  { method: 'POST', path: '/orders', reqBody: { item: 'pen', qty: 2, isAdmin: true }, status: 201, respBody: { id: 101 } },
  { path: '/me', respBody: { name: 'alice' } },
  { path: '/me', respBody: { name: 'alice' } },
].map((s, i) => ({ ...s, ts: T0 + i, identity: 'user:alice', clientIp: '10.0.0.1' }));

function close(t: Test, actual: number | undefined, expected: number, what: string, tolerance = 1e-4): void {
  t.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} (expected ${expected})`);
}

t.test('the schema: versioned, unique names, documented, numeric', async (t) => {
  t.equal(FEATURE_SCHEMA_VERSION, 1);
  for (const [name, schema] of [
    ['identity-window', IDENTITY_WINDOW_FEATURES],
    ['session', SESSION_FEATURES],
    ['pair-window', PAIR_WINDOW_FEATURES],
  ] as [string, readonly FeatureSpec[]][]) {
    t.equal(new Set(schema.map((s) => s.name)).size, schema.length, `${name}: names are unique`);
    t.ok(schema.every((s) => /^[a-z0-9_]+$/.test(s.name) && s.unit !== '' && s.description.endsWith('.')), `${name}: every feature has a unit and a description`);
    t.match(schemaFingerprint(schema), /^[0-9a-f]{8}$/, `${name}: fingerprint`);
  }
  t.not(schemaFingerprint(IDENTITY_WINDOW_FEATURES), schemaFingerprint(SESSION_FEATURES));
  const raw = new Float32Array(IDENTITY_WINDOW_FEATURES.length).fill(0);
  raw[IDENTITY_INDEX['requests_1h'] as number] = Math.E - 1;
  raw[IDENTITY_INDEX['requests_1h_z'] as number] = -10;
  raw[IDENTITY_INDEX['error_404_ratio_1h'] as number] = 0.25;
  const n = normaliseVector(IDENTITY_WINDOW_FEATURES, raw);
  close(t, n[IDENTITY_INDEX['requests_1h'] as number], 1, 'log1p');
  close(t, n[IDENTITY_INDEX['requests_1h_z'] as number], -1, 'z / 10');
  close(t, n[IDENTITY_INDEX['error_404_ratio_1h'] as number], 0.25, 'ratio as is');
});

t.test('identity-window, pair-window and session vectors of the hand-built sequence', async (t) => {
  const sessions: SessionEnd[] = [];
  const { stage, feed, close: closeStage } = openStage(
    null,
    { admitOnSecondRequest: false, bodySampling: { learnReads: 1, sampleEvery: 1, requestSampleEvery: 1 } },
    { asnOf: (ip) => (ip === '10.0.0.1' ? 'AS64500' : null) },
  );
  stage.view.onSessionEnd((s) => sessions.push(s));
  feed(sequence);
  const now = T0 + 9.5;
  const alice = stage.view.forIdentity('user:alice');
  if (alice === null) throw new Error('no baseline for alice');
  const v = stage.view.identityVector(alice, now);
  t.equal(v.length, IDENTITY_WINDOW_FEATURES.length, 'one value per feature');
  const f = (name: string): number | undefined => v[IDENTITY_INDEX[name] as number];

  // all ten requests fall in the current minute, 10-minute and hour windows, none before them
  close(t, f('requests_1m'), 10, 'requests_1m');
  close(t, f('requests_10m'), 10, 'requests_10m');
  close(t, f('requests_1h'), 10, 'requests_1h');
  for (const z of ['requests_1m_z', 'requests_10m_z', 'requests_1h_z', 'templates_1h_z', 'object_ids_1h_z', 'bytes_1h_z', 'records_1h_z']) close(t, f(z), 0, `${z} (no finished window yet)`);
  close(t, f('requests_1h_median'), 0, 'requests_1h_median (no finished hour)');
  close(t, f('peak_1m'), 10, 'peak_1m');
  close(t, f('error_401_ratio_1h'), 0, '401 share');
  close(t, f('error_403_ratio_1h'), 1 / 10, '403 share: order 7');
  close(t, f('error_404_ratio_1h'), 1 / 10, '404 share: order 8');
  close(t, f('error_429_ratio_1h'), 0, '429 share');
  close(t, f('error_5xx_ratio_1h'), 0, '5xx share');
  close(t, f('templates_1h'), 4, 'templates: GET /orders, GET /orders/{id}, POST /orders, GET /me', 0.1);
  close(t, f('object_ids_1h'), 5, 'object ids: 1, 2, 3, 7, 8', 0.1);
  // five requests carried ids after the list showed 1, 2, 3: 7 and 8 were never shown
  close(t, f('unseen_id_ratio_1h'), 2 / 5, 'unseen id share');
  const bytes = sequence.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(s.respBody)), 0);
  close(t, f('bytes_1h'), bytes, 'response bytes');
  // records in 2xx JSON bodies: the list holds 3, each order, created order and profile 1
  close(t, f('records_1h'), 3 + 3 + 2 + 2, 'records');
  close(t, f('new_body_fields_1h'), 1, 'new body field: isAdmin');
  close(t, f('hour_of_week_activity'), 168, 'every request of her life at this hour of the week');
  close(t, f('hour_of_day_activity'), 24, 'and at this hour of the day');
  // nine gaps of 1 s: the histogram bin of [512, 1024) ms, read as its geometric middle
  close(t, f('think_time_median_s'), (512 * Math.SQRT2) / 1000, 'think time median');
  close(t, f('session_think_time_s'), 1, 'session think time (geometric mean)');
  close(t, f('ips_1h'), 1, 'IPs in the hour');
  close(t, f('ips_total'), 1, 'IPs in all');
  close(t, f('user_agents_1h'), 2, 'user agents in the hour');
  close(t, f('asns_1h'), 1, 'autonomous systems in the hour');
  close(t, f('age_days'), 9.5 / 86400, 'age');
  close(t, f('learning'), 1, 'learning (first day)');

  const later = stage.view.identityVector(alice, T0 + 3600 + 1800);
  close(t, later[IDENTITY_INDEX['requests_1h'] as number], 5, 'half an hour after the window: half its requests still count');

  const pair = stage.view.forPair('user:alice', { host: 'api.example', method: 'GET', template: ORDER });
  if (pair === null) throw new Error('no pair baseline');
  const p = stage.view.pairVector(pair, now);
  const g = (name: string): number | undefined => p[PAIR_INDEX[name] as number];
  close(t, g('requests_1m'), 5, 'pair requests_1m');
  close(t, g('requests_1h'), 5, 'pair requests_1h');
  close(t, g('error_403_ratio_1h'), 1 / 5, 'pair 403 share');
  close(t, g('error_404_ratio_1h'), 1 / 5, 'pair 404 share');
  close(t, g('object_ids_1h'), 5, 'pair object ids', 0.1);
  close(t, g('object_ids_total'), 5, 'pair object ids in all', 0.1);
  close(t, g('unseen_id_ratio_1h'), 2 / 5, 'pair unseen share');
  close(t, g('records_1h'), 3, 'pair records: orders 1, 2, 3');

  // a tick after 30 idle minutes ends the session and hands its vector over
  stage.consumer.onTick?.(T0 + 9 + 1801);
  t.equal(sessions.length, 1, 'one session ended');
  const s = sessions[0] as SessionEnd;
  t.equal(s.identity, 'user:alice');
  t.equal(s.start, T0);
  t.equal(s.end, T0 + 9);
  const h = (name: string): number | undefined => s.vector[SESSION_INDEX[name] as number];
  close(t, h('duration_s'), 9, 'session duration');
  close(t, h('requests'), 10, 'session requests');
  close(t, h('requests_per_min'), 10, 'session requests per minute (shorter than a minute counts as one)');
  close(t, h('error_403_ratio'), 0.1, 'session 403 share');
  close(t, h('templates'), 4, 'session templates', 0.1);
  close(t, h('object_ids'), 5, 'session object ids', 0.1);
  close(t, h('unseen_id_ratio'), 0.4, 'session unseen share');
  close(t, h('bytes'), bytes, 'session bytes');
  close(t, h('records'), 10, 'session records');
  close(t, h('new_body_fields'), 1, 'session new fields');
  close(t, h('think_time_s'), 1, 'session think time');
  close(t, h('ip_changes'), 0, 'no IP change');
  close(t, h('hour_of_week_activity'), 168, 'session at her usual hour');
  close(t, h('identity_age_days'), 0, 'a new identity');
  close(t, h('learning'), 1, 'learning');
  closeStage(T0 + 4000);
});
