// Classification against specs: crAPI and VAmPI traffic from their Postman collections plus invented
// undocumented, deprecated and removed calls; drift (params, status codes, auth); orphans in a window.
import t, { type Test } from 'tap';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  aggregateRequests,
  diffInventory,
  importSpec,
  loadSpecFile,
  parseSpecText,
  type ImportedSpec,
  type ObservedEndpoint,
  type ObservedRequest,
} from '../../../../src/inventory/openapi';
import { OPENAPI_DIR, oracle, postmanRequests } from './helpers';
import { needsSharedData } from '../../../helpers/shared-data';

const skip = needsSharedData;
const opKey = (o: { method: string; path: string }): string => `${o.method} ${o.path}`;

interface Scenario {
  specs: ImportedSpec[];
  latest: ImportedSpec;
  collection: ObservedRequest[];
  shadow: ObservedRequest[];
  deprecatedCall: ObservedRequest;
  removedCall: ObservedRequest;
  /** Collection requests known not to be in the spec. */
  collectionShadow: string[];
}

function modifiedVersions(file: string, deprecate: [string, string], remove: [string, string], newVersion: string): ImportedSpec[] {
  const text = readFileSync(file, 'utf8');
  const v1doc = parseSpecText(text, file) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const v2doc = structuredClone(v1doc);
  // v1: the published spec with one operation marked deprecated (neither spec marks any).
  const dep = v1doc['paths']?.[deprecate[1]]?.[deprecate[0]];
  if (!dep) throw new Error(`no ${deprecate.join(' ')}`);
  dep['deprecated'] = true;
  (v2doc['paths']?.[deprecate[1]]?.[deprecate[0]] as Record<string, unknown>)['deprecated'] = true;
  // v2: one operation removed.
  const item = v2doc['paths']?.[remove[1]];
  if (!item?.[remove[0]]) throw new Error(`no ${remove.join(' ')}`);
  delete item[remove[0]];
  (v2doc['info'] as unknown as Record<string, unknown>)['version'] = newVersion;
  return [importSpec(v1doc, `${file} (v1, ${deprecate.join(' ').toUpperCase()} deprecated)`), importSpec(v2doc, `${file} (v2, ${remove.join(' ').toUpperCase()} removed)`)];
}

function runScenario(t: Test, sc: Scenario): ReturnType<typeof diffInventory> {
  const now = 1_700_100_000;
  const all = [...sc.collection, ...sc.shadow, sc.deprecatedCall, sc.removedCall].map((r) => ({ ...r, ts: now - 60 }));
  const observed = aggregateRequests(all);
  const diff = diffInventory(observed, sc.specs, { now, window: 3600 });
  const latestOps = sc.latest.operations;
  const byUri = (r: ObservedRequest) => diff.endpoints.find((e) => e.endpoint.method === r.method.toUpperCase() && e.endpoint.template === (r.uri.split('?')[0] || '/') && e.endpoint.host === r.host);

  // Every documented endpoint seen matches the operation the independent oracle picks.
  const hit = new Set<string>();
  let documented = 0;
  for (const r of sc.collection) {
    const e = byUri(r);
    const want = oracle(latestOps, r.method.toUpperCase(), r.uri);
    if (!want) {
      t.equal(e?.status, 'shadow', `collection call not in spec: ${r.method} ${r.uri}`);
      t.ok(sc.collectionShadow.includes(`${r.method} ${r.uri.split('?')[0]}`), `known undocumented collection call ${r.method} ${r.uri}`);
      continue;
    }
    hit.add(opKey(want));
    t.ok(e?.match, `${r.method} ${r.uri} matched`);
    t.equal(e && e.match ? opKey(e.match.operation) : undefined, opKey(want), `${r.method} ${r.uri} → ${opKey(want)}`);
    t.ok(e?.status === 'documented' || e?.status === 'drift' || e?.status === 'zombie', `${r.method} ${r.uri}: ${e?.status} ${JSON.stringify(e?.drift)}`);
    documented++;
  }
  t.ok(documented > 10, `${documented} documented collection calls`);
  for (const r of sc.shadow) t.equal(byUri(r)?.status, 'shadow', `invented ${r.method} ${r.uri} is shadow`);
  const dep = byUri(sc.deprecatedCall);
  t.equal(dep?.status, 'zombie', 'call to the deprecated operation is zombie');
  t.equal(dep?.zombie?.reason, 'deprecated');
  const rem = byUri(sc.removedCall);
  t.equal(rem?.status, 'zombie', 'call to the removed operation is zombie');
  t.same(rem?.zombie, { reason: 'removed', lastVersion: sc.specs[0]?.version, removedIn: sc.latest.version });
  hit.add(opKey(oracle(latestOps, sc.deprecatedCall.method, sc.deprecatedCall.uri) ?? { method: '', path: '' }));

  // Orphans: exactly the latest operations nobody called.
  const orphans = diff.operations.filter((o) => o.orphan).map((o) => opKey(o.operation)).sort();
  const expected = latestOps.map(opKey).filter((k) => !hit.has(k)).sort();
  t.same(orphans, expected, `${orphans.length} orphans`);
  t.equal(diff.operations.length, latestOps.length, 'operations of the newest version only');
  t.equal(diff.counts.orphan, expected.length);
  t.equal(diff.counts.shadow, new Set([...sc.shadow.map((r) => `${r.method} ${r.uri}`), ...sc.collectionShadow]).size);

  // Outside the window everything is orphan.
  const later = diffInventory(observed, sc.specs, { now: now + 86400, window: 3600 });
  t.equal(later.counts.orphan, latestOps.length, 'traffic older than the window: all orphans');
  return diff;
}

