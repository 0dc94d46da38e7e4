// Exponential backoff shared by everything that retries (capture reopen, syslog reconnect, alert
// delivery); each caller adds the jitter its case wants.

/** The delay before the next attempt after the `failures`-th failure in a row (1 for the first): initial, doubling, capped at max. */
export function backoffCeilingMs(initialMs: number, maxMs: number, failures: number): number {
  const exponent = Math.min(Math.max(0, failures - 1), 52);
  return Math.min(maxMs, initialMs * 2 ** exponent);
}
