// The mass-assignment detector on hand-built request bodies behind a real features stage: a
// privileged-looking field an endpoint never received, another new field once peers confirm nobody
// else sends it, a value type change; silent while the endpoint learns, on a new API version every
// client adopts, on optional fields seen before, on data-like keys; every bound counted.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import { massAssignment } from '../../../src/detectors/mass-assignment';
import { BodyFields, fieldKey } from '../../../src/detectors/mass-assignment-fields';
import { isPrivilegedName } from '../../../src/detectors/mass-assignment-names';
import { harness, MONDAY, type TxSpec } from './harness';

const ORDERS = '/api/orders';

/** A POST (or `method`) of `body` to `path` by `user:<who>` from 10.1.<who>. */
function post(ts: number, who: number, body: unknown, over: Partial<TxSpec> = {}): TxSpec {
  return { ts, identity: `user:u${who}`, clientIp: `10.1.0.${who}`, method: 'POST', path: ORDERS, template: ORDERS, status: 201, reqBody: body, ...over };
}

/** `n` ordinary order bodies from clients 1..`clients` (the endpoint learns from them). */
function learning(n: number, clients = 5, from = MONDAY, extra: (i: number) => Record<string, unknown> = () => ({})): TxSpec[] {
  return Array.from({ length: n }, (_, i) => post(from + i * 60, 1 + (i % clients), { product_id: i, quantity: 1 + (i % 3), ...extra(i) }));
}

const LATER = MONDAY + 3600;
const tampered = (ts = LATER, who = 66, extra: Record<string, unknown> = { isAdmin: true }) => post(ts, who, { product_id: 1, quantity: 1, ...extra });

function only(findings: Finding[]): Finding {
  if (findings.length !== 1) throw new Error(`expected one finding, got ${findings.length}`);
  return findings[0] as Finding;
}

t.test('a privileged-looking field the endpoint never received: one explained finding, no values', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10));
  h.feed([tampered(LATER, 66, { isAdmin: true, role: 'admin-secret-value' })]);
  const f = only(h.findings);
  t.equal(f.detector, 'mass-assignment');
  t.equal(f.identity, 'user:u66');
  t.equal(f.client, '10.1.0.66');
  t.same(f.endpoint, { host: 'api.example', method: 'POST', template: ORDERS });
  t.ok(f.score >= 0.9, 'two privileged fields raise the score');
  t.ok(f.explanation.factors.length >= 2);
  for (const x of f.explanation.factors) {
    t.ok(x.baseline !== undefined, `${x.name} has a baseline`);
    t.ok(x.contribution !== undefined, `${x.name} has a contribution`);
  }
  t.match(f.explanation.summary, /isAdmin, role/);
  t.equal(f.suggested?.action, 'block');
  t.ok(f.evidence.length >= 1);
  t.notMatch(JSON.stringify(f), /admin-secret-value/, 'no value in the finding');
});

t.test('while the endpoint learns it is silent: one body, or one identity, short', async (t) => {
  const bodies = harness(massAssignment);
  bodies.feed(learning(9));
  bodies.feed([tampered()]);
  t.equal(bodies.findings.length, 0, '9 bodies: still learning');
  const enough = harness(massAssignment);
  enough.feed(learning(10));
  enough.feed([tampered()]);
  t.equal(enough.findings.length, 1, '10 bodies from 5 clients: judged');
  const clients = harness(massAssignment);
  clients.feed(learning(20, 4));
  clients.feed([tampered()]);
  t.equal(clients.findings.length, 0, '4 clients: still learning');
  const oneIp = harness(massAssignment);
  oneIp.feed(learning(20).map((s) => ({ ...s, clientIp: '10.9.9.9' })));
  oneIp.feed([tampered()]);
  t.equal(oneIp.findings.length, 0, 'five accounts from one address teach as one client');
});

t.test('minScore: fires at the score, silent just above it', async (t) => {
  const at = harness(massAssignment, { options: { minScore: 0.85 } });
  at.feed(learning(10));
  at.feed([tampered()]);
  t.equal(at.findings.length, 1);
  const above = harness(massAssignment, { options: { minScore: 0.86 } });
  above.feed(learning(10));
  above.feed([tampered()]);
  t.equal(above.findings.length, 0);
});

