// Issue 10 §3: usernames split one endpoint into `/user/{id:alnum}`, `/user/{name:str}`,
// `/user/{email:email}` and literal rows. A position under one parent holds one parameter when the
// keys agree; literal endpoints beside it (`/user/login`, `/user/logout`) stay literal.
import t from 'tap';
import { PathTemplater, classifyValue, type Remap, type TemplaterState } from '../../../../src/inventory/templating';
import { userTraffic, type UserCall } from '../../../helpers/user-traffic';

const H = 'petstore.internal:8080';
const USER_KEYS = ['id', 'username', 'firstName', 'lastName', 'email', 'password', 'phone', 'userStatus'];
const SEEDS = [1, 2, 3, 4, 5, 6];

/** The endpoint a call belongs to, from the API's design (Petstore's paths), not from the templater. */
function designed(c: UserCall): string {
  const segs = c.path.split('/').filter((s) => s !== '');
  if (segs.length === 1) return `${c.method} /user`;
  if (segs.length === 2 && ['login', 'logout', 'createWithList'].includes(segs[1] as string)) return `${c.method} ${c.path}`;
  return `${c.method} /user/{username}${segs.length === 3 ? '/' + (segs[2] as string) : ''}`;
}

/** A derived template rendered in the design's terms: its one string parameter named `{username}`. */
const asDesigned = (method: string, template: string): string => `${method} ${template.replace('{name:str}', '{username}')}`;

for (const seed of SEEDS) {
  t.test(`seed ${seed}: one endpoint per designed path, literal siblings stay`, async (t) => {
    const calls = userTraffic(seed);
    // The traffic has what split the endpoint: names that classify as typed parameters and words.
    const kinds = new Set(calls.filter((c) => designed(c).includes('{username}')).map((c) => classifyValue(decodeURIComponent(c.path.split('/')[2] as string)) ?? 'word'));
    t.ok(kinds.has('word') && kinds.has('email') && kinds.has('alnum'), `username kinds: ${[...kinds].join(', ')}`);

    const p = new PathTemplater();
    for (const c of calls) p.observe({ host: H, ...c });
    const want = new Set(calls.map(designed));
    const got = new Set(p.templates().map((x) => asDesigned(x.method, x.template)));
    t.same([...got].sort(), [...want].sort(), 'derived templates are the designed endpoints');
    // Every call, asked again, lands on its designed endpoint.
    const wrong = calls.filter((c) => asDesigned(c.method, p.observe({ host: H, ...c }).template) !== designed(c));
    t.same(wrong.map((c) => `${c.method} ${c.path}`), [], 'no call on another template');
    t.ok(p.counters().typedFolds > 0, 'typed parameters were folded');
  });
}

const user = (name: string, keys = USER_KEYS): { host: string; method: string; path: string; responseKeys: string[] } => ({ host: H, method: 'GET', path: `/user/${name}`, responseKeys: keys });
const WORDS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'olivia'];

t.test('a typed parameter seen before the merge folds into it, and later typed values go straight to it', async (t) => {
  const p = new PathTemplater();
  t.equal(p.observe(user('jsmith1987')).template, '/user/{id:alnum}', 'typed at once, as before');
  const remaps: Remap[] = [];
  for (const w of WORDS.slice(0, 10)) remaps.push(...p.observe(user(w)).remapped);
  t.ok(remaps.some((r) => r.from === '/user/{id:alnum}' && r.to === '/user/{name:str}'), 'alnum remapped');
  t.equal(p.observe(user('ann.lee@example.com')).template, '/user/{name:str}', 'a new email name');
  t.equal(p.observe(user('x7k2p9q4')).template, '/user/{name:str}', 'a new alnum name');
  t.equal(p.observe(user('31337')).template, '/user/{name:str}', 'a numeric name');
  t.equal(p.observe({ host: H, method: 'GET', path: '/user/zq81ka77' }).template, '/user/{name:str}', 'a typed value without keys');
  t.same(p.templates().map((x) => x.template), ['/user/{name:str}']);
  t.same(p.peek(H, 'GET', '/user/pq73mm19'), { hostTemplate: H, template: '/user/{name:str}' }, 'peek agrees');
});

