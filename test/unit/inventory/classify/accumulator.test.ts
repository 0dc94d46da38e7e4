import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import {
  classifyTransaction,
  EndpointLearner,
  type ClassifiableTransaction,
  type LearnEvent,
  type ObservationMeta,
  type TransactionClassification,
} from '../../../../src/inventory/classify';
import { mergeSnapshots } from '../../../../src/inventory/classify/accumulator';
import { prng } from '../../../helpers/prng';

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

// ---- restore (fromSnapshot) and merge (absorb) ----

/** One call of a generated stream: analysed (a classification) or only counted (sampled out). */
type Step = { kind: 'call'; c: TransactionClassification; meta: ObservationMeta } | { kind: 'sampled'; status: number | null };

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

/** A varied stream through the real classifier: parameters of changing types, PII, auth kinds, statuses, clients. */
function stream(seed: number, n: number, t0: number, clients = 6): Step[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const status = pick([200, 200, 200, 201, 404, 500, null]);
    if (rnd() < 0.15) {
      steps.push({ kind: 'sampled', status });
      continue;
    }
    const q: string[] = [];
    if (rnd() < 0.8) q.push(`page=${rnd() < 0.8 ? Math.floor(rnd() * 9) : 'last'}`);
    if (rnd() < 0.4) q.push(`limit=${Math.floor(rnd() * 50)}`);
    if (rnd() < 0.2) q.push(`q=user${i}%40example.com`);
    if (rnd() < 0.1) q.push(`api_key=k${i}`);
    if (rnd() < 0.05) q.push(`rare${Math.floor(rnd() * 3)}=1`);
    const headers = ['host', ...(rnd() < 0.3 ? ['x-api-key'] : []), ...(rnd() < 0.3 ? ['x-request-id'] : [])];
    const auth = pick([null, null, 'Bearer', 'Basic']);
    const body = rnd() < 0.4 ? JSON.stringify({ name: `n${i}`, age: rnd() < 0.7 ? 30 + i : `${i}`, ...(rnd() < 0.3 ? { email: `p${i}@example.com` } : {}) }) : null;
    let respBody: string | null = null;
    let respCt: string | null = null;
    if (status !== null && status < 300) {
      respBody = rnd() < 0.8 ? JSON.stringify({ data: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => ({ id: k, ...(rnd() < 0.5 ? { email: `r${k}@example.com` } : {}) })) }) : null;
      respCt = respBody ? 'application/json' : null;
    } else if (status !== null) {
      respBody = rnd() < 0.5 ? JSON.stringify({ error: 'no', code: status }) : 'plain failure 10.1.2.3';
      respCt = respBody.startsWith('{') ? 'application/json' : 'text/plain';
    }
    const c = classifyTransaction(
      tx({
        query: q.length > 0 ? q.join('&') : null,
        headers,
        cookieNames: rnd() < 0.3 ? ['sessionid'] : [],
        reqBody: body === null ? null : enc(body),
        reqContentType: body === null ? null : 'application/json',
        respBody: respBody === null ? null : enc(respBody),
        respContentType: respCt,
        status,
        authorization: auth,
        ...(auth === 'Bearer' ? { authCredential: JWT } : {}),
      }),
    );
    steps.push({
      kind: 'call',
      c,
      meta: { ts: t0 + i, status, client: `10.0.0.${Math.floor(rnd() * clients)}`, reqContentType: body === null ? null : 'application/json', respContentType: respCt, ...(respBody !== null ? { respBodyLen: respBody.length } : {}) },
    });
  }
  return steps;
}

function feed(l: EndpointLearner, steps: readonly Step[]): LearnEvent[] {
  const events: LearnEvent[] = [];
  for (const s of steps) {
    if (s.kind === 'sampled') l.countSampledOut(s.status);
    else events.push(...l.observe(s.c, s.meta));
  }
  return events;
}

/** A snapshot as it travels through the database (JSON text and back). */
const stored = (l: EndpointLearner): unknown => JSON.parse(JSON.stringify(l.snapshot())) as unknown;