t.test("an analyst's verdict raises the threshold", async (t) => {
  const seen: string[] = [];
  const h = harness(massAssignment, {
    feedback: {
      factor: (detector, identity) => {
        seen.push(`${detector} ${identity ?? '-'}`);
        return 1.2;
      },
    },
  });
  h.feed(learning(10));
  h.feed([tampered()]);
  t.equal(h.findings.length, 1, '0.85 ≥ 0.5 × 1.2');
  t.same(seen, ['mass-assignment user:u66']);
  const strict = harness(massAssignment, { feedback: { factor: () => 2 } });
  strict.feed(learning(10));
  strict.feed([tampered()]);
  t.equal(strict.findings.length, 0, '0.85 < 0.5 × 2');
});

t.test('idle without the features stage', async (t) => {
  const h = harness(massAssignment, { noFeatures: true });
  h.feed(learning(10));
  h.feed([tampered()]);
  t.equal(h.findings.length, 0);
  t.equal(h.counters.get('detectors.mass-assignment.bodies_read'), 0);
});

t.test('another new field: reported once confirmBodies bodies of other clients lack it, not one before', async (t) => {
  const run = (others: number) => {
    const h = harness(massAssignment);
    h.feed(learning(10));
    h.feed([tampered(LATER, 66, { gift_wrap: true })]);
    h.feed(learning(others, 5, LATER + 60));
    return h;
  };
  t.equal(run(9).findings.length, 0, '9 peers: not yet');
  const h = run(10);
  const f = only(h.findings);
  t.equal(f.identity, 'user:u66');
  t.match(f.explanation.summary, /gift_wrap/);
  t.ok(f.explanation.factors.some((x) => x.name === 'peerBodiesWithoutField' && x.value === 10 && x.baseline === 10));
  t.equal(f.suggested?.action, 'observe');
});

t.test('a confirmation that comes later than pendingSec is dropped', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10));
  h.feed([tampered(LATER, 66, { gift_wrap: true })]);
  h.feed(learning(10, 5, LATER + 3601));
  t.equal(h.findings.length, 0);
  t.equal(h.counters.get('detectors.mass-assignment.pending_expired'), 1);
});

t.test('a value type change: judged after minTypeSamples typed values, not before', async (t) => {
  const run = (n: number) => {
    const h = harness(massAssignment);
    h.feed(learning(n));
    h.feed([post(LATER, 66, { product_id: 1, quantity: { $gt: 0 } })]);
    return h;
  };
  t.equal(run(19).findings.length, 0, '19 numbers');
  const f = only(run(20).findings);
  t.ok(f.explanation.factors.some((x) => x.name === 'fieldTypeChanged' && x.value === 'quantity: object' && x.baseline === 'number in 100% of 20 bodies'));
  t.equal(f.suggested?.action, 'observe');
  const nulls = harness(massAssignment);
  nulls.feed(learning(20));
  nulls.feed([post(LATER, 66, { product_id: 1, quantity: null })]);
  t.equal(nulls.findings.length, 0, 'null fits any type');
});

t.test('confounder: a new API version whose field every client adopts', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10));
  // after the deploy, clients 1..5 send `currency`, then keep sending it
  h.feed(learning(30, 5, LATER, () => ({ currency: 'EUR' })));
  t.equal(h.findings.length, 0);
  t.equal(h.counters.get('detectors.mass-assignment.fields_adopted'), 1);
  // a privileged-looking one: its first two sources are reported, then it is part of the API
  const p = harness(massAssignment);
  p.feed(learning(10));
  p.feed(learning(30, 5, LATER, () => ({ discount: 0 })));
  t.equal(p.findings.length, 2);
  t.same(
    p.findings.map((f) => f.identity),
    ['user:u1', 'user:u2'],
  );
  t.equal(p.counters.get('detectors.mass-assignment.fields_adopted'), 1);
});

t.test('confounder: optional fields rarely sent but seen before', async (t) => {
  const h = harness(massAssignment);
  // while learning, one client once sent `nickname`, two clients once sent `discount`
  h.feed(learning(20, 5, MONDAY, (i) => (i === 3 ? { nickname: 'x' } : i === 6 || i === 12 ? { discount: 5 } : {})));
  h.feed([tampered(LATER, 66, { nickname: 'y', discount: 10 })]);
  h.feed(learning(20, 5, LATER + 60));
  t.equal(h.findings.length, 0);
});

t.test('a privileged field one client sent while the endpoint learned stays judged', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(20, 5, MONDAY, (i) => (i === 4 ? { role: 'admin' } : {})));
  h.feed([tampered(LATER, 66, { role: 'admin' })]);
  const f = only(h.findings);
  t.ok(f.explanation.factors.some((x) => x.name === 'identitiesSendingField' && x.value === 2));
});