t.test('two typed siblings with agreeing keys are one parameter; disagreeing ones stay apart', async (t) => {
  const p = new PathTemplater();
  p.observe(user('jsmith1987'));
  const r = p.observe(user('ann.lee@example.com'));
  t.equal(r.template, '/user/{name:str}', 'alnum and email agree: one parameter');
  t.same(r.remapped.map((x) => x.from).sort(), ['/user/{email:email}', '/user/{id:alnum}']);
  t.equal(p.observe(user('bo.tan@example.org')).template, '/user/{name:str}');

  const q = new PathTemplater();
  q.observe({ host: H, method: 'GET', path: '/files/42', responseKeys: ['size', 'mime', 'created'] });
  q.observe({ host: H, method: 'GET', path: '/files/550e8400-e29b-41d4-a716-446655440000', responseKeys: ['items', 'total', 'next'] });
  t.same(q.templates().map((x) => x.template).sort(), ['/files/{id:int}', '/files/{id:uuid}']);
  t.equal(q.counters().typedFolds, 0);
});

t.test('a typed parameter whose keys contradict the merged signature stays apart', async (t) => {
  const p = new PathTemplater();
  for (const w of WORDS.slice(0, 10)) p.observe(user(w));
  t.equal(p.observe({ host: H, method: 'GET', path: '/user/2024-01-31', responseKeys: ['day', 'signups', 'logins'] }).template, '/user/{date:date}');
  t.equal(p.observe({ host: H, method: 'GET', path: '/user/2024-02-01', responseKeys: ['day', 'signups', 'logins'] }).template, '/user/{date:date}');
});

t.test('optional fields and deeper paths: values seen before the merge all join it', async (t) => {
  const p = new PathTemplater();
  // A client that leaves both optional fields out is too far from the full users for the gate
  // (2 of 8 keys), yet every key it sends is one the merged users have.
  p.observe({ host: H, method: 'PUT', path: '/user/alice', requestKeys: USER_KEYS.slice(0, 6) });
  p.observe({ host: H, method: 'GET', path: '/user/zoe/payment-methods', responseKeys: ['id', 'type', 'last4'] });
  for (const [i, w] of WORDS.slice(1, 11).entries()) {
    p.observe({ host: H, method: 'PUT', path: `/user/${w}`, requestKeys: i % 2 ? USER_KEYS : USER_KEYS.slice(0, 7) });
    p.observe(user(w));
  }
  t.same(p.templates().filter((x) => x.method === 'PUT').map((x) => x.template), ['/user/{name:str}'], 'PUT /user/alice without the optional fields joined');
  t.same(p.templates().filter((x) => x.method === 'GET').map((x) => x.template).sort(), ['/user/{name:str}', '/user/{name:str}/payment-methods'], 'a value seen only under a deeper path joined');
});

t.test('lookup misses (404 without keys) join the parameter; a key-less literal endpoint does not', async (t) => {
  const p = new PathTemplater();
  p.observe({ host: H, method: 'GET', path: '/user/logout', status: 200 });
  p.observe({ host: H, method: 'GET', path: '/user/nobody', status: 404 });
  p.observe({ host: H, method: 'GET', path: '/user/ghost', responseKeys: ['code', 'message'], status: 404 });
  p.observe({ host: H, method: 'GET', path: '/user/found-later', status: 404 });
  p.observe({ ...user('found-later'), status: 200 });
  for (const w of WORDS.slice(0, 10)) p.observe({ ...user(w), status: 200 });
  t.same(p.templates().map((x) => x.template).sort(), ['/user/logout', '/user/{name:str}']);
  t.equal(p.observe({ host: H, method: 'GET', path: '/user/ghost' }).template, '/user/{name:str}', "an error body's keys are no evidence");
});

