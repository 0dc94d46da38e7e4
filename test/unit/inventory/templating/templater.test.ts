import t from 'tap';
import {
  DEFAULT_TEMPLATING_OPTIONS,
  PathTemplater,
  classifyValue,
  extractGraphqlOperations,
  splitPath,
  type Observation,
  type TemplatingOptions,
} from '../../../../src/inventory/templating';

const H = 'api.example.com';
const tpl = (p: PathTemplater, path: string, extra: Partial<Observation> = {}): string =>
  p.observe({ host: H, method: 'GET', path, ...extra }).template;
const mk = (o: Partial<TemplatingOptions> = {}): PathTemplater => new PathTemplater(o);
const SLUGS = ['red-shoe', 'blue-hat', 'green-sock', 'black-belt', 'white-tee', 'pink-scarf', 'gray-coat', 'tan-boot', 'gold-ring', 'teal-cap', 'navy-vest', 'lime-bag'];
const PRODUCT_KEYS = { requestKeys: [] as string[], responseKeys: ['id', 'name', 'price', 'stock', 'images'] };

t.test('classifier', async (t) => {
  const cases: [string, string | null][] = [
    ['123', 'int'], ['-5', 'int'], ['1.5', 'float'], ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['507f1f77bcf86cd799439011', 'oid'], ['3f2a9c8e7d6b5a4f3e2d1c0b9a8f7e6d', 'hex'],
    ['PvjYWDpfVAb7DyyBrmgTNQ', 'token'], ['PvjYWDpf7A', 'alnum'], ['dGhpcyBpcyBhIHRva2VuIQ_-x1', 'token'], ['A1B2C3', 'alnum'], ['user1234', 'alnum'],
    ['bob@example.com', 'email'], ['2024-01-31', 'date'], ['20240131', 'date'], ['2024-01-31T10:00:00Z', 'date'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', 'jwt'], ['10.1.2.3', 'ipv4'], ['+14155550123', 'phone'], ['123-45-6789', 'ssn'],
    ['users', null], ['me', null], ['v1', null], ['v2.1', null], ['v1beta1', null], ['oauth2', null], ['sha256', null],
    ['md5sum', null], ['red-shoe', null], ['report.pdf', null], ['my-long-product-slug-2024', null],
  ];
  for (const [v, want] of cases) t.equal(classifyValue(v), want, v);
  t.equal(classifyValue('1.0', 'api', 1), null, 'numeric version after api stays literal');
  t.equal(classifyValue('1.0', undefined, 0), null, 'numeric version as first segment stays literal');
});

t.test('percent-decoding and normalisation', async (t) => {
  t.same(splitPath('/a%7Eb/c%2Fd//e/./f/../g/?x=1').map((s) => s.literal), ['a~b', 'c%2Fd', 'e', 'g'], 'encoded slash stays in its segment; dot segments resolved');
  const p = mk();
  t.equal(tpl(p, '/files/%7Bid%7D'), '/files/%7Bid%7D', 'literal braces are never placeholders');
  t.equal(tpl(p, '/caf%C3%A9'), '/caf%C3%A9');
  t.equal(tpl(p, '/café'), '/caf%C3%A9', 'raw and encoded forms give one template');
  t.equal(tpl(p, '/A%F1adir'), '/A%F1adir', 'invalid UTF-8 kept raw');
  t.equal(tpl(p, '/users/%31%32%33'), '/users/{id:int}', 'classification runs on the decoded value');
  t.equal(tpl(p, 'http://h/x/1?q'), '/x/{id:int}', 'absolute-form target is cut to its path');
  t.equal(tpl(p, '/'), '/');
  t.equal(tpl(p, '/users/1/'), '/users/{id:int}', 'trailing slash dropped');
});

t.test('/users/me vs ids, typed parameters, versions, dates, files', async (t) => {
  const p = mk();
  t.equal(tpl(p, '/api/v1/users/123'), '/api/v1/users/{id:int}');
  t.equal(tpl(p, '/api/v1/users/456'), '/api/v1/users/{id:int}');
  t.equal(tpl(p, '/api/v1/users/me'), '/api/v1/users/me');
  t.equal(tpl(p, '/api/v1/users/settings'), '/api/v1/users/settings');
  t.equal(tpl(p, '/api/v2.1/users/550e8400-e29b-41d4-a716-446655440000'), '/api/v2.1/users/{id:uuid}');
  t.equal(tpl(p, '/api/1.0/items/2.5'), '/api/1.0/items/{num:float}');
  t.equal(tpl(p, '/reports/2024-01-31/daily'), '/reports/{date:date}/daily');
  t.equal(tpl(p, '/reports/20240131/daily'), '/reports/{date:date}/daily');
  t.equal(tpl(p, '/files/3f2a9c8e7d6b5a4f3e2d1c0b9a8f7e6d/report.pdf'), '/files/{id:hex}/report.pdf', 'file name literal, id param');
  t.equal(tpl(p, '/downloads/507f1f77bcf86cd799439011.pdf'), '/downloads/{id:oid}.pdf', 'stem is an id: extension stays');
  t.equal(tpl(p, '/img/3.gif'), '/img/{id:int}.gif');
  t.equal(tpl(p, '/users/42/orders/7'), '/users/{id:int}/orders/{id2:int}', 'repeated names are numbered');
  t.equal(tpl(p, '/users/bob@example.com'), '/users/{email:email}');
  const r = p.observe({ host: H, method: 'GET', path: '/users/42/orders/7' });
  t.same(r.params, [{ name: 'id', type: 'int', position: 1 }, { name: 'id2', type: 'int', position: 3 }]);
  t.equal(r.source, 'derived');
});

t.test('GraphQL stays one endpoint; operation names extracted', async (t) => {
  const p = mk();
  for (let i = 0; i < 20; i++) {
    t.equal(p.observe({ host: H, method: 'POST', path: '/graphql', requestKeys: ['query', 'variables'], responseKeys: ['data'] }).template, '/graphql');
  }
  t.same(extractGraphqlOperations('{"operationName":"GetUser","query":"query GetUser { me { id } }"}'), [{ type: 'query', name: 'GetUser' }]);
  t.same(extractGraphqlOperations('{"query":"mutation AddPet($n: String) { addPet(name: $n) { id } }"}'), [{ type: 'mutation', name: 'AddPet' }]);
  t.same(extractGraphqlOperations('{"query":"{ me { id } }"}'), [{ type: 'query', name: null }]);
  t.same(extractGraphqlOperations('[{"query":"query A { a }"},{"query":"query B { b }"}]'), [{ type: 'query', name: 'A' }, { type: 'query', name: 'B' }]);
  t.same(extractGraphqlOperations('{"operationName":"Trunc","query":"query Trunc { very long'), [{ type: 'query', name: 'Trunc' }], 'truncated body');
  t.same(extractGraphqlOperations(Buffer.from('subscription OnEvent { e }')), [{ type: 'subscription', name: 'OnEvent' }]);
  t.same(extractGraphqlOperations('{"foo":1}'), []);
});

t.test('evidence gate: slugs merge only after enough agreeing values', async (t) => {
  const p = mk();
  const remaps: string[] = [];
  for (let i = 0; i < 9; i++) {
    const r = p.observe({ host: H, method: 'GET', path: `/products/${SLUGS[i]}`, ...PRODUCT_KEYS });
    t.equal(r.template, `/products/${SLUGS[i]}`, 'literal while waiting');
  }
  const r10 = p.observe({ host: H, method: 'GET', path: `/products/${SLUGS[9]}`, ...PRODUCT_KEYS });
  t.equal(r10.template, '/products/{name:str}', 'the 10th agreeing value merges');
  for (const m of r10.remapped) remaps.push(`${m.from}->${m.to}`);
  t.equal(remaps.length, 10, 'all ten literal templates reported as remapped');
  t.ok(remaps.includes('/products/red-shoe->/products/{name:str}'));
  t.equal(p.observe({ host: H, method: 'GET', path: '/products/lime-bag', ...PRODUCT_KEYS }).template, '/products/{name:str}', 'new agreeing value joins');
  t.equal(p.observe({ host: H, method: 'GET', path: '/products/unknown-thing' }).template, '/products/{name:str}', 'value without keys joins a merged parent');
  t.equal(p.observe({ host: H, method: 'GET', path: '/products/search', responseKeys: ['results', 'total', 'page'] }).template, '/products/search', 'disagreeing keys stay literal');
  t.equal(p.observe({ host: H, method: 'POST', path: '/products/red-shoe', requestKeys: ['qty'] }).template, '/products/red-shoe', 'per method: a method with keys of its own is not decided by another');
  t.equal(p.counters().evidenceMerges, 1);
});

t.test('evidence gate: disagreeing key sets never merge; /users/me and /users/settings stay', async (t) => {
  const p = mk();
  const words = ['me', 'settings', 'export', 'import', 'search', 'count', 'stats', 'bulk', 'invite', 'roles', 'groups', 'audit'];
  for (let i = 0; i < words.length; i++) {
    // Each literal endpoint has its own response shape.
    p.observe({ host: H, method: 'GET', path: `/users/${words[i]}`, responseKeys: [`k${i}a`, `k${i}b`, 'common'] });
  }
  for (const w of words) t.equal(tpl(p, `/users/${w}`), `/users/${w}`);
  // Values without any key evidence do not count either.
  for (const s of SLUGS) p.observe({ host: H, method: 'GET', path: `/blog/${s}` });
  t.equal(tpl(p, '/blog/red-shoe'), '/blog/red-shoe');
  // Keys within the tolerance (1 of 6 differs: distance 1/6 < 0.2... with union 6 vs 5: 1 - 5/6) merge.
  const q = mk();
  for (let i = 0; i < 10; i++) q.observe({ host: H, method: 'GET', path: `/p/${SLUGS[i]}`, responseKeys: ['a', 'b', 'c', 'd', 'e', ...(i % 2 ? ['f'] : [])] });
  t.equal(tpl(q, '/p/red-shoe'), '/p/{name:str}');
  t.equal(mk().opts.minDistinctValues, DEFAULT_TEMPLATING_OPTIONS.minDistinctValues);
});

t.test('evidence under deeper paths (suffix-qualified keys)', async (t) => {
  const p = mk();
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
  for (const u of users) p.observe({ host: H, method: 'GET', path: `/repos/${u}/issues`, responseKeys: ['items', 'total'] });
  t.equal(tpl(p, '/repos/mallory/issues'), '/repos/{name:str}/issues');
  t.same(p.templates().filter((x) => x.template.startsWith('/repos')).map((x) => x.template), ['/repos/{name:str}/issues']);
});

t.test('per-tenant host folding', async (t) => {
  const p = mk();
  const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne', 'soylent'];
  let folded: string | undefined;
  for (const [i, name] of tenants.entries()) {
    const host = `${name}.api.example.com`;
    p.observe({ host, method: 'GET', path: '/v1/orders' });
    const r = p.observe({ host, method: 'GET', path: `/v1/orders/${100 + i}` });
    if (i < 9) t.equal(r.hostTemplate, host, `${host} literal while waiting`);
    if (i === 9) {
      folded = r.hostTemplate;
      t.ok(r.remapped.some((m) => m.fromHost === 'acme.api.example.com' && m.toHost === '{tenant}.api.example.com'), 'host remaps reported');
    }
  }
  t.equal(folded, '{tenant}.api.example.com');
  t.equal(p.observe({ host: 'newco.api.example.com', method: 'GET', path: '/v1/orders' }).hostTemplate, '{tenant}.api.example.com', 'new tenant joins');
  t.equal(p.observe({ host: 'Soylent.API.example.com.', method: 'GET', path: '/v1/orders' }).hostTemplate, '{tenant}.api.example.com');
  t.equal(p.counters().hostFolds, 1);
  const orders = p.templates().filter((x) => x.host === '{tenant}.api.example.com').map((x) => x.template).sort();
  t.same(orders, ['/v1/orders', '/v1/orders/{id:int}'], 'trees merged');
  // Hosts serving different APIs do not fold; IPs and two-label names never.
  const q = mk();
  for (let i = 0; i < 12; i++) q.observe({ host: `svc${i}x.corp.example.com`, method: 'GET', path: `/svc${i}x/only-here` });
  t.equal(q.counters().hostFolds, 0);
  t.equal(q.observe({ host: '10.0.0.1:8080', method: 'GET', path: '/' }).hostTemplate, '10.0.0.1:8080');
  // splitHost pins a label.
  p.splitHost('special.api.example.com');
  t.equal(p.observe({ host: 'special.api.example.com', method: 'GET', path: '/v1/orders' }).hostTemplate, 'special.api.example.com');
});

t.test('spec templates win over derived ones', async (t) => {
  const p = mk();
  t.equal(tpl(p, '/pets/123'), '/pets/{id:int}');
  const retired = p.addSpecTemplates([{ path: '/pets/{petId}' }, { path: '/pets/findByStatus', method: 'GET' }, { host: 'other.example.com', path: '/x/{y}' }]);
  t.same(retired.map((r) => [r.from, r.to]), [['/pets/{id:int}', '/pets/{petId}']], 'derived template retired and remapped');
  const r = p.observe({ host: H, method: 'GET', path: '/pets/456' });
  t.equal(r.template, '/pets/{petId}');
  t.equal(r.source, 'spec');
  t.same(r.params, [{ name: 'petId', type: 'any', position: 1 }]);
  t.equal(tpl(p, '/pets/findByStatus'), '/pets/findByStatus', 'literal spec path beats the parameter');
  t.equal(tpl(p, '/pets/fluffy'), '/pets/{petId}', 'any value, even a word');
  t.equal(tpl(p, '/x/1'), '/x/{id:int}', 'host-scoped spec template does not apply elsewhere');
  t.equal(p.observe({ host: 'other.example.com', method: 'GET', path: '/x/1' }).template, '/x/{y}');
  p.addSpecTemplates([{ path: '/reports/{name}.{format}' }]);
  t.same(p.observe({ host: H, method: 'GET', path: '/reports/q1.pdf' }).params.map((x) => x.name), ['name', 'format']);
  t.equal(p.counters().specMatches, 5);
});

t.test('approve / merge / split persist across fromState', async (t) => {
  const p = mk();
  // merge: user says the slugs are one parameter without waiting for evidence.
  p.observe({ host: H, method: 'GET', path: '/shop/red-shoe' });
  const mr = p.merge({ host: H, method: 'GET', template: '/shop/{slug}' });
  t.same(mr.map((x) => x.from), ['/shop/red-shoe']);
  t.throws(() => p.merge({ host: H, template: '/shop/literal' }));
  // approve a derived template: fixed from now on.
  p.observe({ host: H, method: 'GET', path: '/orders/1' });
  p.approve({ host: H, method: 'GET', template: '/orders/{id:int}' });
  // evidence merge, then split one literal out and undo another merge entirely.
  for (let i = 0; i < 10; i++) p.observe({ host: H, method: 'GET', path: `/products/${SLUGS[i]}`, ...PRODUCT_KEYS });
  t.equal(tpl(p, '/products/special-offer'), '/products/{name:str}');
  p.split({ host: H, method: 'GET', path: '/products/special-offer' });
  t.equal(tpl(p, '/products/special-offer'), '/products/special-offer', 'pinned literal');
  for (let i = 0; i < 10; i++) p.observe({ host: H, method: 'GET', path: `/brands/${SLUGS[i]}`, ...PRODUCT_KEYS });
  t.equal(tpl(p, '/brands/red-shoe'), '/brands/{name:str}');
  const undone = p.split({ host: H, method: 'GET', template: '/brands/{name:str}' });
  t.same(undone, [{ fromHost: H, toHost: H, method: 'GET', from: '/brands/{name:str}', to: null }]);

  const json = JSON.parse(JSON.stringify(p.state()));
  const q = PathTemplater.fromState(json);
  for (const x of [p, q]) {
    t.equal(tpl(x, '/shop/blue-hat'), '/shop/{slug}');
    t.equal(x.observe({ host: H, method: 'GET', path: '/orders/99' }).source, 'approved');
    t.equal(tpl(x, '/products/special-offer'), '/products/special-offer');
    t.equal(tpl(x, '/products/new-thing', PRODUCT_KEYS), '/products/{name:str}');
    for (let i = 0; i < 12; i++) x.observe({ host: H, method: 'GET', path: `/brands/${SLUGS[i]}`, ...PRODUCT_KEYS });
    t.equal(tpl(x, '/brands/red-shoe'), '/brands/red-shoe', 'undone merge is never re-derived');
  }
  t.same(JSON.parse(JSON.stringify(q.state())).fixed, json.fixed);
  t.equal(q.counters().evidenceMerges, p.counters().evidenceMerges);
  // approved beats spec
  q.addSpecTemplates([{ path: '/orders/{orderId}' }]);
  t.equal(tpl(q, '/orders/5'), '/orders/{id:int}');
});

t.test('bounds fire and are counted', async (t) => {
  const p = mk({ maxTemplatesPerHost: 5 });
  for (let i = 0; i < 5; i++) t.equal(tpl(p, `/e${i}x/a`), `/e${i}x/a`);
  const r = p.observe({ host: H, method: 'GET', path: '/e9x/a' });
  t.equal(r.template, '/{overflow}');
  t.equal(r.source, 'overflow');
  t.equal(tpl(p, '/e1x/a'), '/e1x/a', 'known templates still resolve');
  t.equal(p.counters().overflowTemplates, 1);
  t.equal(p.counters().templates, 5);

  const h = mk({ maxHosts: 3 });
  for (let i = 0; i < 5; i++) h.observe({ host: `h${i}.example.org`, method: 'GET', path: '/' });
  t.equal(h.observe({ host: 'h4.example.org', method: 'GET', path: '/' }).hostTemplate, '{overflow}');
  t.equal(h.counters().overflowHosts, 3);

  const q = mk({ maxPendingPerParent: 10 });
  for (let i = 0; i < 10; i++) t.equal(tpl(q, `/tags/word${'abcdefghij'[i]}`), `/tags/word${'abcdefghij'[i]}`);
  t.equal(tpl(q, '/tags/another'), '/tags/{overflow}');
  t.equal(tpl(q, '/tags/another/deeper/1'), '/tags/{overflow}', 'the overflow absorbs the rest of the path');
  t.equal(q.counters().overflowPending, 2);

  const s = mk({ maxSegments: 4 });
  t.equal(tpl(s, '/a/b/c/d/e/f'), '/a/b/c/{overflow}');
  t.equal(tpl(s, '/a/b/c/d'), '/a/b/c/d');
  t.equal(s.counters().truncatedPaths, 1);

  const k = mk({ maxKeysPerValue: 3 });
  k.observe({ host: H, method: 'GET', path: '/k/v', responseKeys: ['a', 'b', 'c', 'd', 'e'] });
  const node = k.state().hosts[0]?.methods[0]?.[1].c?.[0]?.[1].c?.[0]?.[1];
  t.equal(node?.e?.length, 3, 'evidence keys bounded');

  t.throws(() => mk({ maxPendingPerParent: 5 }), RangeError);
});

t.test('peek answers only what observe would answer without learning', async (t) => {
  const p = mk();
  t.equal(p.peek(H, 'GET', '/users/7'), null, 'unknown host');
  tpl(p, '/users/7', { responseKeys: ['id', 'name'] });
  tpl(p, '/users/me', { responseKeys: ['id', 'name', 'settings'] });
  const before = p.counters().observations;
  t.same(p.peek(H, 'get', '/users/12345'), { hostTemplate: H, template: '/users/{id:int}' }, 'a new id walks the typed child');
  t.same(p.peek(H, 'GET', 'http://api.example.com/users/9'), { hostTemplate: H, template: '/users/{id:int}' }, 'absolute-form target');
  t.same(p.peek(H, 'GET', '/users/me'), { hostTemplate: H, template: '/users/me' }, 'a known literal');
  t.equal(p.peek(H, 'GET', '/users/settings'), null, 'an unknown literal needs its keys for the gate');
  t.equal(p.peek(H, 'GET', '/users'), null, 'a prefix that is not an endpoint');
  t.equal(p.peek(H, 'POST', '/users/7'), null, 'another method');
  t.equal(p.counters().observations, before, 'peek observes nothing');
  t.same(p.templates().map((x) => x.template).sort(), ['/users/me', '/users/{id:int}'], 'and adds no template');
  p.addSpecTemplates([{ path: '/users/{userId}' }]);
  t.equal(p.peek(H, 'GET', '/users/42'), null, "the host's tenant gate has not seen the spec template yet");
  tpl(p, '/users/41');
  t.same(p.peek(H, 'GET', '/users/42')?.template, '/users/{userId}', 'then the spec template wins, as in observe');
});

t.test('peek leaves a tenant host that is still gathering evidence to observe', async (t) => {
  const p = mk();
  tpl(p, '/orders/1', { host: 'acme.shop.example' });
  t.equal(p.peek('acme.shop.example', 'GET', '/orders/2')?.template, '/orders/{id:int}', 'same endpoint: the host gate has it already');
  tpl(p, '/health', { host: 'acme.shop.example' });
  t.same(p.peek('acme.shop.example', 'GET', '/health'), { hostTemplate: 'acme.shop.example', template: '/health' });
});
