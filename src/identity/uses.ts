// Bounded tallies of what an identity used (client IPs, user agents, endpoints): the first `max`
// distinct values in the order first seen, each with requests and first/last seen; requests with a
// value beyond the bound are counted, not kept. Most identities use one IP, one user agent and few
// endpoints, so the first value is held inline and a Map is made only for a second one. Merging a
// stored tally with a newer one gives what one uninterrupted run would have kept.
import type { UseStats } from './types';

export interface Tally<U extends UseStats> {
  firstKey: string | null;
  first: U | null;
  /** The values after the first, in the order first seen; null until there is a second. */
  rest: Map<string, U> | null;
  /** Requests whose value did not fit. */
  overflow: number;
}

export function emptyTally<U extends UseStats>(): Tally<U> {
  return { firstKey: null, first: null, rest: null, overflow: 0 };
}

export function tallySize(t: Tally<UseStats>): number {
  return (t.first === null ? 0 : 1) + (t.rest?.size ?? 0);
}

export function tallyGet<U extends UseStats>(t: Tally<U>, value: string): U | undefined {
  if (t.firstKey === value && t.first !== null) return t.first;
  return t.rest?.get(value);
}

/** The tallied uses, in the order first seen. */
export function tallyUses<U extends UseStats>(t: Tally<U>): U[] {
  const out: U[] = t.first === null ? [] : [t.first];
  if (t.rest !== null) for (const u of t.rest.values()) out.push(u);
  return out;
}

function put<U extends UseStats>(t: Tally<U>, value: string, use: U): void {
  if (t.first === null) {
    t.firstKey = value;
    t.first = use;
  } else {
    (t.rest ??= new Map()).set(value, use);
  }
}

/**
 * Counts one request with `value` at `ts`; `make` builds a new entry. Returns the entry, or null when
 * the tally is full (counted in `overflow`; the caller counts the bound).
 */
export function noteUse<U extends UseStats>(t: Tally<U>, value: string, ts: number, max: number, make: (value: string, ts: number) => U): U | null {
  const known = tallyGet(t, value);
  if (known !== undefined) {
    known.requests++;
    if (ts > known.lastSeen) known.lastSeen = ts;
    if (ts < known.firstSeen) known.firstSeen = ts;
    return known;
  }
  if (tallySize(t) >= max) {
    t.overflow++;
    return null;
  }
  const made = make(value, ts);
  put(t, value, made);
  return made;
}

/** A tally of stored uses (copied, so the stored row is not changed by later counting). */
export function tallyOf<U extends UseStats>(list: readonly U[], keyOf: (u: U) => string, overflow: number): Tally<U> {
  const t = emptyTally<U>();
  t.overflow = overflow;
  for (const u of list) put(t, keyOf(u), { ...u });
  return t;
}

/** Folds `newer` into `older` (a stored tally): older values first, then newer ones while there is room. */
export function mergeTally<U extends UseStats>(older: Tally<U>, newer: Tally<U>, max: number, keyOf: (u: U) => string): Tally<U> {
  const out = tallyOf(tallyUses(older), keyOf, older.overflow + newer.overflow);
  for (const use of tallyUses(newer)) {
    const value = keyOf(use);
    const known = tallyGet(out, value);
    if (known !== undefined) {
      known.requests += use.requests;
      known.firstSeen = Math.min(known.firstSeen, use.firstSeen);
      known.lastSeen = Math.max(known.lastSeen, use.lastSeen);
    } else if (tallySize(out) < max) {
      put(out, value, use);
    } else {
      out.overflow += use.requests;
    }
  }
  return out;
}