t.test('a username is not an API version: v5felz5 joins, v1beta1 and v2 stay literal', async (t) => {
  const p = new PathTemplater();
  for (const w of WORDS.slice(0, 10)) p.observe(user(w));
  t.equal(p.observe(user('v5felz5')).template, '/user/{name:str}');
  t.equal(p.observe({ host: H, method: 'GET', path: '/api/v1beta1/pods', responseKeys: ['items'] }).template, '/api/v1beta1/pods');
  t.equal(p.observe({ host: H, method: 'GET', path: '/v1p1beta1/images', responseKeys: ['items'] }).template, '/v1p1beta1/images');
  t.equal(p.observe({ host: H, method: 'GET', path: '/v2/pods', responseKeys: ['items'] }).template, '/v2/pods');
});

t.test('a state written before typed folding loads, and its split position heals', async (t) => {
  // What the templater stored before this change for `/user/{id:alnum}` beside `/user/{name:str}`.
  const sig = USER_KEYS.map((k) => `#r:${k}`);
  const old = {
    version: 1,
    hosts: [{ host: H, methods: [['GET', { c: [['user', { e: [], c: [['{alnum}', { t: 1 }], ['{str}', { t: 1 }]], m: sig }]] }]] }],
    hostGates: [],
    fixed: [],
    counters: { observations: 240, evidenceMerges: 1 },
  } as unknown as TemplaterState;
  const p = PathTemplater.fromState(old);
  t.same(p.templates().map((x) => x.template).sort(), ['/user/{id:alnum}', '/user/{name:str}']);
  t.equal(p.counters().templates, 2);
  const r = p.observe(user('jsmith1987'));
  t.equal(r.template, '/user/{name:str}');
  t.same(r.remapped.map((x) => [x.from, x.to]), [['/user/{id:alnum}', '/user/{name:str}']]);
  t.equal(p.counters().templates, 1);
  // The fold survives a save and restore.
  const q = PathTemplater.fromState(JSON.parse(JSON.stringify(p.state())) as TemplaterState);
  t.equal(q.observe({ host: H, method: 'GET', path: '/user/mk29dd81' }).template, '/user/{name:str}');
  t.same(q.peek(H, 'GET', '/user/ab12cd34'), { hostTemplate: H, template: '/user/{name:str}' });
});

t.test('a spec template settles it: derived rows retire to the most literal spec path', async (t) => {
  for (const host of [undefined, H]) {
    const p = new PathTemplater();
    for (const c of userTraffic(7)) p.observe({ host: H, ...c });
    const entries = ['GET', 'PUT', 'DELETE'].flatMap((method) => [{ method, path: '/user/{username}' }]);
    entries.push({ method: 'GET', path: '/user/login' }, { method: 'GET', path: '/user/logout' });
    const remaps = p.replaceSpecTemplates(entries.map((e) => (host ? { host, ...e } : e)));
    const to = new Map(remaps.map((r) => [`${r.method} ${r.from}`, r.to]));
    t.equal(to.get('GET /user/login'), '/user/login', `login retires to its own spec path (host ${host ?? '*'})`);
    t.equal(to.get('GET /user/logout'), '/user/logout');
    t.equal(to.get('GET /user/{name:str}'), '/user/{username}');
    t.equal(to.get('DELETE /user/{name:str}'), '/user/{username}');
    t.same(p.templates().map((x) => `${x.method} ${x.template}`).sort(), ['GET /user/{name:str}/payment-methods', 'POST /user', 'POST /user/createWithList']);
  }
  const other = new PathTemplater();
  other.observe(user('alice'));
  t.same(other.replaceSpecTemplates([{ host: 'elsewhere.example', method: 'GET', path: '/user/{username}' }]), [], "another host's spec retires nothing here");
});

t.test("bound: a typed parameter's evidence keys stop at maxKeysPerValue", async (t) => {
  const p = new PathTemplater({ maxKeysPerValue: 3 });
  p.observe({ host: H, method: 'GET', path: '/orders/1', responseKeys: ['a', 'b', 'c', 'd'] });
  p.observe({ host: H, method: 'GET', path: '/orders/2', responseKeys: ['e', 'f'] });
  const typed = p.state().hosts[0]?.methods[0]?.[1].c?.[0]?.[1].c?.find(([k]) => k === '{int}')?.[1];
  t.equal(typed?.p?.length, 3);
});
