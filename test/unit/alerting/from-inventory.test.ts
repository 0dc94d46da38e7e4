// Inventory events → findings, on events the real inventory emits for traffic against a two-version
// OpenAPI spec: a shadow endpoint returning card numbers, a deprecated and a removed (zombie)
// operation, drift (an undocumented query parameter and no auth where the spec wants a bearer
// token), and a documented endpoint. Spec status and drift come from the inventory's own diff, as
// the integrator will pass them; the findings then go through the alert policy.
import t from 'tap';
import { inventorySchema, storeSchema } from '../../../src/config/schema';
import { Counters } from '../../../src/core/counters';
import type { HttpTransaction } from '../../../src/http/types';
import { Inventory } from '../../../src/inventory/inventory';
import { toObserved } from '../../../src/inventory/observed';
import { diffInventory, importSpec, type EndpointDiff } from '../../../src/inventory/openapi';
import type { InventoryEvent } from '../../../src/inventory/types';
import { findingsFromInventoryEvent, INVENTORY_DETECTORS, type InventoryEventContext } from '../../../src/alerting/from-inventory';
import { AlertPolicy } from '../../../src/alerting/policy';
import { severityFor, severityFromScore } from '../../../src/alerting/severity';
import { SEVERITIES, type Finding } from '../../../src/alerting/types';
import { config, T0 } from './helpers';

const HOST = 'shop.example';
const CARD = '4111 1111 1111 1111';

