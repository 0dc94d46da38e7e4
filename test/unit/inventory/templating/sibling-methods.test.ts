// Issue 10 §3: `DELETE /user/{username}` stayed 20 concrete paths because empty responses give the
// evidence gate nothing. A method whose values carry no keys takes the parameter its sibling methods
// (or a spec template of another method) have at the same position; a literal they keep stays literal.
import t from 'tap';
import { PathTemplater, type Observation } from '../../../../src/inventory/templating';
import { prng } from '../../../helpers/prng';

const H = 'petstore.internal:8080';
const USER_KEYS = ['id', 'username', 'firstName', 'lastName', 'email', 'password', 'phone', 'userStatus'];

/** Distinct word-like usernames (no digits: the evidence gate decides them), seeded. */
function names(seed: number, n: number): string[] {
  const rnd = prng(seed);
  const out = new Set<string>();
  const syl = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fe'];
  while (out.size < n) {
    const parts = 2 + Math.floor(rnd() * 2);
    let s = '';
    for (let i = 0; i < parts; i++) s += syl[Math.floor(rnd() * syl.length)];
    out.add(rnd() < 0.3 ? `${s}.${syl[Math.floor(rnd() * syl.length)]}${syl[Math.floor(rnd() * syl.length)]}` : s);
  }
  return [...out];
}

const get = (name: string): Observation => ({ host: H, method: 'GET', path: `/user/${name}`, responseKeys: USER_KEYS, status: 200 });
const del = (name: string): Observation => ({ host: H, method: 'DELETE', path: `/user/${name}`, status: 200 });
const listOf = (p: PathTemplater, method: string): string[] => p.templates().filter((x) => x.method === method).map((x) => x.template).sort();

for (const seed of [11, 12, 13, 14]) {
  t.test(`seed ${seed}: deletes before and after the GET merge end on one template`, async (t) => {
    const users = names(seed, 40);
    const p = new PathTemplater();
    p.observe({ host: H, method: 'GET', path: '/user/login', requestKeys: ['username', 'password'], status: 200 });
    p.observe({ host: H, method: 'GET', path: '/user/logout', status: 200 });
    const rnd = prng(seed * 7);
    // Deletes interleaved with reads: some users are deleted before GET has enough evidence to merge.
    for (const u of users) {
      p.observe(get(u));
      if (rnd() < 0.5) p.observe(del(u));
    }
    p.observe(del('login')); // a literal GET keeps literal stays literal under DELETE too
    t.same(listOf(p, 'DELETE'), ['/user/login', '/user/{name:str}']);
    t.same(listOf(p, 'GET'), ['/user/login', '/user/logout', '/user/{name:str}']);
    t.ok(p.counters().borrowedValues > 0);
    t.equal(p.observe(del('someone-new')).template, '/user/{name:str}');
    t.equal(p.observe(del('jsmith1987')).template, '/user/{name:str}', 'a typed name too');
  });
}

t.test('values seen before the merge are reported as remaps of their own method', async (t) => {
  const users = names(21, 10);
  const p = new PathTemplater();
  p.observe(del(users[0] as string));
  p.observe(del('jsmith1987'));
  const remaps = users.flatMap((u) => p.observe(get(u)).remapped);
  t.ok(remaps.some((r) => r.method === 'DELETE' && r.from === `/user/${users[0] as string}` && r.to === '/user/{name:str}'));
  t.ok(remaps.some((r) => r.method === 'DELETE' && r.from === '/user/{id:alnum}' && r.to === '/user/{name:str}'));
  t.same(listOf(p, 'DELETE'), ['/user/{name:str}']);
});

t.test('a method with keys of its own keeps its own gate', async (t) => {
  const users = names(22, 12);
  const p = new PathTemplater();
  for (const u of users.slice(0, 10)) p.observe({ host: H, method: 'PUT', path: `/user/${u}`, requestKeys: USER_KEYS });
  // GET has evidence of its own (a user read with keys): its key-less logout is not decided by PUT.
  p.observe(get(users[10] as string));
  t.equal(p.observe({ host: H, method: 'GET', path: '/user/logout' }).template, '/user/logout');
  t.equal(p.observe({ host: H, method: 'POST', path: '/user/createWithList', requestKeys: USER_KEYS }).template, '/user/createWithList');
});

t.test('a spec template of another method is evidence too', async (t) => {
  const p = new PathTemplater();
  p.addSpecTemplates([{ method: 'GET', path: '/user/{username}' }, { method: 'GET', path: '/user/login' }]);
  t.equal(p.observe(del('alice')).template, '/user/{name:str}', 'the spec documents GET only; DELETE takes its shape');
  t.equal(p.observe(del('login')).template, '/user/login', 'a literal spec path stays literal');
  t.equal(p.observe(del('bob')).template, '/user/{name:str}');
  const q = new PathTemplater();
  q.addSpecTemplates([{ host: 'elsewhere.example', method: 'GET', path: '/user/{username}' }]);
  t.equal(q.observe(del('alice')).template, '/user/alice', "another host's spec says nothing here");
});

t.test('no borrowing where the user split the parameter', async (t) => {
  const users = names(23, 10);
  const p = new PathTemplater();
  for (const u of users) p.observe(get(u));
  p.split({ host: H, method: 'GET', template: '/user/{name:str}' });
  t.equal(p.observe(del('alice')).template, '/user/alice');
});
