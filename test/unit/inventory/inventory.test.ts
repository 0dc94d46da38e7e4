// The inventory stage on hand-made transactions and a real SQLite file: the endpoint bound, slugs
// folding into one endpoint once the templater has evidence (old rows removed), sensitive data in
// responses reported once, and a failed flush retried without losing the map.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inventorySchema, storeSchema } from '../../../src/config/schema';
import { Counters } from '../../../src/core/counters';
import type { HttpTransaction } from '../../../src/http/types';
import { EndpointStore } from '../../../src/inventory/endpoint-store';
import { Inventory } from '../../../src/inventory/inventory';
import { INVENTORY_MIGRATIONS } from '../../../src/inventory/migrations';
import type { InventoryEvent } from '../../../src/inventory/types';
import { BatchWriter } from '../../../src/store/batch-writer';
import { openDatabase } from '../../../src/store/database';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { importSpec } from '../../../src/inventory/openapi';
import type { EndpointSnapshot } from '../../../src/inventory/classify';
import { mergeSnapshots } from '../../../src/inventory/classify/accumulator';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-inv-'));
let tsClock = 1_700_000_000;

function tx(method: string, uri: string, respJson: unknown = null, status = 200): HttpTransaction {
  const [p, q] = uri.split('?');
  const body = respJson === null ? null : Buffer.from(JSON.stringify(respJson));
  tsClock += 1;
  return {
    flowId: 'F1', txId: 1, client: '10.0.0.1:40000', server: '10.0.0.2:80', clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 80, vlanIds: [], tunnels: [],
    ts: tsClock, respTs: tsClock + 0.01, method, host: 'shop.example', uri, path: p ?? '/', query: q ?? null,
    version: '1.1', status, statusMessage: 'OK', userAgent: 'test', reqContentType: null, contentEncoding: null,
    respContentEncoding: null, authorization: null, authJwtAlg: null, credentials: [], xForwardedFor: null, forwardedFor: null, cookieNames: [], headers: ['host'], respHeaders: [],
    respContentType: body ? 'application/json' : null, reqBodyLen: 0, respBodyLen: body?.length ?? 0,
    reqBodyDeclared: null, respBodyDeclared: body?.length ?? null, reqBody: null, respBody: body,
    completeness: 'full', upgrade: null, anomalies: [],
  } as HttpTransaction;
}

function open(name: string, maxEndpoints = 50000, over: Record<string, number> = {}, storeOver: Record<string, number> = {}) {
  const file = path.join(tmp, `${name}.db`);
  const db = openDatabase(file, INVENTORY_MIGRATIONS);
  const counters = new Counters();
  const store = new EndpointStore(db, new BatchWriter(db, file, 10000, counters));
  const events: InventoryEvent[] = [];
  const inv = new Inventory(inventorySchema.parse({ maxEndpoints, ...over }), storeSchema.parse({ flushIntervalSec: 1, ...storeOver }), counters, store, (e) => events.push(e));
  return { db, store, counters, events, inv };
}

t.test('bound: endpoints in total', async (t) => {
  const { inv, counters, events, db } = open('bound', 3);
  for (const p of ['/a', '/b', '/c', '/d', '/e']) inv.observe(tx('GET', p));
  t.equal(inv.size, 3);
  t.equal(counters.get('inventory.endpoints.overflow'), 2);
  t.equal(events.filter((e) => e.event === 'new-endpoint').length, 3);
  db.close();
});

t.test('slugs fold into one endpoint once evidence agrees; the literal rows go away', async (t) => {
  const { inv, store, db } = open('fold');
  const slugs = ['red-shoe', 'blue-hat', 'green-scarf', 'black-boot', 'white-sock', 'grey-coat', 'pink-belt', 'gold-ring', 'tan-glove', 'navy-tie', 'teal-cap'];
  for (const s of slugs) inv.observe(tx('GET', `/products/${s}`, { name: s, price: 10, stock: 3 }));
  inv.flush(tsClock);
  const rows = store.list();
  t.equal(rows.length, 1, JSON.stringify(rows.map((r) => r.template)));
  t.match(rows[0]?.template, /^\/products\/\{[^}]+\}$/);
  t.equal(rows[0]?.calls, slugs.length, 'calls of the folded literals are kept');
  db.close();
});