function specVersion(version: string, withExport: boolean): Record<string, unknown> {
  const json = (props: Record<string, unknown>) => ({ content: { 'application/json': { schema: { type: 'object', properties: props } } } });
  return {
    openapi: '3.0.3',
    info: { title: 'Shop', version },
    servers: [{ url: `http://${HOST}` }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/users/{id}': {
        get: {
          security: [{ bearerAuth: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { '200': { description: 'a user', ...json({ id: { type: 'integer' }, email: { type: 'string' } }) } },
        },
      },
      '/products': {
        get: {
          security: [{ bearerAuth: [] }],
          parameters: [{ name: 'page', in: 'query', required: false, schema: { type: 'integer' } }],
          responses: { '200': { description: 'products', ...json({ items: { type: 'array', items: { type: 'object' } } }) } },
        },
      },
      '/orders': { get: { deprecated: true, responses: { '200': { description: 'orders', ...json({ total: { type: 'integer' } }) } } } },
      ...(withExport ? { '/export': { get: { responses: { '200': { description: 'export', ...json({ rows: { type: 'integer' } }) } } } } } : {}),
    },
  };
}

let clock = T0;
/** `authorization` is the scheme only, as the HTTP stage records it. */
function tx(method: string, uri: string, respJson: unknown, authorization: string | null = null, client = '198.51.100.23'): HttpTransaction {
  const [p, q] = uri.split('?');
  const body = Buffer.from(JSON.stringify(respJson));
  clock += 1;
  return {
    flowId: 'F1', txId: 1, client: `${client}:41000`, server: '10.0.0.2:80', clientIp: client, clientPort: 41000, serverIp: '10.0.0.2', serverPort: 80, vlanIds: [], tunnels: [],
    ts: clock, respTs: clock + 0.01, method, host: HOST, uri, path: p ?? '/', query: q ?? null,
    version: '1.1', status: 200, statusMessage: 'OK', userAgent: 'curl/8', reqContentType: null, contentEncoding: null,
    respContentEncoding: null, authorization, authJwtAlg: null, credentials: [], xForwardedFor: null, forwardedFor: null, cookieNames: [], headers: ['host'], respHeaders: [],
    respContentType: 'application/json', reqBodyLen: 0, respBodyLen: body.length,
    reqBodyDeclared: null, respBodyDeclared: body.length, reqBody: null, respBody: body,
    completeness: 'full', upgrade: null, anomalies: [],
  } as HttpTransaction;
}

interface Seen {
  event: InventoryEvent;
  tx: HttpTransaction;
}

function run() {
  const specs = [importSpec(specVersion('1.0', true), 'shop-v1.json'), importSpec(specVersion('2.0', false), 'shop-v2.json')];
  const seen: Seen[] = [];
  let current: HttpTransaction | null = null;
  // The emit callback runs inside observe(), so the transaction that surfaced an event is known.
  const inventory = new Inventory(inventorySchema.parse({}), storeSchema.parse({ flushIntervalSec: 3600 }), new Counters(), null, (event) => {
    if (current) seen.push({ event, tx: current });
  }, specs);
  const traffic = [
    tx('GET', '/users/1', { id: 1, email: 'ann@example.com' }, 'Bearer'),
    tx('GET', '/users/2', { id: 2, email: 'bob@example.com' }, 'Bearer'),
    tx('GET', '/products?page=1&debug=1', { items: [] }),
    tx('GET', '/orders', { total: 3 }),
    tx('GET', '/export', { rows: 10 }),
    tx('GET', '/internal/cards', { owner: 'ann', card: CARD }, null, '203.0.113.50'),
  ];
  for (const x of traffic) {
    current = x;
    inventory.observe(x);
  }
  current = null;
  inventory.flush(clock);
  const rows = inventory.rows();
  const diff = diffInventory(rows.map(toObserved), specs, { now: clock, window: 3600 });
  const byEndpoint = new Map<string, EndpointDiff>(diff.endpoints.map((d) => [`${d.endpoint.method} ${d.endpoint.host}${d.endpoint.template}`, d]));
  const context = (s: Seen): InventoryEventContext => {
    const d = byEndpoint.get(`${s.event.method} ${s.event.host}${s.event.template}`);
    return {
      client: s.tx.client.slice(0, s.tx.client.lastIndexOf(':')),
      server: s.tx.server,
      ...(s.tx.status !== null ? { status: s.tx.status } : {}),
      ...(d ? { specStatus: d.status, drift: d.drift, ...(d.zombie ? { zombie: d.zombie } : {}) } : {}),
    };
  };
  return { seen, rows, context, byEndpoint };
}

t.test('the inventory run classifies what the scenario intends', async (t) => {
  const { rows } = run();
  const status = Object.fromEntries(rows.map((r) => [r.template, r.specStatus]));
  t.same(status, { '/users/{id}': 'documented', '/products': 'drift', '/orders': 'zombie', '/export': 'zombie', '/internal/cards': 'shadow' });
});

t.test('findings per event: detector, score, explanation and evidence', async (t) => {
  const { seen, context, byEndpoint } = run();
  const findings = seen.flatMap((s) => findingsFromInventoryEvent(s.event, context(s)).map((f) => ({ f, s })));
  const of = (detector: string, template: string): Finding | undefined => findings.find((x) => x.f.detector === detector && x.f.endpoint?.template === template)?.f;

  t.equal(findings.filter((x) => x.s.event.event === 'new-endpoint' && x.s.event.template === '/users/{id}').length, 0, 'a documented endpoint is no finding');

  const shadow = of(INVENTORY_DETECTORS.shadow, '/internal/cards');
  t.ok(shadow, 'shadow endpoint');
  t.match(shadow?.explanation.summary, /GET shop\.example\/internal\/cards .*no configured OpenAPI spec/);
  t.match(shadow?.evidence[0], { client: '203.0.113.50', server: '10.0.0.2:80', method: 'GET', target: '/internal/cards', status: 200 });
  t.equal(shadow?.identity, undefined, 'inventory findings name no actor');
  t.equal(shadow?.client, undefined);

  const removed = of(INVENTORY_DETECTORS.zombie, '/export');
  const deprecated = of(INVENTORY_DETECTORS.zombie, '/orders');
  t.match(removed?.explanation.summary, /removed it in version 2\.0/);
  t.match(deprecated?.explanation.summary, /deprecates it/);
  t.ok((removed?.score ?? 0) > (deprecated?.score ?? 1), 'a removed operation scores above a deprecated one');

  const drift = of(INVENTORY_DETECTORS.drift, '/products');
  const items = byEndpoint.get(`GET ${HOST}/products`)?.drift ?? [];
  t.ok(items.some((d) => d.kind === 'auth') && items.some((d) => d.kind === 'param'), `drift items from the diff: ${JSON.stringify(items)}`);
  t.same(
    drift?.explanation.factors.filter((f) => f.name.startsWith('drift.')).map((f) => f.value),
    items.map((d) => d.what),
    'every drift item explained',
  );
  t.ok((drift?.score ?? 0) >= config().severity.high, 'missing auth where the spec wants a token scores high');

  const exposures = findings.filter((x) => x.f.detector === INVENTORY_DETECTORS.sensitive).map((x) => x.f);
  const card = exposures.find((f) => f.sensitiveKinds?.includes('card'));
  const email = exposures.find((f) => f.endpoint?.template === '/users/{id}' && f.sensitiveKinds?.includes('email'));
  t.ok(card && email, `card and email exposures: ${exposures.map((f) => f.explanation.summary).join(' | ')}`);
  t.match(card?.explanation.summary, /card data in its .*field card and is shadow/);
  t.ok((card?.score ?? 0) > (email?.score ?? 1), 'a card number on a shadow endpoint outranks an email on a documented one');
  t.match(card?.evidence[0], { client: '203.0.113.50', note: /card/ });
  // where it matched and a redacted sample: the issuer digits and the length, never the number
  t.match(card?.explanation.factors, [{ name: 'kind', value: 'card' }, { name: 'direction', value: 'response' }, { name: 'location', value: 'body' }, { name: 'field', value: 'card' }, { name: 'rule', value: 'luhn-card' }, { name: 'sample', value: `4111…, ${CARD.length} chars` }]);
  t.match(card?.explanation.summary, /matched by rule luhn-card \(sample 4111…, 19 chars\)/);
  t.notOk(/4111.1111/.test(JSON.stringify(findings)), 'no sensitive value in any finding');
});

t.test('through the policy: severities from the scores and kinds, observe-only recommendations', async (t) => {
  const { seen, context } = run();
  const cfg = config();
  const policy = new AlertPolicy(cfg, new Counters());
  const results = seen.flatMap((s) => findingsFromInventoryEvent(s.event, context(s))).map((f) => ({ f, r: policy.process(f) }));
  t.ok(results.length >= 6);
  for (const { f, r } of results) {
    t.equal(r.outcome, 'new', `${f.detector} ${f.endpoint?.template}`);
    t.equal(r.alert?.severity, severityFor(cfg, f.detector, f.score, f.sensitiveKinds));
    t.equal(r.alert?.recommendation.action, 'observe', 'nobody to throttle or block for an endpoint finding');
  }
  const card = results.find((x) => x.f.sensitiveKinds?.includes('card'));
  const scoreOnly = severityFromScore(card?.f.score ?? 0, cfg.severity);
  t.equal(card?.r.alert?.severity, SEVERITIES[SEVERITIES.indexOf(scoreOnly) + 1], `card raised a level above ${scoreOnly}`);
  // The same event again (a later replay of the same traffic) folds into the open alert.
  const again = seen.flatMap((s) => findingsFromInventoryEvent(s.event, context(s))).map((f) => policy.process({ ...f, ts: f.ts + 60 }).outcome);
  t.ok(again.every((o) => o === 'updated'));
});

t.test('without context: new endpoints yield nothing, exposures still do', async (t) => {
  const base = { type: 'inventory' as const, ts: T0, host: HOST, method: 'GET', template: '/a' };
  t.same(findingsFromInventoryEvent({ ...base, event: 'new-endpoint' }), [], 'no spec status, no finding');
  t.same(findingsFromInventoryEvent({ ...base, event: 'new-endpoint' }, { specStatus: 'documented' }), []);
  const [f] = findingsFromInventoryEvent({ ...base, event: 'new-sensitive-data', location: 'body', field: 'user.ssn', kind: 'ssn' });
  t.match(f, { detector: INVENTORY_DETECTORS.sensitive, sensitiveKinds: ['ssn'], evidence: [{ client: '', server: HOST, target: '/a' }] });
  const [d] = findingsFromInventoryEvent({ ...base, event: 'new-endpoint' }, { specStatus: 'drift' });
  t.equal(d?.detector, INVENTORY_DETECTORS.drift, 'drift without items still reported');
  t.ok((d?.score ?? 0) > 0);
});

t.test('spec-status events: the status and reasons they carry become the finding', async (t) => {
  const base = { type: 'inventory' as const, event: 'spec-status' as const, ts: T0, host: HOST, method: 'GET', template: '/v1/export', client: '198.51.100.9', server: '10.0.0.2:80', httpStatus: 200 };
  const [z] = findingsFromInventoryEvent({ ...base, status: 'zombie', previousStatus: 'unknown', specDetail: { drift: [], zombie: { reason: 'removed', lastVersion: '1', removedIn: '2' } } });
  t.match(z, { detector: INVENTORY_DETECTORS.zombie, explanation: { summary: /removed it in version 2/ }, evidence: [{ client: '198.51.100.9', server: '10.0.0.2:80', status: 200 }] });
  const [d] = findingsFromInventoryEvent({ ...base, status: 'drift', previousStatus: 'documented', specDetail: { drift: [{ kind: 'auth', what: 'auth:none', detail: 'unauthenticated calls answered' }] }, sensitiveKinds: ['card'] });
  t.match(d, { detector: INVENTORY_DETECTORS.drift, sensitiveKinds: ['card'], explanation: { factors: [{ name: 'specStatus' }, { name: 'drift.auth', value: 'auth:none' }] } });
  t.same(findingsFromInventoryEvent({ ...base, status: 'documented', previousStatus: 'unknown' }), [], 'documented is no finding');
});

t.test('credentials in the URL: their own finding, medium, high when the value is a JWT or a key', async (t) => {
  const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  const events: InventoryEvent[] = [];
  const inventory = new Inventory(inventorySchema.parse({}), storeSchema.parse({ flushIntervalSec: 3600 }), new Counters(), null, (e) => events.push(e));
  inventory.observe(tx('GET', `/search?q=a&access_token=${JWT}`, { results: [] }));
  inventory.observe(tx('GET', `/search?q=b&access_token=${JWT}`, { results: [] }));
  inventory.observe(tx('GET', '/export?api_key=live_8f3k2m9q4w7z', { rows: 0 }));
  const inUrl = events.filter((e) => e.event === 'credential-in-url');
  t.same(inUrl.map((e) => `${e.template} ${e.field} ${e.kind} ${e.rule}`), ['/search access_token jwt jwt', '/export api_key credential-field credential-name'], 'once per endpoint and parameter');

  const cfg = config();
  const policy = new AlertPolicy(cfg, new Counters());
  const findings = inUrl.flatMap((e) => findingsFromInventoryEvent(e));
  t.same(findings.map((f) => f.detector), [INVENTORY_DETECTORS.credentialInUrl, INVENTORY_DETECTORS.credentialInUrl]);
  const [jwt, named] = findings;
  t.match(jwt?.explanation, {
    summary: /GET shop\.example\/search takes a JWT in its URL \(query parameter access_token, rule jwt, sample eyJh…, \d+ chars\): proxies, access logs and browser history keep URLs, so move it to a header and rotate it\./,
    factors: [{ name: 'kind', value: 'jwt' }, { name: 'direction', value: 'request' }, { name: 'location', value: 'query' }, { name: 'field', value: 'access_token' }, { name: 'rule', value: 'jwt' }, { name: 'sample' }, { name: 'why' }, { name: 'remedy' }],
  });
  t.match(jwt?.evidence[0], { method: 'GET', target: '/search', note: /jwt in query parameter access_token \(jwt: eyJh…/ });
  t.equal(policy.process(jwt!).alert?.severity, 'high', 'a JWT: medium score raised by its kind');
  t.equal(policy.process(named!).alert?.severity, 'medium', 'a value named api_key: medium');
  t.notOk(JSON.stringify(findings).includes(JWT.slice(0, 12)) || JSON.stringify(findings).includes('live_8f'), 'no credential in a finding');
});

t.test('sensitive data in a whole HTML body says so', async (t) => {
  const base = { type: 'inventory' as const, event: 'new-sensitive-data' as const, ts: T0, host: HOST, method: 'GET', template: '/setup' };
  const [f] = findingsFromInventoryEvent({ ...base, direction: 'response', location: 'body', field: '(body)', kind: 'secret', rule: 'secret-assignment', sample: 'Zq8v…, 40 chars', bodyKind: 'text', contentType: 'text/html' });
  t.equal(f?.explanation.summary, 'GET shop.example/setup returns secret data in its response text/html body; matched by rule secret-assignment (sample Zq8v…, 40 chars).');
  t.match(f?.explanation.factors, [{ name: 'kind' }, { name: 'direction' }, { name: 'location', value: 'body' }, { name: 'field', value: '(body)' }, { name: 'rule', value: 'secret-assignment' }, { name: 'sample', value: 'Zq8v…, 40 chars' }, { name: 'bodyKind', value: 'text' }, { name: 'contentType', value: 'text/html' }]);
  const [old] = findingsFromInventoryEvent({ ...base, location: 'body', field: 'user.ssn', kind: 'ssn' });
  t.equal(old?.explanation.summary, 'GET shop.example/setup returns ssn data in its response body field user.ssn.', 'events of older builds (no rule) still read well');
});
