// One behaviour baseline: what a single identity, client IP, endpoint or (identity, endpoint) pair
// did, on packet time. Every baseline counts the same metrics (metrics.ts) in sliding windows of
// 1 min, 10 min and 1 h (window-counts.ts) with the request peak of each, keeps lifetime totals,
// the last completed active windows for the median/MAD baseline, distinct counts in 64-byte
// sketches (current hour, previous hour, lifetime), and — for identities and endpoints — the
// hour-of-week profile. The kinds add what only they need (identity-baseline.ts, endpoint-baseline.ts).
import { SKETCH_REGISTERS, sketchAdd, sketchClear, sketchEstimate, sketchMove } from './distinct-sketch';
import { HOURS_PER_WEEK, profileAdd } from './hour-of-week';
import { H_BYTES, H_DISTINCT, H_DISTINCT2, H_RECORDS, H_REQUESTS, HOUR_HISTORY_WIDTH, M_BYTES, M_RECORDS, M_REQUESTS, METRICS, M_ID_REQUESTS, M_NEW_FIELDS, M_UNSEEN_IDS, type Observation } from './metrics';
import { WindowCounts, WindowHistory } from './window-counts';

export type BaselineKind = 'identity' | 'ip' | 'endpoint' | 'pair';

/** Sketch slots of one distinct dimension: this hour, the previous hour, lifetime. */
export const SKETCH_CUR = 0;
export const SKETCH_PREV = SKETCH_REGISTERS;
export const SKETCH_LIFE = 2 * SKETCH_REGISTERS;
export const SKETCH_DIMENSION_BYTES = 3 * SKETCH_REGISTERS;

export interface BaselineShape {
  /** Distinct dimensions (0–2) with hour/previous/lifetime sketches. */
  dimensions: number;
  tenMinutes: boolean;
  profile: boolean;
}

/** Layout of a baseline's `counts`: lifetime totals, then each window's current and previous counts. */
const TOTALS_AT = 0;
const MINUTE_AT = METRICS;
const TEN_AT = MINUTE_AT + 2;
const HOUR_AT = TEN_AT + 2;
/** The hour window's current counts, indexed by metric. */
const HOUR_CUR = HOUR_AT;
export const COUNTS_LENGTH = HOUR_AT + 2 * METRICS;

export abstract class Baseline {
  abstract readonly kind: BaselineKind;
  first: number;
  last: number;
  /** Requests over the baseline's life. */
  requests = 0;
  /** Every count the baseline keeps, in one array (layout above). */
  readonly counts = new Float64Array(COUNTS_LENGTH);
  /** Lifetime sums of every metric (metrics.ts), a view of `counts`. */
  readonly totals: Float64Array;
  readonly minute: WindowCounts;
  readonly tenMinutes: WindowCounts | null;
  readonly hour: WindowCounts;
  readonly minuteHistory: WindowHistory;
  readonly tenMinuteHistory: WindowHistory | null;
  readonly hourHistory: WindowHistory;
  /** Distinct-count sketches (`dimensions` × SKETCH_DIMENSION_BYTES), then the hour-of-week profile: one buffer. */
  readonly sketches: Uint8Array;
  /** A view of `sketches` past the sketches, or null when the kind keeps no profile. */
  readonly profile: Uint8Array | null;
  readonly dimensions: number;
  /** Changed since it was last written (the table lists it once). */
  dirty = false;
  /** Forgotten by its table (a bound was hit): caches holding it must look again. */
  evicted = false;

  constructor(
    readonly key: string,
    /** hashString(key): the value other baselines' sketches count. */
    readonly keyHash: number,
    ts: number,
    historySize: number,
    shape: BaselineShape,
  ) {
    this.first = ts;
    this.last = ts;
    this.totals = this.counts.subarray(TOTALS_AT, TOTALS_AT + METRICS);
    this.minute = new WindowCounts(60, 1, this.counts, MINUTE_AT);
    this.tenMinutes = shape.tenMinutes ? new WindowCounts(600, 1, this.counts, TEN_AT) : null;
    this.hour = new WindowCounts(3600, METRICS, this.counts, HOUR_AT);
    this.minuteHistory = new WindowHistory(historySize, 1);
    this.tenMinuteHistory = shape.tenMinutes ? new WindowHistory(historySize, 1) : null;
    this.hourHistory = new WindowHistory(historySize, HOUR_HISTORY_WIDTH);
    this.dimensions = shape.dimensions;
    const sketchBytes = shape.dimensions * SKETCH_DIMENSION_BYTES;
    this.sketches = new Uint8Array(sketchBytes + (shape.profile ? HOURS_PER_WEEK : 0));
    this.profile = shape.profile ? this.sketches.subarray(sketchBytes) : null;
  }

  /** Rolls the windows forward to `ts`, recording each finished active window in its history. */
  advance(ts: number): void {
    if (this.minute.due(ts)) {
      if (this.minute.cur(0) > 0) this.minuteHistory.push(this.minute.cur(0));
      this.minute.roll(ts);
    }
    const ten = this.tenMinutes;
    if (ten !== null && ten.due(ts)) {
      const history = this.tenMinuteHistory as WindowHistory;
      if (ten.cur(0) > 0) history.push(ten.cur(0));
      ten.roll(ts);
    }
    if (this.hour.due(ts)) this.rollHour(ts);
  }

