// Which identities get a record. A `key:` identity (an opaque token, API key or session cookie:
// values anyone can mint at random, one per request if they like) seen once is attributed
// (ctx.identity) but gets no record, no session and no database row: it waits in a bounded map of first sightings (its packet time) and is admitted
// on its second request, with the first one counted in. The waiting ones are written at a clean stop
// and read back at start (a crash loses only those), so `replay A; replay B` equals `replay A B`. An identity that had a record before (in
// this run, or in the database at start) is admitted at once: a two-generation Bloom filter of known
// identities remembers them, so a daily job's key is recorded every day, not every other day.
// `user:` identities (JWT subjects, Basic and login users) and `ip:` ones are recorded from their first
// request: an analyst wants every named user, and both are bounded by maxIdentities with eviction.
import { hashString } from '../core/hashing';
import { SeenFilter } from '../core/seen-filter';
import type { Counters } from '../core/counters';
import type { IdentityKind } from './types';

export const C_FIRST_SIGHTINGS = 'identity.first_sightings';
export const C_FIRST_SIGHTINGS_EVICTED = 'identity.first_sightings.evicted';
export const C_ADMITTED = 'identity.admitted';
export const C_KNOWN_ROTATED = 'identity.known_filter.rotated';
/** Share of first sightings forgotten at once when the bound is hit (the oldest, in insertion order). */
const EVICT_FRACTION = 1 / 16;
/** Bits per known identity and probes (about 0.1% false positives: a stranger admitted at once). */
const KNOWN_BITS_PER_ID = 20;
const KNOWN_PROBES = 4;

/** An identity's first request, remembered until its second. */
export interface FirstSighting {
  readonly ts: number;
}

export class Admission {
  /** `kind:value` → packet time of its only request so far, oldest first (Map order). */
  private readonly firstSeen = new Map<string, number>();
  private readonly known: SeenFilter;

  constructor(
    private readonly maxFirstSightings: number,
    knownFilterBits: number,
    private readonly counters: Counters,
  ) {
    this.known = new SeenFilter(knownFilterBits, undefined, KNOWN_BITS_PER_ID, KNOWN_PROBES);
  }

  /** First sightings waiting for a second request. */
  get waiting(): number {
    return this.firstSeen.size;
  }

  /** An identity that has (or had) a record: its next appearance is admitted at once. */
  remember(id: string): void {
    if (this.known.add(hashString(id))) this.counters.inc(C_KNOWN_ROTATED);
  }

  /**
   * Null when `id` is admitted now (with `firstTs` set to its earlier first sighting, or NaN); else
   * the request is its first sighting and is remembered. Called only for identities not in memory.
   */
  admit(kind: IdentityKind, id: string, ts: number): { firstTs: number } | null {
    if (kind !== 'key') return ADMITTED_NOW;
    const earlier = this.firstSeen.get(id);
    if (earlier !== undefined) {
      this.firstSeen.delete(id);
      this.counters.inc(C_ADMITTED);
      return { firstTs: earlier };
    }
    if (this.known.has(hashString(id))) return ADMITTED_NOW;
    if (this.firstSeen.size >= this.maxFirstSightings) this.evictOldest();
    this.firstSeen.set(id, ts);
    this.counters.inc(C_FIRST_SIGHTINGS);
    return null;
  }

  /** The waiting first sightings, oldest first (to write at a clean stop). */
  waitingEntries(): IterableIterator<[string, number]> {
    return this.firstSeen.entries();
  }

  /** First sightings written by an earlier run, oldest first. */
  loadWaiting(entries: Iterable<{ id: string; ts: number }>): void {
    for (const e of entries) {
      if (this.firstSeen.size >= this.maxFirstSightings) this.evictOldest();
      this.firstSeen.set(e.id, e.ts);
    }
  }

  private evictOldest(): void {
    const n = Math.max(1, Math.floor(this.firstSeen.size * EVICT_FRACTION));
    let left = n;
    for (const id of this.firstSeen.keys()) {
      if (left-- <= 0) break;
      this.firstSeen.delete(id);
    }
    this.counters.inc(C_FIRST_SIGHTINGS_EVICTED, n);
  }
}

const ADMITTED_NOW = { firstTs: NaN };
