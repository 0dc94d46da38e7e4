// Retry delays: full jitter under a doubling ceiling that stops at maxMs; a receiver's Retry-After
// wins but is capped by maxRetryAfterMs.
import t from 'tap';
import { retryDelayMs, type RetryPolicy } from '../../../../src/outputs/outbox/backoff';
import { prng } from '../../../helpers/prng';

const policy: RetryPolicy = { initialMs: 100, maxMs: 3000, maxRetryAfterMs: 60000 };

t.test('full jitter under a doubling ceiling', async (t) => {
  const random = prng(3);
  for (let failures = 1; failures <= 10; failures++) {
    const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** (failures - 1));
    const draws = Array.from({ length: 2000 }, () => retryDelayMs(policy, failures, undefined, random));
    t.ok(
      draws.every((d) => d >= 0 && d < ceiling),
      `failure ${failures}: all delays in [0, ${ceiling})`,
    );
    t.ok(Math.max(...draws) > ceiling * 0.95 && Math.min(...draws) < ceiling * 0.05, `failure ${failures}: spread over the whole range`);
  }
  t.equal(retryDelayMs(policy, 1, undefined, () => 0), 0);
  t.equal(retryDelayMs(policy, 1000, undefined, () => 0.999999), 2999, 'no overflow after many failures');
});

t.test('Retry-After wins, capped', async (t) => {
  t.equal(retryDelayMs(policy, 1, 1000, () => 0.5), 1000);
  t.equal(retryDelayMs(policy, 9, 5, () => 0.5), 5, 'even when shorter than the backoff');
  t.equal(retryDelayMs(policy, 1, 3_600_000, () => 0.5), 60000, 'cut to maxRetryAfterMs');
  t.equal(retryDelayMs(policy, 1, -5, () => 0.5), 0);
  t.equal(retryDelayMs(policy, 1, Number.NaN, () => 0.5), 50, 'unusable afterMs falls back to backoff');
});
