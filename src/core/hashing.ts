// 32-bit hashes for the sketches: FNV-1a over a string (or a range of one, so a path segment is
// hashed without cutting it out), finished with murmur3's fmix32 so every bit mixes; and the plain
// FNV-1a the detectors count by. Not keyed and
// not for secrets: only sketch registers and filter bits are kept, never the values or the hashes.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Plain 32-bit FNV-1a of `text[start, end)` (no finish). */
function fnv1aRange(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Plain 32-bit FNV-1a of a string, without the finish: what the detectors count identities, user
 * names and resources by (their filters and lists were tuned on these values).
 */
export function fnv1a(text: string): number {
  return fnv1aRange(text, 0, text.length);
}

/** Hash of `text[start, end)`. */
export function hashRange(text: string, start: number, end: number): number {
  return fmix32(fnv1aRange(text, start, end));
}

export function hashString(text: string): number {
  return hashRange(text, 0, text.length);
}

/** Combines two hashes (an id within its template) into one. */
export function combineHashes(a: number, b: number): number {
  return fmix32((a ^ Math.imul(b, 0x9e3779b1)) >>> 0);
}