  private rollHour(ts: number): void {
    const h = this.hour;
    if (h.cur(M_REQUESTS) > 0) {
      const history = this.hourHistory;
      const row = history.nextRow();
      history.values[row + H_REQUESTS] = h.cur(M_REQUESTS);
      history.values[row + H_BYTES] = h.cur(M_BYTES);
      history.values[row + H_RECORDS] = h.cur(M_RECORDS);
      history.values[row + H_DISTINCT] = this.distinctInHour(0);
      history.values[row + H_DISTINCT2] = this.distinctInHour(1);
    }
    const consecutive = Math.floor(ts / h.len) * h.len === h.start + h.len;
    for (let d = 0; d < this.dimensions; d++) {
      const base = d * SKETCH_DIMENSION_BYTES;
      if (consecutive) sketchMove(this.sketches, base + SKETCH_CUR, base + SKETCH_PREV);
      else {
        sketchClear(this.sketches, base + SKETCH_CUR);
        sketchClear(this.sketches, base + SKETCH_PREV);
      }
    }
    h.roll(ts);
  }

  /** Counts one transaction (after `advance`). */
  count(o: Observation): void {
    const ts = o.ts;
    if (ts > this.last) this.last = ts;
    if (ts < this.first) this.first = ts;
    this.requests++;
    const c = this.counts;
    c[MINUTE_AT] = (c[MINUTE_AT] as number) + 1;
    if (this.tenMinutes !== null) c[TEN_AT] = (c[TEN_AT] as number) + 1;
    c[HOUR_CUR + M_REQUESTS] = (c[HOUR_CUR + M_REQUESTS] as number) + 1;
    c[TOTALS_AT + M_REQUESTS] = (c[TOTALS_AT + M_REQUESTS] as number) + 1;
    if (o.error >= 0) {
      c[HOUR_CUR + o.error] = (c[HOUR_CUR + o.error] as number) + 1;
      c[TOTALS_AT + o.error] = (c[TOTALS_AT + o.error] as number) + 1;
    }
    if (o.bytes > 0) {
      c[HOUR_CUR + M_BYTES] = (c[HOUR_CUR + M_BYTES] as number) + o.bytes;
      c[TOTALS_AT + M_BYTES] = (c[TOTALS_AT + M_BYTES] as number) + o.bytes;
    }
    if (o.records > 0) {
      c[HOUR_CUR + M_RECORDS] = (c[HOUR_CUR + M_RECORDS] as number) + o.records;
      c[TOTALS_AT + M_RECORDS] = (c[TOTALS_AT + M_RECORDS] as number) + o.records;
    }
    if (o.idRequest > 0) {
      c[HOUR_CUR + M_ID_REQUESTS] = (c[HOUR_CUR + M_ID_REQUESTS] as number) + o.idRequest;
      c[TOTALS_AT + M_ID_REQUESTS] = (c[TOTALS_AT + M_ID_REQUESTS] as number) + o.idRequest;
      c[HOUR_CUR + M_UNSEEN_IDS] = (c[HOUR_CUR + M_UNSEEN_IDS] as number) + o.unseenId;
      c[TOTALS_AT + M_UNSEEN_IDS] = (c[TOTALS_AT + M_UNSEEN_IDS] as number) + o.unseenId;
    }
    if (o.newFields > 0) {
      c[HOUR_CUR + M_NEW_FIELDS] = (c[HOUR_CUR + M_NEW_FIELDS] as number) + o.newFields;
      c[TOTALS_AT + M_NEW_FIELDS] = (c[TOTALS_AT + M_NEW_FIELDS] as number) + o.newFields;
    }
    if (this.profile !== null) profileAdd(this.profile, o.hourOfWeek);
  }

  /** Counts a value (hash) in distinct dimension `d` for this hour and lifetime. */
  addDistinct(d: number, hash: number): void {
    if (d >= this.dimensions) return;
    const base = d * SKETCH_DIMENSION_BYTES;
    sketchAdd(this.sketches, base + SKETCH_CUR, hash);
    sketchAdd(this.sketches, base + SKETCH_LIFE, hash);
  }

  /** Distinct values of dimension `d` in the current hour window. */
  distinctInHour(d: number): number {
    return d < this.dimensions ? sketchEstimate(this.sketches, d * SKETCH_DIMENSION_BYTES + SKETCH_CUR) : 0;
  }

  /**
   * Distinct values of dimension `d` over the current and the previous hour window (between one and
   * two hours back, depending on how far into the hour `now` is); 0 once both have passed.
   */
  distinctRecent(d: number, now: number): number {
    if (d >= this.dimensions) return 0;
    const base = d * SKETCH_DIMENSION_BYTES;
    const h = this.hour;
    if (now < h.start + h.len) return sketchEstimate(this.sketches, base + SKETCH_CUR, base + SKETCH_PREV);
    if (now < h.start + 2 * h.len) return sketchEstimate(this.sketches, base + SKETCH_CUR);
    return 0;
  }

  distinctLifetime(d: number): number {
    return d < this.dimensions ? sketchEstimate(this.sketches, d * SKETCH_DIMENSION_BYTES + SKETCH_LIFE) : 0;
  }

  /** Out of the learning period: observed long enough and often enough to be scored. */
  scored(now: number, learningPeriodSec: number, minRequests: number): boolean {
    return now - this.first >= learningPeriodSec && this.requests >= minRequests;
  }
}