t.test('sensitive data in a response is reported once per field and kind, never stored as a value', async (t) => {
  const { inv, events, store, db } = open('pii');
  const card = '4111 1111 1111 1111';
  inv.observe(tx('GET', '/users/1', { id: 1, email: 'ann@example.com', card }));
  inv.observe(tx('GET', '/users/2', { id: 2, email: 'bob@example.com', card }));
  inv.flush(tsClock);
  const pii = events.filter((e) => e.event === 'new-sensitive-data').map((e) => `${e.field}:${e.kind}`).sort();
  t.same(pii, ['card:card', 'email:email']);
  const stored = JSON.stringify(store.list());
  // only redacted samples: at most the first 4 characters and the length
  t.notOk(stored.includes('ann@example.com') || /4111.1111/.test(stored), 'values never stored');
  t.ok(stored.includes(`"sample":"4111…, ${card.length} chars"`), 'the card as a redacted sample');
  db.close();
});

t.test('a failed flush (disk full) is retried; nothing learned is lost', async (t) => {
  const { inv, store, db, counters } = open('full');
  const errors: string[] = [];
  inv.onStoreError = (e) => errors.push(e.message);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  // Thirty distinct endpoints (different response fields, so they never fold), each with many fields.
  const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber coral ivory onyx'.split(' ');
  words.forEach((w, i) => {
    const body: Record<string, number> = {};
    for (let k = 0; k < 40; k++) body[`${w}_field_${k}`] = i;
    inv.observe(tx('GET', `/${w}`, body));
  });
  inv.flush(tsClock);
  t.ok(errors.length > 0 && /SQLITE_FULL/.test(errors[0] ?? ''), 'the failure is reported');
  t.ok(counters.get('store.flush.failed') > 0);
  db.pragma('max_page_count = 1073741823');
  inv.flush(tsClock + 10);
  t.equal(store.list().reduce((n, r) => n + r.calls, 0), 30, 'every call stored after the retry');
  db.close();
});

t.test('sampling: full analysis first, then one call in sampleEvery; every call still counted', async (t) => {
  const { inv, counters, store, db } = open('sampling', 50000, { fullAnalysisCalls: 10, sampleEvery: 5 });
  for (let i = 0; i < 60; i++) inv.observe(tx('GET', '/api/health', { ok: true }, i % 2 ? 200 : 503));
  inv.flush(tsClock);
  const [row] = store.list();
  t.equal(row?.calls, 60);
  const stats = row?.stats as { calls: number; statusCodes: Record<string, number>; sampledOutCalls: number };
  t.equal(stats.calls + stats.sampledOutCalls, 60);
  t.equal(stats.calls, 10 + 10, 'ten in full, then one in five of the other fifty');
  t.same(stats.statusCodes, { '200': 30, '503': 30 }, 'status codes of sampled-out calls are kept');
  t.equal(counters.get('inventory.sampled_out'), 40);
  db.close();
});

t.test('bound: concrete paths cached for sampling', async (t) => {
  const { inv, counters, db } = open('cache', 50000, { maxCachedPaths: 4 });
  for (let i = 0; i < 10; i++) inv.observe(tx('GET', `/orders/${i}`, { id: i }));
  t.equal(counters.get('inventory.path_cache.reset'), 2);
  t.equal(inv.size, 1, 'the ids still share one endpoint');
  db.close();
});

