// The baselines of one kind (or the open sessions), bounded: at most `max`, and when a new one would exceed that, the
// least recently active 1/32 of them (at least one) are forgotten and counted. Ties on last activity
// are broken by key, so which baselines go depends only on the traffic, never on load order: a
// restarted sensor forgets the same ones as one that kept running. Changed baselines are listed
// once until written; forgotten ones are listed for deletion from the database.
import type { Counters } from '../core/counters';

/** What a table needs of its entries (baselines, sessions). */
export interface TableEntry {
  readonly key: string;
  /** Packet time of the latest activity: the least recent go first. */
  readonly last: number;
  dirty: boolean;
  evicted: boolean;
}

export class BaselineTable<B extends TableEntry> {
  readonly byKey = new Map<string, B>();
  private dirtyList: B[] = [];
  /** Keys forgotten since the last write (their rows are deleted). */
  readonly removed = new Set<string>();

  constructor(
    readonly max: number,
    private readonly counters: Counters,
    /** Counted for each baseline forgotten at the bound. */
    readonly evictedCounter: string,
    /** Told about each baseline forgotten (to drop what refers to it). */
    private readonly onEvict: ((b: B) => void) | null = null,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): B | undefined {
    return this.byKey.get(key);
  }

  /** Adds a new baseline, first forgetting the least recently active ones when the table is full. */
  insert(b: B): void {
    if (this.byKey.size >= this.max) this.evictOldest();
    this.byKey.set(b.key, b);
    this.removed.delete(b.key);
    this.markDirty(b);
  }

  /** Adds a baseline read from the database (not dirty: the row is what it holds). */
  load(b: B): void {
    this.byKey.set(b.key, b);
  }

  markDirty(b: B): void {
    if (b.dirty) return;
    b.dirty = true;
    this.dirtyList.push(b);
  }

  /** Removes one baseline without counting a bound (its owner went). */
  remove(b: B): void {
    if (this.byKey.get(b.key) !== b) return;
    this.byKey.delete(b.key);
    this.removed.add(b.key);
    b.evicted = true;
    b.dirty = false;
  }

  private evictOldest(): void {
    const n = Math.max(1, Math.floor(this.max / 32));
    const oldest = [...this.byKey.values()].sort((a, b) => a.last - b.last || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, n);
    for (const b of oldest) {
      this.remove(b);
      this.onEvict?.(b);
    }
    this.counters.inc(this.evictedCounter, oldest.length);
  }

  /** Up to `limit` changed baselines, longest-changed first; they count as written. */
  takeDirty(limit: number): B[] {
    const out: B[] = [];
    let i = 0;
    for (; i < this.dirtyList.length && out.length < limit; i++) {
      const b = this.dirtyList[i] as B;
      if (!b.dirty || b.evicted) continue;
      b.dirty = false;
      out.push(b);
    }
    this.dirtyList = this.dirtyList.slice(i);
    return out;
  }

  /** Changed baselines still waiting to be written. */
  get dirtyCount(): number {
    let n = 0;
    for (const b of this.dirtyList) if (b.dirty && !b.evicted) n++;
    return n;
  }
}
