// Counts over sliding windows of packet time in two numbers per metric: the current tumbling window
// (aligned to its length) and the one before it. The sliding count at `now` is estimated as
// cur + prev × (1 − elapsed/len), Cloudflare's sliding-window approximation: never below the
// current window's count, never above cur + prev, exact when arrivals are even. The peak is the
// busiest window of requests (metric 0), kept as windows roll. Rolling is lazy (on the next count)
// and reads never change state, so the result depends only on the transactions, not on when ticks
// or flushes happen.

export class WindowCounts {
  /** Start of the current window; -Infinity before the first count. */
  start = -Infinity;
  /** Most requests (metric 0) in one finished window, and that window's start. */
  peak = 0;
  peakStart = 0;
  /** Where the previous window's counts start in `data` (the current window's start at `at`). */
  readonly prevAt: number;

  /**
   * `metrics` counts of the current window at data[at...], of the previous one right after: a
   * baseline keeps all its windows and totals in one array, so a transaction touches few cache lines.
   */
  constructor(
    readonly len: number,
    readonly metrics: number,
    readonly data: Float64Array = new Float64Array(2 * metrics),
    readonly at = 0,
  ) {
    this.prevAt = at + metrics;
  }

  /** The current window's count of `metric`. */
  cur(metric: number): number {
    return this.data[this.at + metric] as number;
  }

  /** The previous window's count of `metric`. */
  prev(metric: number): number {
    return this.data[this.prevAt + metric] as number;
  }

  add(metric: number, by: number): void {
    this.data[this.at + metric] = (this.data[this.at + metric] as number) + by;
  }

  /** `ts` falls in a later window: the caller records the finished one, then calls `roll`. */
  due(ts: number): boolean {
    return ts >= this.start + this.len;
  }

  roll(ts: number): void {
    const d = this.data;
    const requests = d[this.at] as number;
    if (requests > this.peak) {
      this.peak = requests;
      this.peakStart = this.start;
    }
    const start = Math.floor(ts / this.len) * this.len;
    if (start === this.start + this.len) d.copyWithin(this.prevAt, this.at, this.prevAt);
    else d.fill(0, this.prevAt, this.prevAt + this.metrics);
    d.fill(0, this.at, this.prevAt);
    this.start = start;
  }

  /** Sliding estimate of `metric` over the `len` seconds before `now`. */
  estimate(metric: number, now: number): number {
    const end = this.start + this.len;
    const cur = this.data[this.at + metric] as number;
    if (now < end) {
      const elapsed = Math.max(0, (now - this.start) / this.len);
      return cur + (this.data[this.prevAt + metric] as number) * (1 - elapsed);
    }
    if (now < end + this.len) return cur * (1 - (now - end) / this.len);
    return 0;
  }

  /** Most requests in one window so far, the current one included. */
  peakCount(): number {
    return Math.max(this.peak, this.data[this.at] as number);
  }
}

const NO_ROWS = new Float32Array(0);

/**
 * The last `size` completed active windows, `width` values each (requests, bytes ...): the sample the
 * median/MAD baseline is taken from. One burst is one row among `size`, so it moves the median by
 * at most one rank.
 */
export class WindowHistory {
  /** Rows in ring order; allocated with the first row (most one-off clients never finish a window). */
  values: Float32Array = NO_ROWS;
  /** Next row written. */
  pos = 0;
  /** Rows held (up to size). */
  count = 0;

  constructor(
    readonly size: number,
    readonly width: number,
  ) {}

  /** Index of the row to fill (call first, then write values[row + i]: the array may be new). */
  nextRow(): number {
    if (this.values.length === 0) this.values = new Float32Array(this.size * this.width);
    const row = this.pos * this.width;
    this.pos = (this.pos + 1) % this.size;
    if (this.count < this.size) this.count++;
    return row;
  }

  /** Adds a row of one value (a history of width 1). */
  push(value: number): void {
    const row = this.nextRow();
    this.values[row] = value;
  }

  /** Copies column `col` of the rows held into `out` (from index 0); returns how many. */
  column(col: number, out: Float64Array): number {
    for (let i = 0; i < this.count; i++) out[i] = this.values[i * this.width + col] as number;
    return this.count;
  }
}
