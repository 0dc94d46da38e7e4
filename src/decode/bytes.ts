// Big/little-endian readers over a byte array. Callers bounds-check before reading; an index past
// the end reads `undefined`, which the bit operators turn into 0, so a missed check cannot throw.

export function u16(d: Uint8Array, o: number): number {
  return (d[o]! << 8) | d[o + 1]!;
}

export function u24(d: Uint8Array, o: number): number {
  return (d[o]! << 16) | (d[o + 1]! << 8) | d[o + 2]!;
}

/** Unsigned 32-bit big-endian value (0 .. 2^32-1). */
export function u32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

export function u16le(d: Uint8Array, o: number): number {
  return d[o]! | (d[o + 1]! << 8);
}

/** Copy `n` bytes of `d` at `o` into `dst` at 0 and zero the rest of `dst`. */
export function copyAddr(dst: Uint8Array, d: Uint8Array, o: number, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = d[o + i]!;
  for (let i = n; i < dst.length; i++) dst[i] = 0;
}