t.test('accounts churned from one address are one source: the field is never adopted, one finding per cooldown', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10));
  h.feed(Array.from({ length: 6 }, (_, i) => post(LATER + i * 10, 100 + i, { product_id: 1, quantity: 1, role: 'admin' }, { clientIp: '10.7.7.7' })));
  t.equal(h.findings.length, 1, 'the address is cooling down');
  t.equal(h.counters.get('detectors.mass-assignment.fields_adopted'), 0);
  h.feed([post(LATER + 700, 200, { product_id: 1, quantity: 1, role: 'admin' }, { clientIp: '10.7.7.7' })]);
  t.equal(h.findings.length, 2, 'after the cooldown');
});

t.test('a few sources among many clients without the field do not make it part of the API', async (t) => {
  const h = harness(massAssignment, { options: { cooldownSec: 0 } });
  h.feed(learning(10));
  h.feed([tampered(LATER, 66, { role: 'x' })]);
  h.feed(learning(20, 5, LATER + 60));
  h.feed([tampered(LATER + 2000, 67, { role: 'x' }), tampered(LATER + 2001, 68, { role: 'x' })]);
  t.equal(h.counters.get('detectors.mass-assignment.fields_adopted'), 0, '3 sources against 20 bodies without it');
  t.same(
    h.findings.map((f) => f.score),
    [0.85, 0.567],
    'the third source weighs under the threshold',
  );
});

t.test('sources count within adoptWindowSec: senders far apart each weigh as the only one', async (t) => {
  const h = harness(massAssignment, { options: { maxSendersPerField: 2, adoptWindowSec: 100 } });
  h.feed(learning(10));
  h.feed([tampered(LATER, 66, { role: 'x' }), tampered(LATER + 700, 67, { role: 'x' }), tampered(LATER + 1400, 68, { role: 'x' })]);
  t.equal(h.findings.length, 3);
  for (const f of h.findings) t.ok(f.explanation.factors.some((x) => x.name === 'identitiesSendingField' && x.value === 1));
  t.equal(h.counters.get('detectors.mass-assignment.fields_adopted'), 0);
  const close = harness(massAssignment);
  close.feed(learning(10));
  close.feed([tampered(LATER, 66, { role: 'x' }), tampered(LATER + 700, 67, { role: 'x' })]);
  t.ok(close.findings[1]?.explanation.factors.some((x) => x.name === 'identitiesSendingField' && x.value === 2), 'within a day: two sources');
});

t.test('a PUT on one object is judged against the POST of its collection while it learns', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10));
  h.feed([post(LATER, 66, { product_id: 1, quantity: 1, status: 'refunded' }, { method: 'PUT', path: '/api/orders/17', template: '/api/orders/{id:int}' })]);
  const f = only(h.findings);
  t.equal(f.endpoint?.method, 'PUT');
  t.ok(f.explanation.factors.some((x) => x.name === 'privilegedFieldNeverReceived' && x.value === 'status' && x.baseline === 'not among the fields of POST /api/orders'));
  const quiet = harness(massAssignment);
  quiet.feed(learning(10));
  quiet.feed([post(LATER, 66, { product_id: 1, quantity: 2 }, { method: 'PUT', path: '/api/orders/17', template: '/api/orders/{id:int}' })]);
  t.equal(quiet.findings.length, 0, 'the fields of the POST');
});

t.test('form bodies: bracketed names, privileged nested fields', async (t) => {
  const form = (ts: number, who: number, text: string): TxSpec => post(ts, who, text, { reqContentType: 'application/x-www-form-urlencoded' });
  const h = harness(massAssignment);
  h.feed(Array.from({ length: 10 }, (_, i) => form(MONDAY + i * 60, 1 + (i % 5), `user%5Bname%5D=a${i}&user[email]=b`)));
  h.feed([form(LATER, 66, 'user[name]=x&user[email]=y&user[is_staff]=1')]);
  t.match(only(h.findings).explanation.summary, /user\.is_staff/);
});

t.test('data-like keys collapse: a map keyed by ids is one field', async (t) => {
  const h = harness(massAssignment);
  h.feed(learning(10, 5, MONDAY, (i) => ({ items: { [String(1000 + i)]: 1 } })));
  h.feed([tampered(LATER, 66, { items: { '99999': 2, 'a1b2c3d4e5f6': 1 } })]);
  h.feed(learning(20, 5, LATER + 60, (i) => ({ items: { [String(5000 + i)]: 1 } })));
  t.equal(h.findings.length, 0);
  t.equal(fieldKey('12345'), '*');
  t.equal(fieldKey('3f2a9c1e-77aa'), '*');
  t.equal(fieldKey('someone@example.com'), '*');
  t.equal(fieldKey('address2'), 'address2');
  t.equal(fieldKey('owner_id'), 'owner_id');
});

