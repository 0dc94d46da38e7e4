// Exponential reconnect delay with jitter: initial, doubling up to max, each delay drawn from its
// upper half so many sensors that lost the same collector do not all come back at the same moment.
import { backoffCeilingMs } from '../../core/backoff';

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the one after it. */
  next(): number {
    const base = backoffCeilingMs(this.initialMs, this.maxMs, this.attempt + 1);
    if (base < this.maxMs) this.attempt++;
    return Math.round(base / 2 + (this.random() * base) / 2);
  }

  /** After a success the next failure starts again from the initial delay. */
  reset(): void {
    this.attempt = 0;
  }
}
