// A client's own normal per band of the day (an hour of day, or weekday/weekend × hour): the most it
// did in one completed window of that band on earlier days, decaying a little each day so an old
// habit fades. Today's windows are kept apart and join the earlier days only when the day is over:
// a burst that began an hour ago must not become its own excuse, while a job that ran at 02:00
// yesterday is normal at 02:00 today. Used by the bulk-pull (hours) and spike (minutes) detectors.

const DAY = 86400;

export class DailyBand {
  /** Most per slot on earlier days (decayed). */
  readonly earlier: Float32Array;
  /** Most per slot today (the day `day`). */
  readonly today: Float32Array;
  /** Day (since the epoch) of `today`; -1 before the first window. */
  day = -1;

  constructor(slots: number) {
    this.earlier = new Float32Array(slots);
    this.today = new Float32Array(slots);
  }

  /** A completed window that started at `ts`, with `value`, in `slot`. */
  learn(ts: number, slot: number, value: number, decayPerDay: number): void {
    const day = Math.floor(ts / DAY);
    if (day > this.day) this.roll(day, decayPerDay);
    if (value > (this.today[slot] as number)) this.today[slot] = value;
  }

  /** The most seen in `slot` on days before that of `now`. */
  get(slot: number, now: number): number {
    const earlier = this.earlier[slot] as number;
    return Math.floor(now / DAY) > this.day ? Math.max(earlier, this.today[slot] as number) : earlier;
  }

  private roll(day: number, decay: number): void {
    if (this.day >= 0) {
      const f = decay ** (day - this.day);
      // today's maxima joined the earlier days at the end of their day, then decayed from there
      const fToday = decay ** (day - this.day - 1);
      for (let i = 0; i < this.earlier.length; i++) this.earlier[i] = Math.max((this.earlier[i] as number) * f, (this.today[i] as number) * fToday);
    }
    this.today.fill(0);
    this.day = day;
  }
}
