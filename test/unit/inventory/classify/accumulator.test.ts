import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { classifyTransaction, EndpointLearner, type ClassifiableTransaction } from '../../../../src/inventory/classify';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
function tx(over: Partial<ClassifiableTransaction>): ClassifiableTransaction {
  return {
    query: null,
    headers: [],
    cookieNames: [],
    reqBody: null,
    reqContentType: null,
    respBody: null,
    respContentType: null,
    status: 200,
    authorization: null,
    completeness: 'full',
    ...over,
  };
}

t.test('presence (required vs optional), types with counts, formats', async (t) => {
  const l = new EndpointLearner();
  const reqs = [
    { q: 'page=1&limit=10', b: '{"name":"a","age":30}' },
    { q: 'page=2', b: '{"name":"b","age":"31"}' },
    { q: 'page=3&limit=5', b: '{"name":"c","age":32,"email":"c@example.com"}' },
    { q: 'page=x', b: '{"name":"d","age":33}' },
  ];
  let ts = 1000;
  for (const r of reqs) {
    const t1 = tx({ query: r.q, reqBody: enc(r.b), reqContentType: 'application/json', respBody: enc('{"data":[{"id":1},{"id":2}]}'), respContentType: 'application/json' });
    l.observe(classifyTransaction(t1), { ts: ts++, status: 200, client: '10.0.0.1:5000', respBodyLen: 28, reqContentType: 'application/json', respContentType: 'application/json' });
  }
  l.observe(classifyTransaction(tx({ status: 404, respBody: enc('{"error":"nf"}'), respContentType: 'application/json' })), { ts, status: 404, client: '10.0.0.2:5000' });
  const s = l.snapshot();
  const p = (dir: string, name: string, cls: string | null = null) =>
    s.params.find((x) => x.direction === dir && x.name === name && x.statusClass === cls);
  t.equal(s.calls, 5);
  t.same(p('request', 'page') && { present: p('request', 'page')!.present, of: p('request', 'page')!.of }, { present: 4, of: 5 });
  t.equal(p('request', 'name')?.required, false, 'absent from the 404 call');
  t.equal(p('request', 'limit')?.presence, 2 / 5);
  t.same(p('request', 'page')?.types, { integer: 3, string: 1 });
  t.equal(p('request', 'page')?.type, 'integer', 'majority type');
  t.same(p('request', 'age')?.types, { integer: 3, string: 1 });
  t.equal(p('request', 'email')?.format, 'email');
  t.equal(p('response', 'data[].id', '2xx')?.required, true, 'present in every 2xx JSON response');
  t.equal(p('response', 'error', '4xx')?.required, true, 'response fields are per status class');
  t.same(s.statusCodes, { 200: 4, 404: 1 });
  t.same(s.records, { count: 4, sum: 8, max: 2, lowerBounds: 0 });
  t.same(s.responseBytes, { count: 4, sum: 112, max: 28 });
  t.equal(s.clients, 2);
  t.same(s.auth, { none: 5 });
  t.equal(s.unauthenticatedSuccess, 4);
  t.same(s.reqContentTypes, { 'application/json': 4 });
});

t.test('new-param and new-pii events, PII totals per field', async (t) => {
  const l = new EndpointLearner();
  const r1 = classifyTransaction(tx({ respBody: enc('[{"email":"a@example.com"},{"email":"b@example.com"}]'), respContentType: 'application/json' }));
  const ev1 = l.observe(r1, { ts: 1, status: 200 });
  t.ok(ev1.some((e) => e.type === 'new-pii' && e.name === '[].email' && e.kind === 'email' && e.direction === 'response'));
  const ev2 = l.observe(r1, { ts: 2, status: 200 });
  t.same(ev2, [], 'nothing new the second time');
  const s = l.snapshot();
  t.same(s.pii.map((x) => [x.field, x.kind, x.count, x.messages]), [['[].email', 'email', 4, 2]]);
  t.same(s.piiTotals, { email: 4 });
});

t.test('maxParams bound: overflow dropped and counted', async (t) => {
  const counters = new Counters();
  const l = new EndpointLearner({ maxParams: 20 }, counters);
  const body = JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i])));
  l.observe(classifyTransaction(tx({ reqBody: enc(body), reqContentType: 'application/json', status: null })), { ts: 1, status: null });
  const s = l.snapshot();
  t.equal(s.params.length, 20);
  t.equal(s.paramsDropped, 10);
  t.equal(counters.get('inventory.classify.params_overflow'), 10);
  t.equal(l.paramCount, 20);
});

t.test('clients and PII-field bounds', async (t) => {
  const counters = new Counters();
  const l = new EndpointLearner({ maxClients: 2, maxPiiFields: 1 }, counters);
  for (let i = 0; i < 4; i++) {
    l.observe(classifyTransaction(tx({ respBody: enc(`{"a":"x${i}@example.com","b":"10.0.0.${i}"}`), respContentType: 'application/json' })), { ts: i, status: 200, client: `c${i}` });
  }
  const s = l.snapshot();
  t.equal(s.clients, 2);
  t.equal(s.clientsOverflow, 2);
  t.equal(s.pii.length, 1);
  t.equal(s.piiDropped, 4);
  t.same(s.piiTotals, { email: 4, 'private-ip': 4 }, 'totals are kept even when the field entry is dropped');
  t.equal(counters.get('inventory.classify.clients_overflow'), 2);
  t.equal(counters.get('inventory.classify.pii_fields_overflow'), 4);
});

t.test('auth aggregation', async (t) => {
  const l = new EndpointLearner();
  l.observe(classifyTransaction(tx({ authorization: 'Bearer', authCredential: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln' })), { ts: 1, status: 200 });
  l.observe(classifyTransaction(tx({ headers: ['x-api-key'] })), { ts: 2, status: 200 });
  l.observe(classifyTransaction(tx({ status: 200 })), { ts: 3, status: 200 });
  const s = l.snapshot();
  t.same(s.auth, { bearer: 1, 'api-key-header': 1, none: 1 });
  t.same(s.jwtAlgs, { HS256: 1 });
  t.same(s.apiKeyNames, { 'header:x-api-key': 1 });
  t.equal(s.unauthenticatedSuccess, 1);
});
