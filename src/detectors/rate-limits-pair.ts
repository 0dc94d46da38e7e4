// What the rate-limit detector learns about one (identity, endpoint) pair: its request count in the
// current minute, the busiest minute of the current 10-minute window (the window's "peak"), and per
// hour-of-week band the last peaks of its active 10-minute windows. The recommended limit of a band
// is the quantile (p99) of those peaks × a margin, never below a floor; its confidence grows with the
// number of peak windows and of distinct days behind it (Cloudflare's per-session recommendation:
// a limit from the client's own rate distribution, trusted as history accumulates). Peaks are kept
// in a ring, newest last, so a client whose traffic grows moves its limit with it.
import type { EndpointRef } from '../core/finding';
import { bandName, bandOf, BANDS, localDay, POOLED, type BandClock } from './rate-limits-bands';
import { quantileSorted } from '../core/quantile';
import { finiteOrNull, isPairState, type PairState } from './rate-limits-codec';
import type { Breach } from './rate-limits-finding';

export interface LimitRules extends BandClock {
  readonly quantile: number;
  readonly margin: number;
  readonly minLimitPerMinute: number;
  readonly halfConfidenceWindows: number;
  readonly minConfidence: number;
  readonly peaksPerBand: number;
}

/** Per band slot (the bands, then the pooled one) in `stats`. */
const SEEN = 0;
const DAYS = 1;
const LAST_DAY = 2;
const HELD = 3;
const POS = 4;
const LIMIT = 5;
const P99 = 6;
const CONF = 7;
const WIDTH = 8;
const SLOTS = BANDS + 1;
/** Peaks are stored as 16-bit counts per minute. */
const MAX_PEAK = 0xffff;

/** One band's learned limit, as stored and listed. */
export interface BandLimit {
  readonly band: string;
  readonly limitPerMinute: number;
  readonly confidence: number;
  /** Peak windows seen in the band (more than the ring keeps, over a long history). */
  readonly peaks: number;
  readonly p99PeakPerMinute: number;
}

let scratch = new Float64Array(64);

/** 0 with no history; 0.5 at `half` peak windows over at least one day; towards 1 with more windows and days. */
export function confidenceOf(windows: number, days: number, half: number): number {
  if (windows <= 0 || days <= 0) return 0;
  return Math.min(windows / (windows + half), days / (days + 1));
}

export class PairLimits {
  minuteStart = -Infinity;
  minuteCount = 0;
  tenStart = -Infinity;
  /** Busiest minute of the current 10-minute window (the minute in progress not folded in yet). */
  tenMax = 0;
  /** The window went over its limit: its peak is learned as at most this (the p99 it broke), so an attack does not teach its own rate. */
  flagBase = Infinity;
  /** Ring of peaks, `size` per band; allocated with the first peak. */
  samples: Uint16Array | null = null;
  readonly stats = new Float64Array(SLOTS * WIDTH);
  /** The limit in force this minute (Infinity: none trusted yet) and its band slot. */
  active = Infinity;
  activeSlot = -1;
  /** The count that takes the detector's slow path this minute (the limit, raised by analysts' verdicts). */
  threshold = Infinity;
  /** Packet time of the last request. */
  last = 0;
  dirty = false;
  evicted = false;
  /** The over-limit minute being reported (finished when the minute ends). */
  breach: Breach | null = null;

  constructor(
    readonly key: string,
    readonly identity: string,
    readonly endpoint: EndpointRef,
    readonly size: number,
  ) {
    for (let s = 0; s < SLOTS; s++) this.stats[s * WIDTH + LAST_DAY] = -1;
  }

  stat(slot: number, field: number): number {
    return this.stats[slot * WIDTH + field] as number;
  }

  limitOf(slot: number): number {
    return this.stat(slot, LIMIT);
  }

  confidenceOf(slot: number): number {
    return this.stat(slot, CONF);
  }

  p99Of(slot: number): number {
    return this.stat(slot, P99);
  }

  peaksSeen(slot: number): number {
    return this.stat(slot, SEEN);
  }

  /**
   * Rolls the minute (and the 10-minute window) forward to `ts`: a finished window's peak is learned.
   * Call before counting the request; true when a peak was learned.
   */
  advance(ts: number, rules: LimitRules): boolean {
    if (ts < this.minuteStart + 60) return false;
    if (this.minuteCount > this.tenMax) this.tenMax = this.minuteCount;
    this.minuteCount = 0;
    this.minuteStart = Math.floor(ts / 60) * 60;
    let learned = false;
    if (ts >= this.tenStart + 600) {
      if (this.tenMax > 0) {
        this.learn(this.tenStart, Math.min(this.tenMax, this.flagBase), rules);
        learned = true;
      }
      this.tenStart = Math.floor(ts / 600) * 600;
      this.tenMax = 0;
      this.flagBase = Infinity;
    }
    this.enforce(rules);
    return learned;
  }

  /** The limit in force for the current minute: its band's once trusted, else all bands' together. */
  enforce(rules: LimitRules): void {
    const band = bandOf(this.minuteStart, rules);
    const slot = this.confidenceOf(band) >= rules.minConfidence ? band : this.confidenceOf(POOLED) >= rules.minConfidence ? POOLED : -1;
    this.activeSlot = slot;
    this.active = slot < 0 ? Infinity : this.limitOf(slot);
    this.threshold = this.active;
  }

