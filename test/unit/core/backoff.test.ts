import t from 'tap';
import { backoffCeilingMs } from '../../../src/core/backoff';

t.test('initial, doubling per failure, capped at max; huge failure counts do not overflow', async (t) => {
  t.same([1, 2, 3, 4, 5, 6].map((n) => backoffCeilingMs(100, 1000, n)), [100, 200, 400, 800, 1000, 1000]);
  t.equal(backoffCeilingMs(100, 1000, 0), 100, 'no failure yet: the initial delay');
  t.equal(backoffCeilingMs(100, 30000, 1e9), 30000);
  t.ok(Number.isFinite(backoffCeilingMs(1, Number.MAX_SAFE_INTEGER, 10_000)));
});
