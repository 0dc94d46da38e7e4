// A short list of the values one identity (or client IP) showed — its IPs, user agents, autonomous
// systems — with a count and first/last packet time each. At most `max` values; later new values are
// counted in `overflow`, not kept. Linear search from the last match: these lists are tiny and one
// client usually repeats the same value, so the common case is one string comparison. One small
// object per value in one array: most clients have one or two values, and memory is per identity.

/** Longest value kept (user agents can be long; the prefix identifies them). */
export const MAX_VALUE_CHARS = 200;

/** What `note` did: the value was known, added, or did not fit. */
export const TALLY_KNOWN = 0;
export const TALLY_ADDED = 1;
export const TALLY_OVERFLOW = 2;
export type TallyResult = typeof TALLY_KNOWN | typeof TALLY_ADDED | typeof TALLY_OVERFLOW;

export interface TallyEntry {
  readonly value: string;
  count: number;
  readonly first: number;
  last: number;
}

/** The stored form: parallel arrays (compact JSON). */
export interface TallyState {
  values: string[];
  counts: number[];
  first: number[];
  last: number[];
  overflow: number;
}

function sameValue(stored: string, value: string): boolean {
  if (value.length < MAX_VALUE_CHARS) return stored === value;
  return stored.length === MAX_VALUE_CHARS && value.startsWith(stored);
}

export class BoundedTally {
  entries: TallyEntry[] = [];
  /** Observations of values that did not fit. */
  overflow = 0;
  private lastMatch = 0;

  constructor(readonly max: number) {}

  note(value: string, ts: number): TallyResult {
    const entries = this.entries;
    const n = entries.length;
    for (let k = 0; k < n; k++) {
      const i = (this.lastMatch + k) % n;
      const e = entries[i] as TallyEntry;
      if (sameValue(e.value, value)) {
        this.lastMatch = i;
        e.count++;
        if (ts > e.last) e.last = ts;
        return TALLY_KNOWN;
      }
    }
    if (n >= this.max) {
      this.overflow++;
      return TALLY_OVERFLOW;
    }
    entries.push({ value: value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value, count: 1, first: ts, last: ts });
    this.lastMatch = n;
    return TALLY_ADDED;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Values last seen at or after `since`. */
  activeSince(since: number): number {
    let n = 0;
    for (const e of this.entries) if (e.last >= since) n++;
    return n;
  }

  state(): TallyState {
    const e = this.entries;
    return { values: e.map((x) => x.value), counts: e.map((x) => x.count), first: e.map((x) => x.first), last: e.map((x) => x.last), overflow: this.overflow };
  }

  static from(max: number, s: TallyState | undefined): BoundedTally {
    const t = new BoundedTally(max);
    if (!s) return t;
    const n = Math.min(s.values.length, max);
    for (let i = 0; i < n; i++) t.entries.push({ value: s.values[i] as string, count: s.counts[i] ?? 0, first: s.first[i] ?? 0, last: s.last[i] ?? 0 });
    t.overflow = s.overflow;
    return t;
  }
}
