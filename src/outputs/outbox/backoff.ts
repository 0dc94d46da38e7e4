// Retry delays for one destination. Exponential backoff with full jitter (a uniform draw between 0
// and the exponential ceiling) spreads the retries of many sensors after a shared receiver outage;
// a delay the receiver asked for (Retry-After) wins, capped so a hostile or broken receiver cannot
// park the queue for days.

import { backoffCeilingMs } from '../../core/backoff';

export interface RetryPolicy {
  /** Ceiling of the first retry's delay; doubles per failed attempt. */
  readonly initialMs: number;
  /** Highest ceiling the doubling reaches. */
  readonly maxMs: number;
  /** Longest Retry-After honoured; longer requests are cut to this. */
  readonly maxRetryAfterMs: number;
}

/**
 * Milliseconds to wait after the `failures`-th failed attempt (1 for the first). `afterMs` is what
 * the receiver asked for, if anything; `random` returns [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, failures: number, afterMs: number | undefined, random: () => number): number {
  if (afterMs !== undefined && Number.isFinite(afterMs)) return Math.min(Math.max(0, Math.ceil(afterMs)), policy.maxRetryAfterMs);
  return Math.floor(random() * backoffCeilingMs(policy.initialMs, policy.maxMs, failures));
}
