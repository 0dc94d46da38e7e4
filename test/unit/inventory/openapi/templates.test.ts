// Spec paths handed to the templater: under each server's base path, also without a version-only
// base path, with the server's host unless it is a placeholder or relative.
import t from 'tap';
import { importSpec, specTemplateEntries } from '../../../../src/inventory/openapi';

const op = { responses: { '200': { description: 'ok' } } };

t.test('servers, base paths and hosts', async (t) => {
  const spec = importSpec(
    {
      openapi: '3.0.3',
      info: { title: 'shop', version: '1' },
      servers: [{ url: 'https://api.shop.example/v2' }, { url: 'http://localhost:8080/v2' }],
      paths: { '/orders/{id}': { get: op, delete: op }, '/health': { get: { ...op, servers: [{ url: '/' }] } } },
    },
    'shop.json',
  );
  const entries = specTemplateEntries([spec]).map((e) => `${e.host ?? '*'} ${e.method} ${e.path}`).sort();
  t.same(entries, [
    '* DELETE /orders/{id}',
    '* DELETE /v2/orders/{id}',
    '* GET /health',
    '* GET /orders/{id}',
    '* GET /v2/orders/{id}',
    'api.shop.example DELETE /orders/{id}',
    'api.shop.example DELETE /v2/orders/{id}',
    'api.shop.example GET /orders/{id}',
    'api.shop.example GET /v2/orders/{id}',
  ]);
});

t.test('a base path that is not a version is required', async (t) => {
  const spec = importSpec({ swagger: '2.0', info: { title: 'x', version: '1' }, basePath: '/shop', paths: { '/items/{sku}': { get: op } } }, 'x.json');
  t.same(specTemplateEntries([spec]), [{ method: 'GET', path: '/shop/items/{sku}' }]);
});
