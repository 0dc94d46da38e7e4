// Spec-diff rules of issue 10: a literal path of any version beats a parameter of the newest; a
// versioned base path is never replaced by another version (that is an old API still answering:
// shadow with `otherVersion`); `auth:none` drift only for unauthenticated calls that were answered;
// API keys the spec declares are credentials, not parameters.
import t from 'tap';
import { toObserved } from '../../../../src/inventory/observed';
import { diffInventory, importSpec, type ObservedEndpoint } from '../../../../src/inventory/openapi';
import type { EndpointRow } from '../../../../src/inventory/endpoint-store';
import { learnOptionsForSpecs } from '../../../../src/inventory/spec-auth';
import { classifyTransaction } from '../../../../src/inventory/classify';

const ok = { responses: { 200: { description: 'ok' }, 401: { description: 'no' } } };
const keyed = { ...ok, security: [{ key: [] }] };

function version(v: string, withFindByTags: boolean) {
  return importSpec(
    {
      openapi: '3.0.3',
      info: { title: 'Pets', version: v },
      servers: [{ url: '/api/v3' }],
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'api_key' } } },
      paths: { '/pet/{petId}': { get: keyed }, ...(withFindByTags ? { '/pet/findByTags': { get: ok } } : {}) },
    },
    `pets-${v}.json`,
  );
}

function ep(template: string, extra: Partial<ObservedEndpoint> = {}): ObservedEndpoint {
  return { host: 'h', method: 'GET', template, statusCodes: { 200: 1 }, firstSeen: 1, lastSeen: 1, calls: 1, ...extra };
}

t.test('a literal removed in a later version beats the later version parameter', async (t) => {
  const diff = diffInventory([ep('/api/v3/pet/findByTags'), ep('/api/v3/pet/42')], [version('1', true), version('2', false)], { now: 1, window: 10 });
  t.equal(diff.endpoints[0]?.status, 'zombie');
  t.same(diff.endpoints[0]?.zombie, { reason: 'removed', lastVersion: '1', removedIn: '2' });
  t.equal(diff.endpoints[1]?.status, 'documented', 'the parameter still serves other ids');
  const both = diffInventory([ep('/api/v3/pet/findByTags')], [version('1', true), version('2', true)], { now: 1, window: 10 });
  t.equal(both.endpoints[0]?.status, 'documented', 'kept in the newest version: documented there');
});

t.test('another version under a versioned base path is shadow with its own reason', async (t) => {
  const diff = diffInventory([ep('/api/v2/pet/7')], [version('2', false)], { now: 1, window: 10 });
  t.equal(diff.endpoints[0]?.status, 'shadow');
  t.same(diff.endpoints[0]?.otherVersion, { seen: '/api/v2', specBase: '/api/v3', operation: 'GET /pet/{petId}', apiVersion: '2' });
  t.equal(diffInventory([ep('/api/v3/pet/7')], [version('2', false)], { now: 1, window: 10 }).endpoints[0]?.status, 'documented');
});

function row(auth: Record<string, number>, unauthenticatedSuccess: number, apiKeyNames: Record<string, number> = {}): EndpointRow {
  return {
    host: 'h', method: 'GET', template: '/api/v3/pet/{petId}', firstSeen: 1, lastSeen: 1, calls: 3, specStatus: 'unknown', specDetail: null,
    stats: { auth, unauthenticatedSuccess, apiKeyNames, statusCodes: { 200: 2, 401: 1 }, params: [] },
  };
}

t.test('auth:none drift only when an unauthenticated call was answered', async (t) => {
  const specs = [version('2', false)];
  const refused = diffInventory([toObserved(row({ none: 1, 'api-key-header': 2 }, 0, { 'header:api_key': 2 }))], specs, { now: 1, window: 10 });
  t.same(refused.endpoints[0]?.drift.map((d) => d.what), [], 'unauthenticated calls all refused: no drift, and the declared key is accepted');
  const answered = diffInventory([toObserved(row({ none: 1, 'api-key-header': 2 }, 1, { 'header:api_key': 2 }))], specs, { now: 1, window: 10 });
  t.same(answered.endpoints[0]?.drift.map((d) => d.what), ['auth:none']);
});

t.test("the spec's apiKey scheme makes its header a credential", async (t) => {
  const opts = learnOptionsForSpecs([importSpec({ openapi: '3.0.3', info: { title: 'K', version: '1' }, paths: {}, components: { securitySchemes: { k: { type: 'apiKey', in: 'header', name: 'X-Shop-Key' }, q: { type: 'apiKey', in: 'query', name: 'sig' } } } }, 'k.json')]);
  const tx = {
    method: 'GET', host: 'h', path: '/a', query: 'sig=abcdef123456&page=2', authorization: null, authJwtAlg: null, status: 200,
    headers: ['host', 'x-shop-key', 'x-trace'], cookieNames: [], reqBody: null, reqContentType: null, respBody: null, respContentType: null,
  };
  const c = classifyTransaction(tx as unknown as Parameters<typeof classifyTransaction>[0], opts);
  t.same(c.auth.apiKeyHeaders, ['x-shop-key'], 'the declared header is an API key');
  t.same(c.auth.apiKeyQuery, ['sig'], 'so is the declared query parameter');
  t.equal(c.auth.unauthenticated, false);
  const headerParams = c.request.params.filter((p) => p.location === 'header').map((p) => p.name);
  t.same(headerParams, ['x-trace'], 'the key header is not learned as a parameter');
  const plain = classifyTransaction(tx as unknown as Parameters<typeof classifyTransaction>[0]);
  t.equal(plain.auth.unauthenticated, true, 'without the spec the same call counts as unauthenticated');
});
