// Recent request texts → their score, bounded (APIs repeat the same queries; a repeat costs no model
// call). Keyed by a 53-bit hash of the text (two independent 32-bit hashes), not the text: the memory
// per entry stays small whatever the request. Least recently used goes first past the bound.
import { hashString } from '../../core/hashing';

/** A second 32-bit hash (polynomial, unlike FNV), so two texts must collide in both to be confused. */
function polyHash(text: string): number {
  let h = 0x2f1b;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

export function textKey(text: string): number {
  return hashString(text) * 0x200000 + (polyHash(text) & 0x1fffff);
}

export class ScoreCache {
  private readonly entries = new Map<number, number>();
  hits = 0;
  evictions = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: number): number | undefined {
    const score = this.entries.get(key);
    if (score === undefined) return undefined;
    // re-insert: Map order is insertion order, so the first key is the least recently used
    this.entries.delete(key);
    this.entries.set(key, score);
    this.hits++;
    return score;
  }

  /** Remembers a score; true when the least recently used entry went to make room. */
  set(key: number, score: number): boolean {
    if (this.capacity === 0) return false;
    this.entries.delete(key);
    this.entries.set(key, score);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      this.evictions++;
      return true;
    }
    return false;
  }
}
