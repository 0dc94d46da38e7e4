// Export to OpenAPI 3.1: valid under a real validator (@seriousme/openapi-schema-validator), typed
// path/query params, required from presence, body schemas from shapes, security schemes seen; and the
// export → import round trip leaves no shadow endpoints.
import t from 'tap';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { aggregateRequests, diffInventory, exportOpenApi, importSpec, templateToPath, type ObservedEndpoint } from '../../../../src/inventory/openapi';
import { OPENAPI_DIR, postmanRequests, validateOpenApi } from './helpers';
import { needsSharedData } from '../../../helpers/shared-data';

const host = 'api.example.com';
const base = { host, firstSeen: 100, lastSeen: 200, calls: 50 };
const OBSERVED: ObservedEndpoint[] = [
  {
    ...base,
    method: 'GET',
    template: '/users/{id:int}',
    params: [
      { location: 'path', name: 'id', type: 'integer' },
      { location: 'query', name: 'fields', type: 'string', presence: 0.3 },
      { location: 'query', name: 'v', type: 'integer', presence: 1 },
      { location: 'header', name: 'X-Tenant', type: 'string', presence: 1 },
      { location: 'header', name: 'Accept', type: 'string', presence: 1 },
      { location: 'cookie', name: 'theme', type: 'string', presence: 0.1 },
    ],
    statusCodes: { '200': 45, '404': 5 },
    auth: [{ kind: 'bearer', jwt: true }],
    responseBodies: [
      {
        status: 200,
        contentType: 'application/json; charset=utf-8',
        shape: {
          type: 'object',
          properties: {
            id: { type: 'integer', presence: 1 },
            email: { type: 'string', format: 'email', presence: 1 },
            nick: { type: ['string', 'null'], presence: 0.5 },
            roles: { type: 'array', items: { type: 'string' }, presence: 1 },
          },
        },
      },
    ],
  },
  { ...base, method: 'GET', template: '/users/me', statusCodes: { '200': 3 }, auth: [{ kind: 'bearer', jwt: true }, { kind: 'none' }] },
  {
    ...base,
    method: 'POST',
    template: '/users',
    params: [{ location: 'query', name: 'api_key', type: 'string', presence: 1 }],
    statusCodes: { '201': 3, '400': 1 },
    auth: [{ kind: 'apiKey', in: 'query', name: 'api_key' }],
    requestBodies: [{ contentType: 'application/json', shape: { type: 'object', properties: { name: { type: 'string', presence: 1 }, age: { type: 'integer', presence: 0.4 } } } }],
  },
  { ...base, method: 'DELETE', template: '/users/{uid:uuid}/sessions/{sid:int}', statusCodes: { '204': 2 }, auth: [{ kind: 'basic' }] },
  { ...base, method: 'GET', template: '/files/{name}.json', statusCodes: { '200': 1 }, auth: [{ kind: 'apiKey', in: 'header', name: 'X-Api-Key' }, { kind: 'apiKey', in: 'cookie', name: 'sid' }] },
  { ...base, method: 'PUT', template: '/orders/{id:int}', params: [{ location: 'body', name: 'status', type: 'string' }, { location: 'body', name: 'items[].sku', type: 'string' }] },
  { ...base, host: '{tenant}.api.example.com', method: 'GET', template: '/t/status', statusCodes: { '200': 1 } },
  { ...base, method: 'BREW', template: '/coffee', statusCodes: { '418': 1 } },
];

t.test('templateToPath: typed parameters and unique names', async (t) => {
  t.same(templateToPath('/users/{id:int}/posts/{id:int}'), {
    path: '/users/{id}/posts/{id2}',
    params: [
      { name: 'id', type: 'integer' },
      { name: 'id2', type: 'integer' },
    ],
  });
  t.same(templateToPath('/a/{uuid}/{d:date}/{x}'), {
    path: '/a/{uuid}/{d}/{x}',
    params: [
      { name: 'uuid', type: 'string', format: 'uuid' },
      { name: 'd', type: 'string', format: 'date' },
      { name: 'x', type: 'string' },
    ],
  });
  t.equal(templateToPath('/').path, '/');
});

