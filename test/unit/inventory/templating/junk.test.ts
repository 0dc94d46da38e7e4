// Issue 10 §3: junk at a typed position (`/pet/NaN`, `/pet/null`, `/pet/undefined`) became new
// endpoints. It folds into the parameter, is counted, and is reported on the result so the caller
// can count it on the endpoint; a real literal (`/pet/findByStatus`) stays literal.
import t from 'tap';
import { PathTemplater, junkKind, type JunkKind } from '../../../../src/inventory/templating';
import { prng } from '../../../helpers/prng';

const H = 'petstore.internal:8080';
const PET_KEYS = ['id', 'name', 'category', 'photoUrls', 'tags', 'status'];
const ERROR_KEYS = ['code', 'message'];

/** Junk as clients send it (raw path segments, encoded the way a browser or HTTP library would). */
const JUNK: [string, JunkKind][] = [
  ['NaN', 'null'], ['null', 'null'], ['undefined', 'null'], ['None', 'null'], ['nil', 'null'], ['%3Cnil%3E', 'null'], ['Infinity', 'null'],
  ['%5Bobject%20Object%5D', 'object'], ['%7BpetId%7D', 'placeholder'], ['{petId}', 'placeholder'], ['%7B%7BpetId%7D%7D', 'placeholder'],
  ['$%7BpetId%7D', 'placeholder'], [':petId', 'placeholder'], ['%3Cint:pet_id%3E', 'placeholder'],
];
const REAL_LITERALS = ['findByStatus', 'findByTags', 'none', 'nullable', 'nil-report', 'object'];

t.test('junkKind: exact renderings of no value and unfilled placeholders only', async (t) => {
  for (const [raw, kind] of JUNK) t.equal(junkKind(decodeURIComponent(raw)), kind, raw);
  for (const v of [...REAL_LITERALS, '123', 'alice', '{}', ':', 'a{b}c', '<b>bold</b>', 'NaNa', 'nullx']) t.equal(junkKind(v), null, v);
});

for (const seed of [31, 32, 33, 34]) {
  t.test(`seed ${seed}: junk among ids folds into {id:int}, literal siblings stay`, async (t) => {
    const rnd = prng(seed);
    const p = new PathTemplater();
    let junkSent = 0;
    const order: string[] = [];
    // Some junk arrives before any id (no parameter to fold into yet), the rest mixed in.
    for (let i = 0; i < 200; i++) {
      const r = rnd();
      if (r < 0.1) order.push((JUNK[Math.floor(rnd() * JUNK.length)] as [string, JunkKind])[0]);
      else if (r < 0.15) order.push((REAL_LITERALS[Math.floor(rnd() * 2)] as string));
      else order.push(String(1 + Math.floor(rnd() * 100000)));
    }
    order.unshift('undefined');
    for (const v of order) {
      const isJunk = JUNK.some(([raw]) => raw === v);
      const literal = REAL_LITERALS.includes(v);
      const res = p.observe({ host: H, method: 'GET', path: `/pet/${v}`, responseKeys: isJunk ? ERROR_KEYS : literal ? ['items'] : PET_KEYS, status: isJunk ? 400 : 200 });
      if (res.junk) junkSent += res.junk.length;
    }
    const templates = p.templates().map((x) => x.template).sort();
    t.same(templates, ['/pet/findByStatus', '/pet/findByTags', '/pet/{id:int}'].filter((x) => x.includes('{') || order.includes(x.slice(5))));
    t.equal(p.counters().junkValues, junkSent, 'every reported junk value is counted');
    t.ok(junkSent > 0);
    t.same(p.observe({ host: H, method: 'GET', path: '/pet/NaN' }).junk, [{ position: 1, kind: 'null', value: 'NaN' }]);
    t.equal(p.peek(H, 'GET', '/pet/null'), null, 'peek leaves junk to observe, which reports it');
  });
}

t.test('junk seen before the parameter folds into it once it exists', async (t) => {
  const p = new PathTemplater();
  t.equal(p.observe({ host: H, method: 'GET', path: '/pet/null' }).template, '/pet/null', 'nothing to fold into yet');
  const r = p.observe({ host: H, method: 'GET', path: '/pet/7', responseKeys: PET_KEYS });
  t.equal(r.template, '/pet/{id:int}');
  t.same(r.remapped.map((x) => [x.from, x.to]), [['/pet/null', '/pet/{id:int}']]);
  t.same(p.templates().map((x) => x.template), ['/pet/{id:int}']);
});

t.test('junk joins the {str} parameter of usernames, at any depth', async (t) => {
  const p = new PathTemplater();
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy']) {
    p.observe({ host: H, method: 'GET', path: `/user/${u}/payment-methods`, responseKeys: ['id', 'type'] });
  }
  const r = p.observe({ host: H, method: 'GET', path: '/user/%7B%7Busername%7D%7D/payment-methods' });
  t.equal(r.template, '/user/{name:str}/payment-methods');
  t.same(r.junk, [{ position: 1, kind: 'placeholder', value: '{{username}}' }]);
});

t.test('junk where no parameter is stays literal and is not reported', async (t) => {
  const p = new PathTemplater();
  p.observe({ host: H, method: 'GET', path: '/status/ok' });
  const r = p.observe({ host: H, method: 'GET', path: '/status/null' });
  t.equal(r.template, '/status/null');
  t.equal(r.junk, undefined);
  t.equal(p.counters().junkValues, 0);
});

t.test('junk in a spec parameter is reported on the spec template', async (t) => {
  const p = new PathTemplater();
  p.addSpecTemplates([{ method: 'GET', path: '/pet/{petId}' }, { method: 'GET', path: '/pet/findByStatus' }]);
  const r = p.observe({ host: H, method: 'GET', path: '/pet/undefined' });
  t.equal(r.template, '/pet/{petId}');
  t.same(r.junk, [{ position: 1, kind: 'null', value: 'undefined' }]);
  t.equal(p.observe({ host: H, method: 'GET', path: '/pet/findByStatus' }).junk, undefined);
  t.equal(p.counters().junkValues, 1);
});

t.test("a junk call's error body is no evidence about the parameter", async (t) => {
  const p = new PathTemplater();
  p.observe({ host: H, method: 'GET', path: '/pet/1', responseKeys: PET_KEYS });
  p.observe({ host: H, method: 'GET', path: '/pet/NaN', responseKeys: ERROR_KEYS });
  const pet = p.state().hosts[0]?.methods[0]?.[1].c?.[0]?.[1].c?.find(([k]) => k === '{int}')?.[1];
  t.same(pet?.p?.sort(), PET_KEYS.map((k) => `#r:${k}`).sort());
});
