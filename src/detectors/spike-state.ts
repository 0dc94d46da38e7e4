// What the spike detector remembers of one busy client (identity or IP) beyond its baseline: its
// busiest completed minute per hour-of-week band (weekday or weekend × hour of day) on earlier days
// (bulk-pull-band.ts), so a client that is always busy at 09:00 on weekdays is its own normal then,
// when it last raised a finding, and a few evidence items of the current burst. Minutes over the
// bar are not learned.
import type { EvidenceItem } from '../core/finding';
import type { Baseline } from '../features/types';
import { DailyBand } from './bulk-pull-band';
import { hourOfDay, isWeekend, M_REQUESTS } from './bulk-pull-stats';
import type { Touched } from '../core/bounded-table';

export class SpikeState implements Touched {
  touched: number;
  /** The client's minute window at its last request, and its count then. */
  minuteStart = -Infinity;
  count = 0;
  /** That minute was over the bar: not learned into the band. */
  flagged = false;
  /** Busiest minute per band: weekday hours 0–23, then weekend hours 24–47. */
  readonly band = new DailyBand(48);
  lastAlert = -Infinity;
  evidence: EvidenceItem[] | null = null;
  evidenceTs = -Infinity;

  constructor(ts: number) {
    this.touched = ts;
  }

  /** Follows the client's minute window; a minute that closed is learned into its band. */
  observe(b: Baseline, ts: number, decayPerDay: number): void {
    this.touched = ts;
    const start = b.minute.start;
    if (start !== this.minuteStart) {
      if (Number.isFinite(this.minuteStart) && !this.flagged) this.band.learn(this.minuteStart, slotOf(this.minuteStart), this.count, decayPerDay);
      this.minuteStart = start;
      this.flagged = false;
    }
    this.count = b.minute.cur(M_REQUESTS);
  }

  /** The busiest minute around the hour of `ts` in its band on earlier days (the other day type when this one is empty). */
  bandNorm(ts: number): number {
    const h = hourOfDay(ts);
    const own = isWeekend(ts) ? 24 : 0;
    const mine = this.around(own, h, ts);
    return mine > 0 ? mine : this.around(24 - own, h, ts);
  }

  private around(offset: number, h: number, ts: number): number {
    let best = 0;
    for (let d = -1; d <= 1; d++) best = Math.max(best, this.band.get(offset + ((h + d + 24) % 24), ts));
    return best;
  }
}

function slotOf(ts: number): number {
  return (isWeekend(ts) ? 24 : 0) + hourOfDay(ts);
}