t.test('sampling backs off on a stable endpoint and comes back when something new shows up', async (t) => {
  const { inv, counters, store, db } = open('backoff', 50000, { fullAnalysisCalls: 10, sampleEvery: 2, stableAnalyses: 5, maxSampleEvery: 8 });
  for (let i = 0; i < 200; i++) inv.observe(tx('GET', '/api/health', { ok: true }));
  inv.flush(tsClock);
  let stats = store.list()[0]?.stats as { calls: number; sampledOutCalls: number };
  // 10 in full; then 5 analyses at 1/2, 5 at 1/4, the rest at 1/8 (the ceiling)
  const expectedAnalysed = 10 + 5 + 5 + Math.floor((200 - 10 - 10 - 20) / 8);
  t.equal(stats.calls, expectedAnalysed, 'interval doubled twice, then held at maxSampleEvery');
  t.equal(counters.get('inventory.sampling.backoff'), 2);
  // a new field on the next analysed call resets the interval to sampleEvery
  for (let i = 0; i < 8; i++) inv.observe(tx('GET', '/api/health', { ok: true, version: '1.2.3' }));
  t.equal(counters.get('inventory.sampling.reset'), 1, 'novelty resets the interval');
  for (let i = 0; i < 4; i++) inv.observe(tx('GET', '/api/health', { ok: true, version: '1.2.3' }));
  inv.flush(tsClock);
  stats = store.list()[0]?.stats as { calls: number; sampledOutCalls: number };
  t.equal(stats.calls, expectedAnalysed + 1 + 2, 'one analysed call found the field, then one in two again');
  t.equal(stats.calls + stats.sampledOutCalls, 212, 'every call still counted');
  db.close();
});

t.test('a new id of a known endpoint is sampled without templating (peek); a new literal is not', async (t) => {
  const { inv, counters, store, db } = open('peek', 50000, { fullAnalysisCalls: 5, sampleEvery: 1000 });
  for (let i = 1; i <= 20; i++) inv.observe(tx('GET', `/orders/${i}`, { id: i }));
  t.equal(counters.get('inventory.templating.peeked'), 19, 'every id after the first answered by peek');
  t.equal(counters.get('inventory.sampled_out'), 15, 'ids after the full-analysis calls sampled out although each path is new');
  inv.observe(tx('GET', '/orders/summary', { total: 3 }));
  inv.flush(tsClock);
  const templates = store.list().map((r) => r.template).sort();
  t.same(templates, ['/orders/summary', '/orders/{id:int}'], 'a literal is templated with its keys, not peeked');
  db.close();
});

t.test('spec status: events when it changes or a drift item is new, and the reasons are stored', async (t) => {
  const spec = importSpec(
    {
      openapi: '3.0.0',
      info: { title: 'shop', version: '1' },
      // the traffic's host is the spec's server: bound from the first call, so its templates apply at once
      servers: [{ url: 'http://shop.example' }],
      paths: { '/orders/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': { description: 'ok' } } } } },
    },
    'shop.json',
  );
  const file = path.join(tmp, 'spec-events.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  const store = new EndpointStore(db, new BatchWriter(db, file, 10000, counters));
  const events: InventoryEvent[] = [];
  const inv = new Inventory(inventorySchema.parse({}), storeSchema.parse({ flushIntervalSec: 1 }), counters, store, (e) => events.push(e), [spec]);
  inv.observe(tx('GET', '/orders/1', { id: 1 }));
  inv.observe(tx('GET', '/admin/export', { rows: 3 }));
  inv.flush(tsClock);
  const statusEvents = (): InventoryEvent[] => events.filter((e) => e.event === 'spec-status');
  t.same(statusEvents().map((e) => [e.template, e.previousStatus, e.status]), [['/orders/{id}', 'unknown', 'documented'], ['/admin/export', 'unknown', 'shadow']]);
  t.equal(statusEvents()[1]?.client, '10.0.0.1', 'evidence: the client of the latest call');
  inv.observe(tx('GET', '/orders/2', { id: 2 }));
  inv.flush(tsClock);
  t.equal(statusEvents().length, 2, 'no change, no event');
  inv.observe(tx('GET', '/orders/3?debug=1', { id: 3 }));
  inv.flush(tsClock);
  const drift = statusEvents()[2];
  t.same([drift?.previousStatus, drift?.status, drift?.specDetail?.drift.map((d) => d.what)], ['documented', 'drift', ['query:debug']]);
  inv.observe(tx('GET', '/orders/4?debug=1', { id: 4 }, 500));
  inv.flush(tsClock);
  t.same(statusEvents()[3]?.specDetail?.drift.map((d) => d.what), ['query:debug', 'status:500'], 'a new drift item is reported again');
  t.same(store.list().find((r) => r.template === '/orders/{id}')?.specDetail?.drift.map((d) => d.what), ['query:debug', 'status:500'], 'reasons stored with the row');
  db.close();
});

// ---- learned statistics across restarts and merges ----

