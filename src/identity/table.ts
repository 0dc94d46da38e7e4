// The identities held in memory, one map per kind keyed by what follows `kind:` (so finding a known
// caller builds no string): bounded by `identity.maxIdentities` (the least recently seen are written
// and forgotten first, counted) and by idleness (`identity.idleEvictSec` of packet time, counted). A
// forgotten identity that comes back starts as a fresh record marked `partial`; its stored past is
// folded in on the next flush, the one place the database is read after start, so `onTransaction`
// never does I/O. Until its last state is committed a forgotten record is kept aside and revived, so
// nothing is read back stale. A new identity gets a record only once Admission admits it (its second
// request, or at once when it was known before).
import type { Counters } from '../core/counters';
import type { Admission } from './admission';
import type { IdentityNaming } from './naming';
import { IdentityRecord, type Bounds } from './record';
import type { Sessions } from './sessions';
import type { IdentityStore } from './store';
import type { IdentityKind, IdentitySourceKind } from './types';

export const C_IDENTITIES_EVICTED = 'identity.identities.evicted';
export const C_IDENTITIES_IDLE_EVICTED = 'identity.identities.idle_evicted';
export const C_FLUSH_DEFERRED = 'identity.flush.deferred';
/** Share of identities forgotten at once when the bound is hit (so the sort is paid rarely). */
const EVICT_FRACTION = 1 / 16;

export class IdentityTable {
  private readonly byKind: Record<IdentityKind, Map<string, IdentityRecord>> = { user: new Map(), key: new Map(), ip: new Map() };
  private retired = new Map<string, IdentityRecord>();
  private dirty: IdentityRecord[] = [];
  /** No identity row is stored: a new record has no past to fold in. */
  private storeEmpty: boolean;

  constructor(
    private readonly max: number,
    private readonly bounds: Bounds,
    private readonly naming: IdentityNaming,
    private readonly sessions: Sessions,
    private readonly store: IdentityStore | null,
    private readonly counters: Counters,
    /** Null: every identity gets a record at its first request (identity.admitOnSecondRequest false). */
    private readonly admission: Admission | null,
  ) {
    this.storeEmpty = store === null || store.isEmpty();
  }

  get size(): number {
    return this.byKind.user.size + this.byKind.key.size + this.byKind.ip.size;
  }

  get(kind: IdentityKind, value: string): IdentityRecord | undefined {
    return this.byKind[kind].get(value);
  }

  /** Every record in memory. */
  *records(): IterableIterator<IdentityRecord> {
    yield* this.byKind.user.values();
    yield* this.byKind.key.values();
    yield* this.byKind.ip.values();
  }

  /** Records continuing from stored rows (start of a run); false when the bound left no room. */
  load(r: IdentityRecord): boolean {
    if (this.size >= this.max) return false;
    this.byKind[r.kind].set(r.value, r);
    this.admission?.remember(r.id);
    return true;
  }

  /**
   * The record of `kind:value` for a request at packet time `ts`, made (or revived) when it is not in
   * memory; null while the identity is not admitted (its first request: see Admission). A record
   * admitted on its second request has the first one counted in (`firstTs`, in `firstRequest`).
   */
  obtain(kind: IdentityKind, value: string, source: IdentitySourceKind, ts: number, firstRequest: { ts: number }): IdentityRecord | null {
    const map = this.byKind[kind];
    const known = map.get(value);
    firstRequest.ts = NaN;
    if (known !== undefined) return known;
    const id = `${kind}:${value}`;
    let r: IdentityRecord | undefined;
    if (this.retired.size > 0) {
      r = this.retired.get(id);
      if (r !== undefined) {
        this.retired.delete(id);
        this.sessions.readopt(r);
      }
    }
    if (r === undefined) {
      const admission = this.admission;
      if (admission !== null) {
        const admitted = admission.admit(kind, id, ts);
        if (admitted === null) return null;
        firstRequest.ts = admitted.firstTs;
        admission.remember(id);
      }
      r = new IdentityRecord(kind, value, this.naming.display(kind, value), source, !this.storeEmpty);
    }
    if (this.size >= this.max) this.evictOldest();
    map.set(value, r);
    return r;
  }

  markDirty(r: IdentityRecord): void {
    if (r.dirty) return;
    r.dirty = true;
    this.dirty.push(r);
  }

  /** Forgets identities idle longer than `idleSec` at packet time `now`. */
  sweepIdle(now: number, idleSec: number): void {
    let n = 0;
    for (const r of this.records()) {
      if (now - r.lastSeen > idleSec) {
        this.forget(r);
        n++;
      }
    }
    if (n > 0) this.counters.inc(C_IDENTITIES_IDLE_EVICTED, n);
  }

  /**
   * Queues the rows of at most `maxRows` changed identities (the longest-changed first), folding in
   * the stored past of a partial one first. Returns how many are left for the next flush.
   */
  queueWrites(maxRows: number): number {
    const store = this.store;
    const batch = store === null || this.dirty.length <= maxRows ? this.dirty : this.dirty.splice(0, maxRows);
    if (batch === this.dirty) this.dirty = [];
    for (const r of batch) {
      r.dirty = false;
      if (store === null) continue;
      if (r.partial) {
        const stored = store.get(r.id);
        if (stored !== null) r.absorb(stored, this.bounds);
        r.partial = false;
      }
      store.save(r.toRow());
      this.storeEmpty = false;
    }
    if (this.dirty.length > 0) this.counters.inc(C_FLUSH_DEFERRED, this.dirty.length);
    return this.dirty.length;
  }

  /** The queued writes are committed: forgotten records need no reviving any more. */
  committed(): void {
    if (this.retired.size > 0) this.retired = new Map();
  }

  private forget(r: IdentityRecord): void {
    this.sessions.release(r);
    this.byKind[r.kind].delete(r.value);
    this.retired.set(r.id, r);
  }

  private evictOldest(): void {
    const oldest = [...this.records()].sort((a, b) => a.lastSeen - b.lastSeen);
    const n = Math.max(1, Math.floor(oldest.length * EVICT_FRACTION));
    for (let i = 0; i < n; i++) {
      const r = oldest[i];
      if (r !== undefined) this.forget(r);
    }
    this.counters.inc(C_IDENTITIES_EVICTED, n);
  }
}
