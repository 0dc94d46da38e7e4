// The shared JSON parse of a request body: one parse per transaction whichever consumer asks first,
// a fresh parse for the next transaction, and NOT_JSON for what is not JSON.
import t from 'tap';
import { bodyJson, NOT_JSON } from '../../../src/core/body-json';

t.test('the same transaction and body give the same parsed document', async (t) => {
  const tx = {};
  const body = Buffer.from('{"role":"admin","items":[1,2]}');
  const first = bodyJson(tx, body);
  t.same(first, { role: 'admin', items: [1, 2] });
  t.equal(bodyJson(tx, body), first, 'not parsed again: the same object');
  const next = {};
  const again = bodyJson(next, Buffer.from('{"role":"admin","items":[1,2]}'));
  t.same(again, first);
  t.not(again, first, 'another transaction is parsed on its own');
});

t.test('bodies that are not JSON', async (t) => {
  t.equal(bodyJson({}, Buffer.from('{"cut at the capture bou')), NOT_JSON);
  t.equal(bodyJson({}, Buffer.from('a=1&b=2')), NOT_JSON);
  t.equal(bodyJson({}, Buffer.alloc(0)), NOT_JSON);
  const sub = Buffer.from('xx[1,2]xx').subarray(2, 7);
  t.same(bodyJson({}, sub), [1, 2], 'a view into a larger buffer reads only its bytes');
});
