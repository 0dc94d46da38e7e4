// A map with a bound for per-identity, per-client and per-endpoint state (the bulk-pull, spike and
// scraping detectors, the payload model's actors). When full, the oldest entry goes, unless it was
// used within the last `recentSec` of packet time: then it gets a second chance (moved to the back)
// and the next oldest is looked at, a few at most (the CLOCK rule: O(1), no reordering on every read).

/** Entries looked at for one insertion before the oldest goes anyway. */
const SECOND_CHANCES = 8;

export interface Touched {
  /** Packet time of the last use (the caller sets it on each read that matters). */
  touched: number;
}

export class BoundedTable<V extends Touched> {
  private readonly map = new Map<string, V>();

  constructor(
    readonly max: number,
    /** Called once per entry forgotten to make room (the caller counts it, and may learn from it). */
    private readonly onEvict: (key: string, value: V) => void,
    private readonly recentSec = 3600,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /** Oldest first; an entry may be deleted while iterating. */
  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /** Adds an entry, forgetting one when the table is full. */
  insert(key: string, value: V, now: number): void {
    if (this.map.size >= this.max) this.evictOne(now);
    this.map.set(key, value);
  }

  private evictOne(now: number): void {
    for (let i = 0; i < SECOND_CHANCES; i++) {
      const first = this.map.entries().next();
      if (first.done === true) return;
      const [key, entry] = first.value;
      this.map.delete(key);
      if (i === SECOND_CHANCES - 1 || now - entry.touched >= this.recentSec) {
        this.onEvict(key, entry);
        return;
      }
      this.map.set(key, entry);
    }
  }
}