/** A product response: ten shared fields, so siblings with one key of their own still agree (Jaccard). */
const product = (slug: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: slug, price: 10, stock: 3, sku: `s-${slug}`, color: 'red', size: 'M', brand: 'acme', rating: 4.5, tags: ['a'], active: true, ...extra,
});

/** A fixed stream (built once, fed to several inventories): endpoints with changing parameters, slugs that fold. */
function restartStream(): HttpTransaction[] {
  const out: HttpTransaction[] = [];
  const slugs = ['red-shoe', 'blue-hat', 'green-scarf', 'black-boot', 'white-sock', 'grey-coat', 'pink-belt', 'gold-ring', 'tan-glove', 'navy-tie', 'teal-cap'];
  for (let i = 0; i < 160; i++) {
    const q = [`page=${i % 7}`, ...(i % 3 === 0 ? ['sort=asc'] : []), ...(i > 90 && i % 5 === 0 ? ['debug=1'] : [])].join('&');
    out.push(tx('GET', `/api/orders?${q}`, { data: [{ id: i, ...(i % 4 === 0 ? { email: `o${i}@example.com` } : {}) }] }, i % 11 === 0 ? 500 : 200));
    if (i % 2 === 0) out.push(tx('GET', '/api/health', { ok: true, ...(i > 120 ? { version: '1.2.3' } : {}) }, i % 9 === 0 ? 503 : 200));
    // literal slugs arrive late, so the fold into /products/{..} happens after a restart at half time
    const slug = slugs[i - 100];
    if (slug !== undefined) out.push(tx('GET', `/products/${slug}?ref${i}=x`, product(slug)));
  }
  return out;
}

function reopen(name: string, over: Record<string, number>) {
  const file = path.join(tmp, `${name}.db`);
  const db = openDatabase(file, INVENTORY_MIGRATIONS);
  const counters = new Counters();
  const store = new EndpointStore(db, new BatchWriter(db, file, 10000, counters));
  const events: InventoryEvent[] = [];
  const inv = new Inventory(inventorySchema.parse(over), storeSchema.parse({ flushIntervalSec: 1 }), counters, store, (e) => events.push(e));
  return { db, store, counters, events, inv };
}