t.test('restore: snapshot → fromSnapshot → more calls equals one learner that saw every call', async (t) => {
  const steps = stream(7, 240, 1_700_000_000);
  for (const opts of [{}, { maxParams: 6, maxClients: 3, maxPiiFields: 2, maxContentTypes: 1, maxAuthNames: 1 }]) {
    const whole = new EndpointLearner(opts);
    const wholeEvents = feed(whole, steps);
    for (const cut of [1, 17, 120, 239]) {
      const first = new EndpointLearner(opts);
      const firstEvents = feed(first, steps.slice(0, cut));
      const restored = EndpointLearner.fromSnapshot(stored(first), opts);
      t.equal(restored.noveltyCount, first.noveltyCount, `${JSON.stringify(opts)} cut ${cut}: restored state is not novel`);
      t.equal(restored.totalCalls, first.totalCalls);
      const restEvents = feed(restored, steps.slice(cut));
      t.same(restored.snapshot(), whole.snapshot(), `${JSON.stringify(opts)} cut ${cut}: same snapshot`);
      t.equal(restored.noveltyCount, whole.noveltyCount, 'same novelties (sampling decisions) after the restart');
      t.same([...firstEvents, ...restEvents], wholeEvents, 'nothing is announced as new twice, nothing new is missed');
    }
  }
  const bounded = new EndpointLearner({ maxParams: 6, maxClients: 3 });
  feed(bounded, steps);
  t.ok(bounded.snapshot().paramsDropped > 0 && bounded.snapshot().clientsOverflow > 0, 'the bounded run does hit its bounds');
});

t.test('absorb: two learners merged equal one learner that saw both streams', async (t) => {
  const a = stream(11, 150, 1_700_000_000);
  const b = stream(12, 150, 1_700_001_000);
  const both = new EndpointLearner();
  feed(both, [...a, ...b]);
  const la = new EndpointLearner();
  feed(la, a);
  const lb = new EndpointLearner();
  feed(lb, b);
  const fromLearner = EndpointLearner.fromSnapshot(stored(la)).absorb(lb);
  t.same(fromLearner.snapshot(), both.snapshot(), 'absorb(learner)');
  t.equal(fromLearner.noveltyCount, both.noveltyCount);
  const fromSnapshot = EndpointLearner.fromSnapshot(stored(la)).absorb(stored(lb));
  t.same(fromSnapshot.snapshot(), both.snapshot(), 'absorb(stored snapshot)');
  t.same(mergeSnapshots(stored(la), stored(lb)), both.snapshot(), 'mergeSnapshots of two stored rows');
  t.same(lb.snapshot().calls, b.filter((s) => s.kind === 'call').length, 'the absorbed learner is left as it was');
  const bNames = new Set(lb.snapshot().params.map((p) => `${p.direction} ${p.statusClass} ${p.location} ${p.name}`));
  const aNames = new Set(la.snapshot().params.map((p) => `${p.direction} ${p.statusClass} ${p.location} ${p.name}`));
  t.ok([...bNames].some((n) => !aNames.has(n)), 'B taught something A did not (the merge is not trivial)');
});

t.test('absorb at the bounds: what fits is kept, the rest dropped and counted', async (t) => {
  const a = stream(21, 120, 1_700_000_000, 4);
  const b = stream(22, 120, 1_700_001_000, 8);
  const opts = { maxParams: 8, maxClients: 5, maxPiiFields: 3 };
  const counters = new Counters();
  const la = new EndpointLearner(opts);
  feed(la, a);
  const lb = new EndpointLearner();
  feed(lb, b);
  const merged = new EndpointLearner(opts, counters).absorb(la).absorb(lb).snapshot();
  const both = new EndpointLearner(opts);
  feed(both, [...a, ...b]);
  const seq = both.snapshot();
  t.equal(merged.params.length, opts.maxParams);
  t.same(merged.params, seq.params, 'the same parameters kept, with the same counts (B alone stayed within its bounds)');
  t.same(merged.pii, seq.pii);
  t.equal(merged.paramsDropped, seq.paramsDropped, 'a dropped parameter adds the messages it was seen in');
  t.equal(merged.piiDropped, seq.piiDropped);
  t.equal(counters.get('inventory.classify.params_overflow'), merged.paramsDropped - la.snapshot().paramsDropped, 'bound hits of the merge counted');
  t.same(merged.clientList, seq.clientList);
  t.equal(merged.clients, opts.maxClients);
  // Documented difference: one learner counts every call of a client beyond the bound, a merge
  // knows only the distinct clients it could not take (their calls were not kept per client).
  const unlistedB = new Set(lb.snapshot().clientList.filter((c) => !merged.clientList.includes(c))).size;
  t.equal(merged.clientsOverflow, la.snapshot().clientsOverflow + unlistedB, 'one per client that did not fit');
  t.ok(seq.clientsOverflow >= merged.clientsOverflow, 'a lower bound of the per-call count');
  const { clientsOverflow: _x, ...restMerged } = merged;
  const { clientsOverflow: _y, ...restSeq } = seq;
  t.same(restMerged, restSeq, 'everything else is equal');
});