t.test('privileged names: camelCase and snake_case, not ordinary fields', async (t) => {
  for (const name of ['isAdmin', 'is_admin', 'admin', 'role', 'roles', 'user.permissions', 'is_staff', 'is_superuser', 'verified', 'emailVerified', 'balance', 'available_credit', 'price', 'unitPrice', 'discount', 'owner', 'owner_id', 'ownerId', 'user_id', 'accountId', 'authorid', 'status', 'items[].price']) {
    t.ok(isPrivilegedName(name), name);
  }
  for (const name of ['is_pinned', 'quantity', 'product_id', 'title', 'content', 'email', 'password', 'vin', 'controller', '*']) t.notOk(isPrivilegedName(name), name);
});

t.test('bounds: each one counted when hit', async (t) => {
  const endpoints = harness(massAssignment, { options: { maxEndpoints: 2 } });
  endpoints.feed(['/a', '/b', '/c'].map((p, i) => post(MONDAY + i, 1, { x: 1 }, { path: p, template: p })));
  t.equal(endpoints.counters.get('detectors.mass-assignment.endpoints_evicted'), 1);

  const fields = harness(massAssignment, { options: { maxFieldsPerEndpoint: 3 } });
  fields.feed(learning(10));
  fields.feed([tampered(LATER, 66, { note: 'x', isAdmin: true })]);
  t.ok(fields.counters.get('detectors.mass-assignment.fields_overflow') >= 1);
  t.equal(fields.findings.length, 1, 'a privileged field is judged even when it cannot be remembered');

  const novel = harness(massAssignment, { options: { maxNovelFieldsPerEndpoint: 1 } });
  novel.feed(learning(10));
  novel.feed([tampered(LATER, 66, { a_new: 1, b_new: 2, isAdmin: true })]);
  t.equal(novel.counters.get('detectors.mass-assignment.novel_overflow'), 2);
  t.equal(novel.findings.length, 1);

  const senders = harness(massAssignment, { options: { maxSendersPerField: 2, adoptMinIdentities: 5 } });
  senders.feed(learning(10));
  senders.feed([tampered(LATER, 66, { gift: 1 }), tampered(LATER + 1, 67, { gift: 1 })]);
  t.equal(senders.counters.get('detectors.mass-assignment.fields_adopted'), 1, 'as many sources as it can count: part of the API');

  const perBody = harness(massAssignment, { options: { maxFieldsPerBody: 2 } });
  perBody.feed([post(MONDAY, 1, { a: 1, b: 2, c: 3 })]);
  t.equal(perBody.counters.get('detectors.mass-assignment.body_fields_truncated'), 1);

  const big = harness(massAssignment, { options: { maxBodyBytes: 16 } });
  big.feed([post(MONDAY, 1, { product_id: 1, quantity: 1 })]);
  t.equal(big.counters.get('detectors.mass-assignment.bodies_too_large'), 1);
  t.equal(big.counters.get('detectors.mass-assignment.bodies_read'), 0);

  const actors = harness(massAssignment, { options: { maxActors: 2 } });
  actors.feed(learning(10));
  actors.feed([tampered(LATER, 66), tampered(LATER + 1, 67)]);
  t.equal(actors.findings.length, 2);
  t.ok(actors.counters.get('detectors.mass-assignment.actors_overflow') >= 1);
});

t.test('the body reader: nested paths, first array element, truncation', async (t) => {
  const r = new BodyFields(5);
  t.ok(r.read(Buffer.from(JSON.stringify({ a: 1, b: { c: 'x', d: [{ e: true }] } })), 'json'));
  t.same(r.names.slice(0, r.count), ['a', 'b', 'b.c', 'b.d', 'b.d[].e']);
  t.same([...r.depths.slice(0, r.count)], [0, 0, 1, 1, 2]);
  t.notOk(r.truncated);
  t.ok(r.read(Buffer.from(JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })), 'json'));
  t.ok(r.truncated);
  t.notOk(r.read(Buffer.from('{"cut":'), 'json'), 'a body cut short is unreadable');
  t.notOk(r.read(Buffer.from('"text"'), 'json'));
  t.ok(r.read(Buffer.from('token-without-equals&a=1'), 'form'));
  t.same(r.names.slice(0, r.count), ['a'], 'a part without `=` is never a name');
});