t.test('a restart mid-stream stores exactly what one uninterrupted run stores', async (t) => {
  const stream = restartStream();
  const sampling = { fullAnalysisCalls: 5, sampleEvery: 2, stableAnalyses: 3, maxSampleEvery: 8 };
  const lastTs = stream[stream.length - 1]!.ts;
  const whole = reopen('restart-whole', sampling);
  for (const x of stream) whole.inv.observe(x);
  whole.inv.flush(lastTs);
  const expected = whole.store.list();
  const wholeEvents = whole.events.map((e) => `${e.event} ${e.template} ${e.field ?? ''}`);
  whole.db.close();
  t.ok(expected.some((r) => /^\/products\/\{/.test(r.template)), 'the slugs folded');
  t.ok(expected.some((r) => (r.stats as { sampledOutCalls: number }).sampledOutCalls > 0), 'some calls were sampled out');

  for (const cut of [1, Math.floor(stream.length / 2), stream.length - 3]) {
    const name = `restart-${cut}`;
    const first = reopen(name, sampling);
    for (const x of stream.slice(0, cut)) first.inv.observe(x);
    first.inv.flush(stream[cut - 1]!.ts);
    first.db.close();
    const second = reopen(name, sampling);
    for (const x of stream.slice(cut)) second.inv.observe(x);
    second.inv.flush(lastTs);
    t.same(second.store.list(), expected, `cut at ${cut}: same rows, stats included`);
    t.same([...first.events, ...second.events].map((e) => `${e.event} ${e.template} ${e.field ?? ''}`), wholeEvents, `cut at ${cut}: same events, none repeated`);
    second.db.close();
  }
});

t.test('a template merge keeps what the absorbed endpoints learned', async (t) => {
  const { inv, store, db } = open('merge-keeps');
  const slugs = ['red-shoe', 'blue-hat', 'green-scarf', 'black-boot', 'white-sock', 'grey-coat', 'pink-belt', 'gold-ring', 'tan-glove', 'navy-tie', 'teal-cap'];
  // one key of its own per literal (a query parameter or a response field with an email address)
  const own = (i: number): string => (i % 2 === 0 ? `query only${i}` : `body extra${i}`);
  slugs.forEach((s, i) => inv.observe(i % 2 === 0 ? tx('GET', `/products/${s}?only${i}=1`, product(s)) : tx('GET', `/products/${s}`, product(s, { [`extra${i}`]: `x${i}@example.com` }))));
  inv.flush(tsClock);
  const rows = store.list();
  t.equal(rows.length, 1);
  const stats = rows[0]?.stats as EndpointSnapshot;
  const names = new Set(stats.params.map((p) => `${p.location} ${p.name}`));
  t.same(slugs.map((_, i) => own(i)).filter((n) => !names.has(n)), [], 'every literal’s own query parameter or response field is kept');
  t.same(stats.pii.map((p) => p.field).sort(), slugs.map((_, i) => `extra${i}`).filter((_, i) => i % 2 === 1).sort(), 'and its sensitive fields');
  t.equal(stats.calls + stats.sampledOutCalls, slugs.length);
  t.same(stats.params.find((p) => p.name === 'price')?.present, slugs.length, 'presence counts add up');
  t.same([stats.params.find((p) => p.name === 'only0')?.present, stats.params.find((p) => p.name === 'only0')?.of], [1, slugs.length], 'presence is measured against every call');
  db.close();
});

t.test('rows written by older builds load: stored parameters are kept, calls keep adding up', async (t) => {
  const { db, store } = open('legacy');
  // as an older build stored it: stats of the latest run only, calls (column) of every run
  const oldStats = {
    calls: 2, responses: 2, firstSeen: 1_600_000_000, lastSeen: 1_600_000_010, statusCodes: { '200': 3 }, reqContentTypes: {}, respContentTypes: { 'application/json': 2 },
    params: [{ direction: 'request', location: 'query', name: 'legacy', statusClass: null, present: 2, of: 2, presence: 1, required: true, type: 'integer', types: { integer: 2 }, format: null, formats: {}, firstSeen: 1_600_000_000, lastSeen: 1_600_000_010 }],
    paramsDropped: 0, pii: [], piiTotals: {}, piiDropped: 0, auth: { none: 2 }, jwtAlgs: {}, apiKeyNames: {}, sessionCookies: {}, unauthenticatedSuccess: 2,
    responseBytes: { count: 2, sum: 20, max: 10 }, records: null, clients: 1, clientsOverflow: 0, sampledOutCalls: 1,
  };
  store.save({ host: 'shop.example', method: 'GET', template: '/api/legacy', firstSeen: 1_600_000_000, lastSeen: 1_600_000_010, calls: 7, specStatus: 'unknown', stats: oldStats });
  store.commit();
  db.close();
  const again = reopen('legacy', {});
  again.inv.observe(tx('GET', '/api/legacy?fresh=1', { ok: true }));
  again.inv.flush(tsClock);
  const [row] = again.store.list();
  const stats = row?.stats as EndpointSnapshot;
  t.equal(row?.calls, 7 + 1, 'calls the old stats did not account for still count');
  t.same(stats.params.map((p) => [p.name, p.present, p.of]), [['legacy', 2, 3], ['fresh', 1, 3], ['ok', 1, 1]], 'the stored parameter stays, its presence continues');
  t.equal(stats.sampledOutCalls, oldStats.sampledOutCalls);
  t.same(stats.statusCodes, { '200': 4 });
  t.equal(again.events.length, 0, 'a stored endpoint is not new');
  t.same([row?.firstSeen, row?.lastSeen], [1_600_000_000, tsClock]);
  again.db.close();
});

t.test('moveNow (human merge of stored rows) merges both rows’ statistics', async (t) => {
  const { inv, store, db } = open('move');
  for (let i = 0; i < 3; i++) inv.observe(tx('GET', `/a/list?alpha=${i}`, { a: i }));
  for (let i = 0; i < 2; i++) inv.observe(tx('GET', `/b/list?beta=${i}`, { b: i }, 404));
  inv.flush(tsClock);
  const before = store.list();
  const a = before.find((r) => r.template === '/a/list')!;
  const b = before.find((r) => r.template === '/b/list')!;
  t.ok(store.moveNow({ host: 'shop.example', method: 'GET', template: '/b/list' }, { host: 'shop.example', template: '/a/list' }));
  const after = store.list();
  t.equal(after.length, 1);
  const row = after[0]!;
  t.equal(row.calls, a.calls + b.calls);
  t.same(row.stats, mergeSnapshots(a.stats, b.stats), 'the merge function of template merges');
  const stats = row.stats as EndpointSnapshot;
  t.same(stats.params.filter((p) => p.direction === 'request').map((p) => [p.name, p.present, p.of]), [['alpha', 3, 5], ['beta', 2, 5]], 'both rows’ parameters, presence over both');
  t.same(stats.statusCodes, { '200': 3, '404': 2 });
  db.close();
});

t.test('a bearer JWT: its alg (as the HTTP stage extracts it) is learned per endpoint', async (t) => {
  const { inv, store, db } = open('jwt-alg');
  inv.observe({ ...tx('GET', '/me', { id: 1 }), authorization: 'Bearer', authJwtAlg: 'RS256' });
  inv.observe({ ...tx('GET', '/me', { id: 1 }), authorization: 'Bearer', authJwtAlg: 'none' });
  inv.flush(tsClock);
  const stats = store.list()[0]?.stats as { auth: Record<string, number>; jwtAlgs: Record<string, number> };
  t.same(stats.jwtAlgs, { RS256: 1, none: 1 });
  t.equal(stats.auth['bearer'], 2);
  db.close();
});

t.test('bound: rows written per flush; the rest wait, flushAll writes everything', async (t) => {
  const { inv, store, counters, db } = open('rows-per-flush', 50000, {}, { flushIntervalSec: 1e9, maxRowsPerFlush: 4 });
  inv.flush(tsClock); // the next automatic flush is far away in packet time
  // distinct hosts: ten endpoints that never fold into one
  for (let i = 0; i < 10; i++) inv.observe({ ...tx('GET', '/status', { ok: true }), host: `h${i}.example` });
  inv.flush(tsClock);
  t.equal(store.list().length, 4, 'the first four');
  t.equal(counters.get('inventory.flush.deferred'), 6, 'six deferred, counted');
  inv.flush(tsClock);
  t.equal(store.list().length, 8);
  inv.observe({ ...tx('GET', '/status', { ok: true }), host: 'h0.example' });
  inv.flushAll(tsClock);
  t.equal(store.list().length, 10, 'flushAll writes the rest');
  t.equal(store.list().find((r) => r.host === 'h0.example')?.calls, 2);
  db.close();
});

t.test('the templater state is saved at most once per interval, and always by flushAll', async (t) => {
  const { inv, store, db } = open('templater-interval', 50000, {}, { flushIntervalSec: 1e9, templaterStateIntervalSec: 3600 });
  const saved = (): string => JSON.stringify(store.loadTemplaterState());
  inv.flush(tsClock); // saves the (empty) state; the next save is due in an hour of packet time
  inv.observe(tx('GET', '/a', { ok: true }));
  inv.flush(tsClock + 10);
  t.notMatch(saved(), /"a"/, 'not saved again within the interval');
  t.ok(store.list().some((r) => r.template === '/a'), 'the endpoint row is written all the same');
  inv.observe(tx('GET', '/b', { ok: true }));
  inv.flush(tsClock + 3600);
  t.match(saved(), /"a"/, 'saved once the interval has passed');
  inv.observe(tx('GET', '/c', { ok: true }));
  inv.flushAll(tsClock + 3610);
  t.match(saved(), /"c"/, 'flushAll saves it whatever the interval');
  db.close();
});

t.test('bound: the JSON path table filling up is counted by the inventory', async (t) => {
  const { inv, counters, db } = open('path-table');
  // five bodies of 4000 new paths each (a body is walked up to 5000 values): more than the 16384 the table holds
  for (let b = 0; b < 5; b++) {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) wide[`b${b}_field_${i}`] = i;
    inv.observe(tx('GET', `/wide/${b}`, wide));
  }
  inv.flush(tsClock);
  t.ok(counters.get('inventory.classify.json.path_table_reset') >= 1, 'inventory.classify.json.path_table_reset');
  db.close();
});
