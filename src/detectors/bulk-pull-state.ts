// What the bulk-pull detector remembers of one identity beyond its baseline: the records and bytes
// of its completed hours per hour of day on earlier days (bulk-pull-band.ts: a job that pulls a lot
// at 02:00 every night is its own normal at 02:00, and only then), how many hours it was active at
// each hour of day (its usual hours), when it was last checked, judged and alerted, and a few
// evidence items of the current pull. Hours judged a pull are not learned: a pull does not become
// the norm, nor its hour usual, by being caught.
//
// Usual hours are counted here rather than read from the identity's hour-of-week profile: that
// profile already holds the current hour, and once a burst makes its 8-bit counts halve, the burst
// can no longer be told apart from earlier days at that hour.
import type { EvidenceItem } from '../core/finding';
import type { IdentityBaseline } from '../features/types';
import { DailyBand } from './bulk-pull-band';
import { hourOfDay, M_BYTES, M_RECORDS } from './bulk-pull-stats';
import type { Touched } from '../core/bounded-table';

/** Band columns: records, then bytes, per hour of day. */
export const BAND_RECORDS = 0;
export const BAND_BYTES = 1;

export class BulkState implements Touched {
  touched: number;
  /** Start of the identity's hour window at its last request (the window being summed). */
  hourStart = -Infinity;
  records = 0;
  bytes = 0;
  /** That window was judged a pull: not learned. */
  flagged = false;
  /** Per hour of day (slot hour × 2 + column): most records, most bytes of one completed hour. */
  readonly band = new DailyBand(48);
  /** Completed, unflagged active hours per hour of day (halved together when one would overflow). */
  readonly activeHours = new Uint8Array(24);
  lastCheck = -Infinity;
  lastAlert = -Infinity;
  /** Last time it was judged a pull (reported or not). */
  lastFlag = -Infinity;
  /**
   * Its usual hour (quantiles of its past active hours: records, bytes, requests) as it stood when
   * its volume last rose to a floor, held for a while: the hours of an ongoing pull enter the
   * baseline's history as they close and would otherwise raise its own bar.
   */
  heldSince = -Infinity;
  heldRecords = 0;
  heldBytes = 0;
  heldRequests = 0;
  /** Calls of the current hour kept as evidence (allocated when its volume reaches a floor). */
  evidence: EvidenceItem[] | null = null;

  constructor(ts: number) {
    this.touched = ts;
  }

  /** Follows the identity's hour window; a window that closed is learned. */
  observe(id: IdentityBaseline, ts: number, bandDecayPerDay: number): void {
    this.touched = ts;
    const start = id.hour.start;
    if (start !== this.hourStart) {
      if (Number.isFinite(this.hourStart) && !this.flagged) this.learn(this.hourStart, bandDecayPerDay);
      this.hourStart = start;
      this.flagged = false;
      this.evidence = null;
    }
    this.records = id.hour.cur(M_RECORDS);
    this.bytes = id.hour.cur(M_BYTES);
  }

  /** The most it pulled in one hour around the hour of day of `ts` (that hour and its neighbours) on earlier days. */
  bandNorm(ts: number, column: number): number {
    const h = hourOfDay(ts);
    let best = 0;
    for (let d = -1; d <= 1; d++) best = Math.max(best, this.band.get(((h + d + 24) % 24) * 2 + column, ts));
    return best;
  }

  /**
   * How usual the hour of `ts` is for the identity: its active hours at this hour of day against its
   * average hour (1 = as usual as any, 0 = never active then); 1 when nothing was learned yet.
   */
  usualActivity(ts: number): number {
    let total = 0;
    for (let h = 0; h < 24; h++) total += this.activeHours[h] as number;
    return total === 0 ? 1 : ((this.activeHours[hourOfDay(ts)] as number) * 24) / total;
  }

  private learn(windowStart: number, decay: number): void {
    const hod = hourOfDay(windowStart);
    if ((this.activeHours[hod] as number) === 0xff) for (let h = 0; h < 24; h++) this.activeHours[h] = (this.activeHours[h] as number) >>> 1;
    this.activeHours[hod] = (this.activeHours[hod] as number) + 1;
    this.band.learn(windowStart, hod * 2 + BAND_RECORDS, this.records, decay);
    this.band.learn(windowStart, hod * 2 + BAND_BYTES, this.bytes, decay);
  }
}