t.test('a snapshot as older builds stored it still loads and keeps learning', async (t) => {
  // Literally what the inventory wrote before restore existed: `clients` a count, no client list,
  // no response-body counts, sampled-out status codes folded into `statusCodes`.
  const old = {
    calls: 4, responses: 4, firstSeen: 1700000001, lastSeen: 1700000004,
    statusCodes: { '200': 5, '404': 1 },
    reqContentTypes: {}, respContentTypes: { 'application/json': 4 },
    params: [
      { direction: 'request', location: 'query', name: 'page', statusClass: null, present: 3, of: 4, presence: 0.75, required: false, type: 'integer', types: { integer: 3 }, format: null, formats: {}, firstSeen: 1700000001, lastSeen: 1700000004 },
      { direction: 'response', location: 'body', name: 'data', statusClass: '2xx', present: 3, of: 3, presence: 1, required: true, type: 'array', types: { array: 3 }, format: null, formats: {}, firstSeen: 1700000001, lastSeen: 1700000004 },
      { direction: 'response', location: 'body', name: 'data[]', statusClass: '2xx', present: 3, of: 3, presence: 1, required: true, type: 'object', types: { object: 3 }, format: null, formats: {}, firstSeen: 1700000001, lastSeen: 1700000004 },
      { direction: 'response', location: 'body', name: 'data[].email', statusClass: '2xx', present: 2, of: 3, presence: 2 / 3, required: false, type: 'string', types: { string: 2 }, format: 'email', formats: { email: 2 }, firstSeen: 1700000001, lastSeen: 1700000003 },
    ],
    paramsDropped: 0,
    pii: [{ direction: 'response', location: 'body', field: 'data[].email', kind: 'email', count: 2, messages: 2, firstSeen: 1700000001, lastSeen: 1700000003 }],
    piiTotals: { email: 2 }, piiDropped: 0,
    auth: { none: 4 }, jwtAlgs: {}, apiKeyNames: {}, sessionCookies: {}, unauthenticatedSuccess: 3,
    responseBytes: { count: 4, sum: 200, max: 80 }, records: { count: 3, sum: 5, max: 2, lowerBounds: 0 },
    clients: 3, clientsOverflow: 0, sampledOutCalls: 2,
  };
  const l = EndpointLearner.fromSnapshot(JSON.parse(JSON.stringify(old)));
  const s0 = l.snapshot();
  t.equal(s0.calls, old.calls);
  t.equal(s0.sampledOutCalls, old.sampledOutCalls);
  t.same(s0.statusCodes, old.statusCodes, 'status codes of every call kept');
  t.equal(s0.clients, old.clients, 'clients known only by count are still counted');
  t.same(s0.clientList, []);
  t.same(s0.responseBodies, { '2xx': 3 }, "response bodies per class taken from a response field's `of`");
  t.same(
    s0.params.map((p) => [p.name, p.present, p.of, p.type, p.format]),
    old.params.map((p) => [p.name, p.present, p.of, p.type, p.format]),
  );
  t.same(s0.pii, old.pii);
  t.equal(l.totalCalls, old.calls + old.sampledOutCalls);
  // keeps learning: presence continues from the stored counts
  const events = l.observe(
    classifyTransaction(tx({ query: 'page=9', respBody: enc('{"data":[{"email":"z@example.com"}]}'), respContentType: 'application/json' })),
    { ts: 1700000010, status: 200, client: '10.0.0.9', respContentType: 'application/json', respBodyLen: 36 },
  );
  t.same(events, [], 'nothing already stored is announced again');
  const s1 = l.snapshot();
  const page = s1.params.find((p) => p.name === 'page');
  t.same([page?.present, page?.of], [old.params[0]!.present + 1, old.calls + 1]);
  const email = s1.params.find((p) => p.name === 'data[].email');
  const oldEmail = old.params.find((p) => p.name === 'data[].email')!;
  t.same([email?.present, email?.of], [oldEmail.present + 1, oldEmail.of + 1]);
  t.equal(s1.statusCodes['200'], old.statusCodes['200'] + 1);
  t.equal(s1.clients, old.clients + 1, 'an address not listed counts as a new client (an upper bound for old rows)');
  t.equal(s1.lastSeen, 1700000010);
  t.equal(s1.firstSeen, old.firstSeen);
});

t.test('an old-format snapshot of a stream restores it except for what the old format lacked', async (t) => {
  const steps = stream(31, 200, 1_700_000_000);
  const l = new EndpointLearner();
  feed(l, steps);
  const now = l.snapshot();
  const { clientList: _c, responseBodies: _r, sampledOutStatusCodes: _s, ...old } = now;
  const back = EndpointLearner.fromSnapshot(JSON.parse(JSON.stringify(old))).snapshot();
  t.same(back.params, now.params, 'parameters with their presence');
  t.same(back.statusCodes, now.statusCodes);
  t.same(back.sampledOutStatusCodes, {}, 'sampled-out codes count as analysed (not told apart in the old format)');
  t.same([back.clients, back.clientList], [now.clients, []]);
  const { clientList: _c2, responseBodies: _r2, sampledOutStatusCodes: _s2, ...rest } = back;
  t.same(rest, old, 'everything else as stored');
});