  /** Learns the peak of the 10-minute window starting at `start`. */
  learn(start: number, peak: number, rules: LimitRules): void {
    const band = bandOf(start, rules);
    const size = this.size;
    this.samples ??= new Uint16Array(BANDS * size);
    const s = this.stats;
    const at = band * WIDTH;
    const pos = s[at + POS] as number;
    this.samples[band * size + pos] = Math.min(MAX_PEAK, Math.round(peak));
    s[at + POS] = (pos + 1) % size;
    if ((s[at + HELD] as number) < size) s[at + HELD] = (s[at + HELD] as number) + 1;
    const day = localDay(start, rules);
    this.countWindow(band, day);
    this.countWindow(POOLED, day);
    this.recompute(band, rules);
    this.recompute(POOLED, rules);
  }

  /** One more peak window in a slot, and one more day when it is the slot's first of that day. */
  private countWindow(slot: number, day: number): void {
    const s = this.stats;
    const o = slot * WIDTH;
    s[o + SEEN] = (s[o + SEEN] as number) + 1;
    if ((s[o + LAST_DAY] as number) !== day) {
      s[o + DAYS] = (s[o + DAYS] as number) + 1;
      s[o + LAST_DAY] = day;
    }
  }

  /** Quantile, limit and confidence of a slot from the peaks it holds. */
  recompute(slot: number, rules: LimitRules): void {
    const n = this.gather(slot);
    const o = slot * WIDTH;
    const s = this.stats;
    if (n === 0) {
      s[o + LIMIT] = 0;
      s[o + P99] = 0;
      s[o + CONF] = 0;
      return;
    }
    const sorted = scratch.subarray(0, n).sort();
    const q = quantileSorted(sorted, n, rules.quantile);
    s[o + P99] = q;
    s[o + LIMIT] = Math.max(rules.minLimitPerMinute, Math.ceil(q * rules.margin));
    s[o + CONF] = confidenceOf(s[o + SEEN] as number, s[o + DAYS] as number, rules.halfConfidenceWindows);
  }

  /** Copies the peaks of a slot (all bands for the pooled one) into the scratch array; returns how many. */
  private gather(slot: number): number {
    const samples = this.samples;
    if (samples === null) return 0;
    if (scratch.length < samples.length) scratch = new Float64Array(samples.length);
    let n = 0;
    for (let b = 0; b < BANDS; b++) {
      if (slot !== POOLED && b !== slot) continue;
      const held = this.stat(b, HELD);
      for (let i = 0; i < held; i++) scratch[n++] = samples[b * this.size + i] as number;
    }
    return n;
  }

  /** Every band with a peak window, then the pooled one: what `tapwatch limits` lists. */
  limits(): BandLimit[] {
    const out: BandLimit[] = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.stat(slot, SEEN) === 0) continue;
      out.push({
        band: bandName(slot),
        limitPerMinute: this.limitOf(slot),
        confidence: Math.round(this.confidenceOf(slot) * 1000) / 1000,
        peaks: this.stat(slot, SEEN),
        p99PeakPerMinute: Math.round(this.p99Of(slot) * 10) / 10,
      });
    }
    return out;
  }

  toState(): PairState {
    const peaks: number[][] = [];
    for (let b = 0; b < BANDS; b++) {
      const held = this.stat(b, HELD);
      const pos = this.stat(b, POS);
      const band: number[] = [];
      // oldest first: from the write position when the ring is full
      for (let i = 0; i < held; i++) band.push(this.samples?.[b * this.size + ((held < this.size ? 0 : pos) + i) % this.size] ?? 0);
      peaks.push(band);
    }
    const column = (field: number): number[] => Array.from({ length: SLOTS }, (_, slot) => this.stat(slot, field));
    return {
      v: 1,
      minuteStart: finiteOrNull(this.minuteStart),
      minuteCount: this.minuteCount,
      tenStart: finiteOrNull(this.tenStart),
      tenMax: this.tenMax,
      flagBase: finiteOrNull(this.flagBase),
      peaks,
      seen: column(SEEN),
      days: column(DAYS),
      lastDay: column(LAST_DAY),
      last: this.last,
    };
  }

  /** A pair from its stored state (null when the state is not one this version wrote). */
  static fromState(key: string, identity: string, endpoint: EndpointRef, state: unknown, rules: LimitRules): PairLimits | null {
    if (!isPairState(state)) return null;
    const p = new PairLimits(key, identity, endpoint, rules.peaksPerBand);
    p.minuteStart = state.minuteStart ?? -Infinity;
    p.minuteCount = state.minuteCount;
    p.tenStart = state.tenStart ?? -Infinity;
    p.tenMax = state.tenMax;
    p.flagBase = state.flagBase ?? Infinity;
    p.last = state.last;
    const s = p.stats;
    for (let b = 0; b < BANDS; b++) {
      // the newest peaks when the ring is now smaller than when they were written
      const kept = (state.peaks[b] ?? []).slice(-p.size);
      if (kept.length === 0) continue;
      p.samples ??= new Uint16Array(BANDS * p.size);
      p.samples.set(kept.map((x) => Math.min(MAX_PEAK, Math.max(0, Math.round(x)))), b * p.size);
      s[b * WIDTH + HELD] = kept.length;
      s[b * WIDTH + POS] = kept.length % p.size;
    }
    for (let slot = 0; slot < SLOTS; slot++) {
      s[slot * WIDTH + SEEN] = state.seen[slot] ?? 0;
      s[slot * WIDTH + DAYS] = state.days[slot] ?? 0;
      s[slot * WIDTH + LAST_DAY] = state.lastDay[slot] ?? -1;
      p.recompute(slot, rules);
    }
    if (Number.isFinite(p.minuteStart)) p.enforce(rules);
    return p;
  }
}
