// The small structures under the baselines, against exact answers computed here: object ids cut
// from paths by their templates (spec templates without the base path, file-name ids, several
// parameters), ids and records read from JSON bodies, request field names, distinct-count sketches
// against exact sets, and the seen-ids filter (never a false "unseen").
import t from 'tap';
import { readRequestFields, readResponseBody } from '../../../src/features/body-reading';
import { sketchAdd, sketchEstimate, SKETCH_REGISTERS } from '../../../src/features/distinct-sketch';
import { hashString } from '../../../src/core/hashing';
import { compileTemplate, extractIdHashes } from '../../../src/features/object-ids';
import { SeenFilter } from '../../../src/core/seen-filter';
import { prng } from '../../helpers/prng';

function ids(template: string, path: string): number[] {
  const out = new Uint32Array(8);
  const n = extractIdHashes(path, compileTemplate(template), out);
  return Array.from(out.subarray(0, n));
}

t.test('object ids: the path values where the template has parameters', async (t) => {
  t.same(ids('/api/users/{id:int}', '/api/users/42'), [hashString('42')]);
  t.same(ids('/users/{id:int}/orders/{id2:int}', '/users/7/orders/42'), [hashString('42'), hashString('7')], 'nearest the end first');
  t.same(ids('/pet/{petId}', '/api/v3/pet/5'), [hashString('5')], 'a spec template without the base path the traffic carries');
  t.same(ids('/img/{id:int}.gif', '/img/981.gif'), [hashString('981')], 'a file-name id keeps its extension out');
  t.same(ids('/files/{name}.{ext}', '/files/report.pdf'), [hashString('report.pdf')], 'two parameters in one segment: the whole segment');
  t.same(ids('/users/{id:int}', '/users/42/'), [hashString('42')], 'a trailing slash');
  t.same(ids('/users', '/users'), [], 'no parameter, no id');
  t.same(ids('/a/{overflow}', '/a/b/c/d'), [], 'an overflow template names no position');
  t.same(ids('/x/{id:int}/y/{id2:int}', '/y/5'), [hashString('5')], 'a path shorter than its template gives what it has');
});

t.test('response bodies: records and the ids they show', async (t) => {
  const shown: number[] = [];
  const read = (v: unknown, max = 100) => readResponseBody(Buffer.from(JSON.stringify(v)), max, (h) => shown.push(h));
  t.match(read([{ id: 1 }, { id: 2 }, { id: 3 }]), { records: 3, ids: 3, truncated: false });
  t.same(shown, [1, 2, 3].map((n) => hashString(String(n))));
  shown.length = 0;
  t.match(read({ data: [{ orderId: 'A-1', user_id: 9 }, { orderId: 'A-2' }], total: 2, page: { items: [1] } }), { records: 2, ids: 3 }, 'the largest array under the top object');
  t.same(shown, ['A-1', '9', 'A-2'].map(hashString), 'orderId and user_id are ids; total is not');
  t.match(read({ id: 5, name: 'x', nested: { customer: { uuid: 'u-1' } } }), { records: 1, ids: 2 }, 'one record, ids three levels deep');
  t.match(read([{ id: 1 }, { id: 2 }, { id: 3 }], 2), { ids: 2, truncated: true });
  t.equal(readResponseBody(Buffer.from('{"cut short'), 10, () => {}), null, 'not JSON (or cut by the capture bound)');
});

t.test('request bodies: field names', async (t) => {
  t.same(readRequestFields(Buffer.from(JSON.stringify({ name: 'a', address: { city: 'b' }, tags: ['x'] })), 'application/json', 64), ['name', 'address', 'address.city', 'tags']);
  t.same(readRequestFields(Buffer.from('user=ann&pass=x&role=admin&user=bob'), 'application/x-www-form-urlencoded', 64), ['user', 'pass', 'role']);
  t.same(readRequestFields(Buffer.from(JSON.stringify([{ sku: 1, qty: 2 }])), 'application/json', 64), ['[].sku', '[].qty']);
  t.equal(readRequestFields(Buffer.from('nope'), 'application/json', 64), null);
});

t.test('distinct-count sketches against exact sets', async (t) => {
  for (const seed of [1, 2, 3]) {
    const rnd = prng(seed);
    const regs = new Uint8Array(SKETCH_REGISTERS);
    const exact = new Set<string>();
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const v = `id-${Math.floor(rnd() * 3000)}`;
      exact.add(v);
      sketchAdd(regs, 0, hashString(v));
      if ([5, 20, 60, 200, 1000].includes(exact.size)) worst = Math.max(worst, Math.abs(sketchEstimate(regs, 0) - exact.size) / exact.size);
    }
    const err = Math.abs(sketchEstimate(regs, 0) - exact.size) / exact.size;
    t.ok(err < 0.4, `seed ${seed}: ${exact.size} distinct, estimate off by ${(100 * err).toFixed(1)}% (3 standard errors of 13% allowed)`);
    t.ok(worst < 0.4, `seed ${seed}: along the way off by at most ${(100 * worst).toFixed(1)}%`);
  }
  const small = new Uint8Array(SKETCH_REGISTERS);
  for (const v of ['a', 'b', 'c', 'a', 'b']) sketchAdd(small, 0, hashString(v));
  t.ok(Math.abs(sketchEstimate(small, 0) - 3) < 0.5, 'a few values: near exact (linear counting)');
});

t.test('the seen-ids filter never calls a shown id unseen, and forgets by generation', async (t) => {
  const f = new SeenFilter(4096);
  const shown = Array.from({ length: f.capacity }, (_, i) => hashString(`shown-${i}`));
  for (const h of shown) f.add(h);
  t.ok(shown.every((h) => f.has(h)), 'every id added is seen');
  let falsePositives = 0;
  for (let i = 0; i < 10000; i++) if (f.has(hashString(`other-${i}`))) falsePositives++;
  t.ok(falsePositives / 10000 < 0.03, `false "seen" for ${(falsePositives / 100).toFixed(2)}% of other ids (about 1.7% expected: 3 probes, 10 bits an id)`);
  // a full generation more: the first ids are still held by the older generation; one more and they go
  const more = Array.from({ length: f.capacity }, (_, i) => hashString(`more-${i}`));
  for (const h of more) f.add(h);
  t.ok(shown.every((h) => f.has(h)) && more.every((h) => f.has(h)), 'two generations held');
  f.add(hashString('one more'));
  t.ok(more.every((h) => f.has(h)), 'the newer generation stays');
  t.ok(shown.filter((h) => f.has(h)).length < shown.length / 10, 'the oldest generation is forgotten');
});