t.test('crAPI: Postman collection traffic', { skip }, async (t) => {
  const file = path.join(OPENAPI_DIR, 'crapi/crapi-openapi-spec.json');
  const env = JSON.parse(readFileSync(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_environment.json'), 'utf8')) as { values: { key: string; value: string }[] };
  const vars = Object.fromEntries(env.values.map((v) => [v.key, v.value]));
  const collection = postmanRequests(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_collection.json'), vars);
  t.ok(collection.length >= 49, `${collection.length} collection requests`);
  const host = '127.0.0.1:8888';
  const specs = modifiedVersions(file, ['post', '/identity/api/auth/v2/check-otp'], ['post', '/identity/api/auth/v2.7/user/login-with-token'], '2-oas3-test');
  t.equal(loadSpecFile(file).operations.length, 44);
  const diff = runScenario(t, {
    specs,
    latest: specs[1]!,
    collection,
    shadow: [
      { host, method: 'GET', uri: '/identity/api/v2/user/export-all', auth: { kind: 'bearer', jwt: true } },
      { host, method: 'POST', uri: '/workshop/api/shop/orders/77/refund' },
      { host, method: 'GET', uri: '/community/api/v3/community/posts/recent?limit=5' },
      { host, method: 'DELETE', uri: '/identity/api/v2/vehicle/vehicles' },
      { host, method: 'GET', uri: '/internal/metrics' },
    ],
    deprecatedCall: { host, method: 'POST', uri: '/identity/api/auth/v2/check-otp', status: 200, auth: { kind: 'none' } },
    removedCall: { host, method: 'POST', uri: '/identity/api/auth/v2.7/user/login-with-token', status: 200, auth: { kind: 'none' } },
    collectionShadow: ['POST /identity/api/auth/verify', 'GET /api/v2/search', 'GET /.well-known/jwks.json'],
  });
  // Real drift in the published crAPI spec, found by its own collection.
  const drifts = diff.endpoints.filter((e) => e.status === 'drift').map((e) => `${e.endpoint.method} ${e.endpoint.template}: ${e.drift.map((d) => d.what).join(',')}`);
  t.same(drifts.sort(), [
    'GET /identity/api/v2/user/videos/convert_video: status:403',
    'GET /workshop/api/shop/products: query:limit,query:offset',
  ]);
});

t.test('VAmPI: Postman collection traffic', { skip }, async (t) => {
  const file = path.join(OPENAPI_DIR, 'vampi/openapi3.yml');
  const collection = postmanRequests(path.join(OPENAPI_DIR, 'vampi/VAmPI.postman_collection.json'), { baseUrl: 'http://localhost:5000' });
  t.equal(collection.length, 14);
  const host = 'localhost:5000';
  const specs = modifiedVersions(file, ['get', '/users/v1/_debug'], ['get', '/createdb'], '0.2');
  runScenario(t, {
    specs,
    latest: specs[1]!,
    // createdb is in the collection; it is the removed call here, so leave it out of "collection".
    collection: collection.filter((r) => r.uri !== '/createdb' && r.uri !== '/users/v1/_debug'),
    shadow: [
      { host, method: 'GET', uri: '/users/v2/name1' },
      { host, method: 'GET', uri: '/admin/export' },
      { host, method: 'PUT', uri: '/users/v1/name1/role', auth: { kind: 'bearer', jwt: true } },
      { host, method: 'PATCH', uri: '/books/v1' },
    ],
    deprecatedCall: { host, method: 'GET', uri: '/users/v1/_debug', status: 200, auth: { kind: 'none' } },
    removedCall: { host, method: 'GET', uri: '/createdb', status: 200, auth: { kind: 'none' } },
    collectionShadow: [],
  });
});

const DRIFT_SPEC = importSpec(
  parseSpecText(
    `openapi: 3.1.0
info: {title: Shop, version: "1"}
servers: [{url: "https://shop.example.com/api"}]
components:
  securitySchemes:
    jwt: {type: http, scheme: bearer, bearerFormat: JWT}
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    NewItem:
      type: object
      properties:
        name: {type: string}
        price: {type: number}
        tags: {type: array, items: {type: object, properties: {label: {type: string}}}}
security: [{jwt: []}]
paths:
  /items/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: X-Tenant, in: header, schema: {type: string}}
      responses: {"200": {description: ok}, "4XX": {description: client error}}
  /items:
    post:
      security: [{key: []}, {}]
      requestBody:
        content:
          application/json: {schema: {$ref: "#/components/schemas/NewItem"}}
      responses: {"201": {description: created}, default: {description: other}}
  /health:
    get:
      security: []
      responses: {"200": {description: ok}}
`,
    'shop.yaml',
  ),
  'shop.yaml',
);

t.test('drift: undeclared parameters, types, status codes and auth are listed', async (t) => {
  const host = 'shop.example.com';
  const base = { host, firstSeen: 1, lastSeen: 2, calls: 10 };
  const observed: ObservedEndpoint[] = [
    {
      ...base,
      method: 'GET',
      template: '/api/items/{id:int}',
      params: [
        { location: 'path', name: 'id', type: 'integer' },
        { location: 'query', name: 'limit', type: 'integer' },
        { location: 'query', name: 'debug', type: 'boolean' },
        { location: 'header', name: 'x-tenant', type: 'string' },
        { location: 'header', name: 'User-Agent', type: 'string' },
        { location: 'header', name: 'X-Internal-Trace', type: 'string' },
      ],
      statusCodes: { '200': 8, '404': 1, '500': 1 },
      auth: [{ kind: 'bearer', jwt: true }, { kind: 'none' }, { kind: 'apiKey', in: 'header', name: 'X-Api-Key' }],
    },
    {
      ...base,
      method: 'POST',
      template: '/api/items',
      params: [
        { location: 'body', name: 'name', type: 'string' },
        { location: 'body', name: 'price', type: 'string' },
        { location: 'body', name: 'tags[].label', type: 'string' },
        { location: 'body', name: 'tags[].color', type: 'string' },
        { location: 'body', name: 'isAdmin', type: 'boolean' },
        { location: 'body', name: 'isAdmin.x', type: 'boolean' },
      ],
      statusCodes: { '201': 5, '503': 1 },
      auth: [{ kind: 'apiKey', in: 'header', name: 'x-api-key' }, { kind: 'none' }, { kind: 'basic' }],
    },
    { ...base, method: 'GET', template: '/api/health', params: [{ location: 'query', name: 'limit', type: 'string' }], statusCodes: { '200': 3 }, auth: [{ kind: 'none' }, { kind: 'bearer' }] },
    { ...base, method: 'GET', template: '/api/items/{id:int}', host: 'shop.example.com', params: [{ location: 'query', name: 'limit', type: 'string' }], statusCodes: { '200': 1 } },
  ];
  const diff = diffInventory(observed, [DRIFT_SPEC], { now: 2, window: 10 });
  const [get, post, health, typed] = diff.endpoints;
  t.equal(get?.status, 'drift');
  t.same(get?.drift.map((d) => d.what), ['query:debug', 'header:X-Internal-Trace', 'status:500', 'auth:none', 'auth:apiKey:header:X-Api-Key']);
  t.match(get?.drift.find((d) => d.what === 'auth:none')?.detail, /unauthenticated calls answered, spec requires jwt/);
  t.equal(post?.status, 'drift');
  t.same(post?.drift.map((d) => d.what), ['body:price', 'body:tags', 'body:isAdmin', 'auth:basic'], 'type drift, nested unknown field, mass-assignment field; 503 covered by default');
  t.same(post?.drift.map((d) => d.kind), ['param-type', 'param', 'param', 'auth']);
  t.equal(health?.status, 'drift');
  t.same(health?.drift.map((d) => d.what), ['query:limit', 'auth:bearer'], 'security: [] declares no auth');
  t.equal(typed?.status, 'drift');
  t.same(typed?.drift.map((d) => [d.kind, d.what]), [['param-type', 'query:limit']]);

  const opts = { now: 2, window: 10, ignoreStatusCodes: [500], ignoreHeaders: ['user-agent', 'x-internal-trace'] };
  const d2 = diffInventory(observed.slice(0, 1), [DRIFT_SPEC], opts);
  t.same(d2.endpoints[0]?.drift.map((d) => d.what), ['query:debug', 'auth:none', 'auth:apiKey:header:X-Api-Key']);
  const clean = diffInventory([{ ...base, method: 'GET', template: '/api/items/5', params: [{ location: 'query', name: 'limit', type: 'integer' }], statusCodes: { '200': 1, '403': 1 }, auth: [{ kind: 'bearer' }] }], [DRIFT_SPEC], opts);
  t.equal(clean.endpoints[0]?.status, 'documented', '4XX range covers 403');
  t.same(clean.counts, { documented: 1, shadow: 0, zombie: 0, drift: 0, orphan: 2 });
});

t.test('several APIs: each endpoint goes to its own API; apiId groups versions', async (t) => {
  const a1 = importSpec({ openapi: '3.0.0', info: { title: 'A', version: '1' }, paths: { '/a/old': { get: {} }, '/a/x': { get: {} } } }, 'a1.json');
  const a2 = importSpec({ openapi: '3.0.0', info: { title: 'A', version: '2' }, paths: { '/a/x': { get: {} } } }, 'a2.json');
  const b = importSpec({ openapi: '3.0.0', info: { title: 'B', version: '1' }, paths: { '/b/y': { get: { deprecated: true } } } }, 'b.json');
  const ep = (p: string): ObservedEndpoint => ({ host: 'h', method: 'GET', template: p, firstSeen: 0, lastSeen: 100, calls: 1 });
  const d = diffInventory([ep('/a/x'), ep('/a/old'), ep('/b/y'), ep('/c')], [a1, a2, b], { now: 100, window: 10 });
  t.same(d.endpoints.map((e) => e.status), ['documented', 'zombie', 'zombie', 'shadow']);
  t.same(d.endpoints.map((e) => e.zombie?.reason), [undefined, 'removed', 'deprecated', undefined]);
  t.same(d.endpoints[1]?.zombie, { reason: 'removed', lastVersion: '1', removedIn: '2' });
  t.same(d.operations.map((o) => [o.spec.version, opKey(o.operation), o.orphan]), [['2', 'GET /a/x', false], ['1', 'GET /b/y', false]]);
  const sep = diffInventory([ep('/a/old')], [a1, { ...a2, apiId: 'other' }], { now: 100, window: 10 });
  t.equal(sep.endpoints[0]?.status, 'documented', 'different apiId: not versions of each other');
});

t.test('drift: JSON null is fine for a declared array or object, not for a declared scalar', async (t) => {
  const base = { host: 'shop.example.com', firstSeen: 1, lastSeen: 2, calls: 1, method: 'POST', template: '/api/items', statusCodes: { '201': 1 } };
  const auth: ObservedEndpoint['auth'] = [{ kind: 'apiKey', in: 'header', name: 'x-api-key' }];
  const nullArray = diffInventory([{ ...base, auth, params: [{ location: 'body', name: 'name', type: 'string' }, { location: 'body', name: 'tags', type: 'null' }] }], [DRIFT_SPEC], { now: 2, window: 10 });
  t.same(nullArray.endpoints[0]?.drift.map((d) => d.what), [], 'null for the tags array (Go nil slice) is not drift');
  const nullScalar = diffInventory([{ ...base, auth, params: [{ location: 'body', name: 'name', type: 'null' }] }], [DRIFT_SPEC], { now: 2, window: 10 });
  t.same(nullScalar.endpoints[0]?.drift.map((d) => [d.kind, d.what]), [['param-type', 'body:name']], 'null for a declared string is drift');
});

t.test('drift: 1/0 for a declared boolean is fine in a query string, not in a JSON body', async (t) => {
  const spec = importSpec(
    {
      openapi: '3.0.0',
      info: { title: 'flags', version: '1' },
      paths: {
        '/attach': {
          post: {
            parameters: [{ name: 'stream', in: 'query', schema: { type: 'boolean' } }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { tty: { type: 'boolean' } } } } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    },
    'flags.json',
  );
  const ep: ObservedEndpoint = {
    host: 'h', method: 'POST', template: '/attach', firstSeen: 1, lastSeen: 2, calls: 1, statusCodes: { '200': 1 },
    params: [{ location: 'query', name: 'stream', type: 'integer' }, { location: 'body', name: 'tty', type: 'integer' }],
  };
  const d = diffInventory([ep], [spec], { now: 2, window: 10 });
  t.same(d.endpoints[0]?.drift.map((x) => [x.kind, x.what]), [['param-type', 'body:tty']], 'only the JSON integer is drift');
});