t.test('garbage in the stored column gives an empty learner, not a crash', async (t) => {
  for (const bad of [null, 42, 'x', [], { params: [{ direction: 'sideways' }, null], calls: -3, statusCodes: { '200': 'many' } }]) {
    const s = EndpointLearner.fromSnapshot(bad).snapshot();
    t.same([s.calls, s.params, s.statusCodes, s.clients], [0, [], {}, 0], JSON.stringify(bad));
  }
});

const URL_JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

t.test('credential-in-url: one event per parameter, kept across restarts, with a redacted sample', async (t) => {
  const l = new EndpointLearner();
  const urlEvents = (e: LearnEvent[]): LearnEvent[] => e.filter((x) => x.type === 'credential-in-url');
  const first = urlEvents(l.observe(classifyTransaction(tx({ query: `q=a&access_token=${URL_JWT}` })), { ts: 1, status: 200 }));
  t.same(first, [{ type: 'credential-in-url', direction: 'request', location: 'query', name: 'access_token', kind: 'jwt', rule: 'jwt', sample: `eyJh…, ${URL_JWT.length} chars` }]);
  t.same(urlEvents(l.observe(classifyTransaction(tx({ query: `access_token=${URL_JWT}` })), { ts: 2, status: 200 })), [], 'the same parameter again: no event');
  const second = urlEvents(l.observe(classifyTransaction(tx({ query: 'password=s3cretpass' })), { ts: 3, status: 200 }));
  t.same(second.map((e) => `${e.name}:${e.kind}:${e.rule}`), ['password:credential-field:credential-name'], 'another parameter: its own event');
  const s = l.snapshot();
  t.same(s.urlCredentials.map((u) => [u.name, u.count, u.firstSeen, u.lastSeen]), [['access_token', 2, 1, 2], ['password', 1, 3, 3]]);
  t.notOk(JSON.stringify(s).includes(URL_JWT.slice(0, 10)) || JSON.stringify(s).includes('s3cret'), 'no value in the stored snapshot');
  // a restored learner (as loaded from SQLite) knows both parameters
  const restored = EndpointLearner.fromSnapshot(JSON.parse(JSON.stringify(s)));
  t.same(urlEvents(restored.observe(classifyTransaction(tx({ query: `access_token=${URL_JWT}&password=s3cretpass` })), { ts: 4, status: 200 })), [], 'no repeat after a restart');
  t.same(restored.snapshot().urlCredentials.map((u) => u.count), [3, 2]);
  t.same(mergeSnapshots(s, s).urlCredentials.map((u) => u.count), [4, 2], 'a template merge adds the counts');
});

t.test('credential-in-url: bounded per endpoint, overflow counted', async (t) => {
  const counters = new Counters();
  const l = new EndpointLearner({ maxUrlCredentials: 2 }, counters);
  const names = ['token', 'api_key', 'secret', 'password'];
  let events = 0;
  for (const [i, n] of names.entries()) {
    events += l.observe(classifyTransaction(tx({ query: `${n}=v4lu3-${i}-abcdef` })), { ts: i, status: 200 }).filter((e) => e.type === 'credential-in-url').length;
  }
  const s = l.snapshot();
  t.equal(events, 2);
  t.same(s.urlCredentials.map((u) => u.name), ['token', 'api_key']);
  t.equal(s.urlCredentialsDropped, 2);
  t.equal(counters.get('inventory.classify.url_credentials_overflow'), 2);
});

t.test('sensitive fields keep the rule and a redacted sample of their first value', async (t) => {
  const l = new EndpointLearner();
  const ev = l.observe(classifyTransaction(tx({ respBody: enc('{"card":"4111 1111 1111 1111","owner":"ann@example.com"}'), respContentType: 'application/json' })), { ts: 1, status: 200 });
  t.same(
    ev.filter((e) => e.type === 'new-pii').map((e) => `${e.name}:${e.kind}:${e.rule}:${e.sample}`),
    ['card:card:luhn-card:4111…, 19 chars', 'owner:email:email:an…, 15 chars'],
  );
  const s = l.snapshot();
  t.same(s.pii.map((p) => `${p.field}:${p.rule}:${p.sample}`), ['card:luhn-card:4111…, 19 chars', 'owner:email:an…, 15 chars']);
  t.notOk(JSON.stringify(s).includes('ann@'), 'no value kept');
});
