// Binding rules on specs and endpoints built here: a spec's own server host is bound from its first
// call; any other host after `minOperations` distinct operations with few undocumented
// paths under the base path; 404-only endpoints are no evidence; configured patterns bind exactly
// their hosts; learned bindings stick; an endpoint on an unbound host is not classified.
import t from 'tap';
import { specBindingSchema } from '../../../src/inventory/config';
import { importSpec, type ObservedEndpoint } from '../../../src/inventory/openapi';
import { SpecBinder } from '../../../src/inventory/spec-binding';
import { SpecClassifier } from '../../../src/inventory/spec-classifier';

const CONFIG = specBindingSchema.parse({});
const ok = { responses: { 200: { description: 'ok' } } };

function spec(servers: { url: string }[], hosts?: string[]) {
  const s = importSpec(
    {
      openapi: '3.0.3',
      info: { title: 'Orders', version: '1' },
      servers,
      paths: { '/orders': { get: ok, post: ok }, '/orders/{id}': { get: ok, delete: ok }, '/customers/{id}': { get: ok } },
    },
    'orders.json',
  );
  return hosts ? { ...s, hosts } : s;
}

function ep(host: string, method: string, template: string, status = 200): ObservedEndpoint {
  return { host, method, template, statusCodes: { [String(status)]: 3 }, firstSeen: 1, lastSeen: 2, calls: 3 };
}

function bind(binder: SpecBinder, host: string, eps: ObservedEndpoint[]) {
  return binder.bindingsFor(host, eps.map((e) => binder.evidence(e)));
}

t.test("the spec's server host is bound from its first call", async (t) => {
  const b = new SpecBinder([spec([{ url: 'https://orders.example.com/api' }])], CONFIG);
  t.same(bind(b, 'orders.example.com', [ep('orders.example.com', 'GET', '/api/orders')]).map((x) => x.reason), ['server'], "the spec's server host is bound");
  t.same(bind(b, 'orders.example.com', []).map((x) => x.reason), ['server'], 'bound from its first call, before any evidence');
  t.same(bind(b, '10.0.0.5:8080', [ep('10.0.0.5:8080', 'GET', '/api/orders')]), [], 'another host needs more evidence');
});

t.test('another host is learned from several operations and few undocumented paths', async (t) => {
  const b = new SpecBinder([spec([{ url: 'https://orders.example.com/api' }])], CONFIG);
  const host = 'lb.internal:8080';
  const three = [ep(host, 'GET', '/api/orders'), ep(host, 'POST', '/api/orders'), ep(host, 'GET', '/api/orders/{id:int}')];
  t.same(bind(b, host, three.slice(0, 2)), [], 'two operations are not enough');
  const learned = bind(b, host, three);
  t.same(learned.map((x) => [x.reason, x.operations]), [['learned', 3]]);
  const noisy = [...three, ...['a', 'b', 'c', 'd'].map((p) => ep(host, 'GET', `/api/${p}`))];
  t.same(bind(b, host, noisy), [], 'more undocumented paths under the base path than documented ones: another API');
  const outside = [...three, ...['a', 'b', 'c', 'd'].map((p) => ep(host, 'GET', `/static/${p}`))];
  t.equal(bind(b, host, outside).length, 1, 'paths outside the base path are no evidence against it');
  const notFound = [ep(host, 'GET', '/api/orders', 404), ep(host, 'POST', '/api/orders', 404), ep(host, 'GET', '/api/orders/{id:int}', 404)];
  t.same(bind(b, host, notFound), [], 'calls answered 404 are no evidence (scanners, wrong host)');
  const strict = new SpecBinder([spec([{ url: '/api' }])], { ...CONFIG, minOperations: 4 });
  t.same(bind(strict, host, three), [], 'minOperations is honoured');
});

t.test('configured hosts bind exactly the hosts they name, with or without evidence', async (t) => {
  const b = new SpecBinder([spec([{ url: 'https://orders.example.com' }], ['*.orders.internal', '10.20.0.0/16'])], CONFIG);
  t.same(bind(b, 'eu.orders.internal', []).map((x) => [x.reason, x.pattern]), [['config', '*.orders.internal']]);
  t.same(bind(b, 'orders.example.com', [ep('orders.example.com', 'GET', '/orders')]), [], 'the server host is not bound when hosts are named');
  t.same(b.bindingsFor('api.x', [], '10.20.3.4:80').map((x) => x.pattern), ['10.20.0.0/16']);
});

t.test('the classifier: no spec on unbound hosts, learned bindings stick', async (t) => {
  const c = new SpecClassifier([spec([{ url: '/api' }])], CONFIG);
  const host = 'svc:9000';
  const eps = [ep(host, 'GET', '/api/orders'), ep(host, 'POST', '/api/orders'), ep(host, 'DELETE', '/api/orders/{id:int}'), ep(host, 'GET', '/api/secret-admin')];
  t.equal(c.classify(eps[3] as ObservedEndpoint), null, 'before binding: no spec, not shadow');
  const change = c.rebind(host, eps.map((e) => c.evidence(e)));
  t.same(change?.added.map((b) => b.reason), ['learned']);
  t.equal(c.classify(eps[3] as ObservedEndpoint)?.status, 'shadow', 'after binding, an undocumented path is shadow');
  t.equal(c.classify(eps[0] as ObservedEndpoint)?.status, 'documented');
  t.equal(c.rebind(host, []), null, 'less evidence later (merged templates) does not unbind');
  t.equal(c.classify(ep('other:1', 'GET', '/api/orders')), null, 'another host stays unclassified');
});