t.test('export: a valid OpenAPI 3.1 document of what was observed', async (t) => {
  const doc = exportOpenApi(OBSERVED, { title: 'Observed', version: '2024.1' });
  const v = await validateOpenApi(doc);
  t.ok(v.valid, `valid: ${JSON.stringify(v.errors)}`);
  t.equal(doc['openapi'], '3.1.0');
  const paths = doc['paths'] as Record<string, Record<string, Record<string, unknown>>>;
  t.same(Object.keys(paths).sort(), ['/files/{name}.json', '/orders/{id}', '/t/status', '/users', '/users/me', '/users/{id}', '/users/{uid}/sessions/{sid}']);
  t.notOk(JSON.stringify(doc).includes('BREW'.toLowerCase() + '"'), 'non-OpenAPI methods left out');
  const getUser = paths['/users/{id}']?.['get'];
  t.same(getUser?.['parameters'], [
    { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
    { name: 'fields', in: 'query', required: false, schema: { type: 'string' } },
    { name: 'v', in: 'query', required: true, schema: { type: 'integer' } },
    { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
    { name: 'theme', in: 'cookie', required: false, schema: { type: 'string' } },
  ], 'path types from the template, required from presence, Accept dropped');
  const resp = (getUser?.['responses'] as Record<string, Record<string, unknown>>)['200'];
  t.same((resp?.['content'] as Record<string, unknown>)['application/json'], {
    schema: {
      type: 'object',
      properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' }, nick: { type: ['string', 'null'] }, roles: { type: 'array', items: { type: 'string' } } },
      required: ['id', 'email', 'roles'],
    },
  });
  t.same(Object.keys(getUser?.['responses'] as object), ['200', '404']);
  t.same(getUser?.['security'], [{ bearerAuth: [] }]);
  t.same(paths['/users/me']?.['get']?.['security'], [{ bearerAuth: [] }, {}], 'anonymous calls → {}');
  const post = paths['/users']?.['post'];
  t.same(post?.['parameters'], undefined, 'API key carrier not listed as a parameter');
  t.same(post?.['requestBody'], { content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] } } } });
  t.same(paths['/orders/{id}']?.['put']?.['requestBody'], {
    content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } } } } } },
  }, 'body schema from dotted parameter names');
  t.same(paths['/orders/{id}']?.['put']?.['responses'], { default: { description: 'No response observed' } });
  t.same((doc['components'] as Record<string, unknown>)['securitySchemes'], {
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    apiKey_query_api_key: { type: 'apiKey', in: 'query', name: 'api_key' },
    basicAuth: { type: 'http', scheme: 'basic' },
    'apiKey_header_X-Api-Key': { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
    apiKey_cookie_sid: { type: 'apiKey', in: 'cookie', name: 'sid' },
  });
  t.same(doc['servers'], [{ url: 'http://api.example.com' }, { url: 'http://{tenant}.api.example.com', variables: { tenant: { default: 'tenant' } } }]);
  t.match(getUser?.['x-tapwatch'], { calls: 50, firstSeen: 100, lastSeen: 200 });

  const one = exportOpenApi(OBSERVED, { title: 'One host', version: '1', host: 'acme.api.example.com', scheme: 'https' });
  t.same(Object.keys(one['paths'] as object), ['/t/status'], '--host: folded tenant host matches');
  t.ok((await validateOpenApi(one)).valid);
  const empty = exportOpenApi([], { title: 'Nothing', version: '0' });
  t.ok((await validateOpenApi(empty)).valid, 'an empty export is valid too');
  t.notOk((await validateOpenApi({ ...doc, info: { title: 'x' } })).valid, 'the validator does reject a broken document');
});

t.test('export → import round trip: zero shadow, zero drift', async (t) => {
  const doc = exportOpenApi(OBSERVED, { title: 'Observed', version: '1' });
  const spec = importSpec(JSON.parse(JSON.stringify(doc)) as unknown, 'export.json');
  const diff = diffInventory(OBSERVED, [spec], { now: 200, window: 1000 });
  const valid = diff.endpoints.filter((e) => e.endpoint.method !== 'BREW');
  t.same(valid.filter((e) => e.status !== 'documented').map((e) => [e.endpoint.template, e.status, e.drift]), []);
  t.equal(diff.counts.orphan, 0);
  // Concrete observed paths also match the exported templates.
  const d2 = diffInventory([{ ...base, method: 'GET', template: '/users/42', firstSeen: 1, lastSeen: 2, calls: 1 }, { ...base, host: 'acme.api.example.com', method: 'GET', template: '/t/status' }], [spec], { now: 200, window: 1000 });
  t.same(d2.endpoints.map((e) => e.status), ['documented', 'documented']);
  t.equal(d2.endpoints[0]?.match?.operation.path, '/users/{id}');
});

t.test('round trip on crAPI and VAmPI collection traffic', { skip: needsSharedData }, async (t) => {
  const env = JSON.parse(readFileSync(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_environment.json'), 'utf8')) as { values: { key: string; value: string }[] };
  const reqs = [
    ...postmanRequests(path.join(OPENAPI_DIR, 'crapi/crAPI.postman_collection.json'), Object.fromEntries(env.values.map((v) => [v.key, v.value]))),
    ...postmanRequests(path.join(OPENAPI_DIR, 'vampi/VAmPI.postman_collection.json'), { baseUrl: 'http://localhost:5000' }),
  ];
  const observed = aggregateRequests(reqs);
  const doc = exportOpenApi(observed, { title: 'crAPI + VAmPI as seen', version: '1' });
  const v = await validateOpenApi(doc);
  t.ok(v.valid, JSON.stringify(v.errors));
  const spec = importSpec(doc, 'export.json');
  const diff = diffInventory(observed, [spec], { now: 2e9, window: 2e9 });
  t.equal(diff.counts.shadow, 0, 'zero shadow');
  t.equal(diff.counts.drift, 0, 'zero drift');
  t.equal(diff.counts.documented, observed.length);
});
