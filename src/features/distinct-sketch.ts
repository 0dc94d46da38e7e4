// Distinct counts in 64 bytes: a HyperLogLog of 64 six-bit registers (one byte each), with linear
// counting while few registers are set. Standard error about 13% above ~100 values and far less below
// (where linear counting is near exact), which is what "distinct templates / object ids / callers
// in an hour" needs; an exact set would grow with traffic. Registers of several sketches live side by
// side in one Uint8Array (`at` is the first register), so a baseline holds one array for all of them.

export const SKETCH_REGISTERS = 64;
const INDEX_BITS = 6;
const ALPHA = 0.709; // HyperLogLog bias constant for m = 64
const LINEAR_COUNTING_LIMIT = (5 / 2) * SKETCH_REGISTERS;
/** 2^-r for every register value: a table read instead of a power in the estimate's loop. */
const INVERSE_POWERS = Float64Array.from({ length: 64 }, (_, r) => 2 ** -r);

/** Adds a 32-bit hash (hashing.ts) to the sketch at `at`. */
export function sketchAdd(regs: Uint8Array, at: number, hash: number): void {
  const index = hash & (SKETCH_REGISTERS - 1);
  const rest = hash >>> INDEX_BITS; // 26 bits
  const rank = rest === 0 ? 27 : Math.clz32(rest) - INDEX_BITS + 1;
  if (rank > (regs[at + index] as number)) regs[at + index] = rank;
}

/** Estimated distinct values of the sketch at `at`, or of its union with the one at `other`. */
export function sketchEstimate(regs: Uint8Array, at: number, other = -1): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < SKETCH_REGISTERS; i++) {
    let r = regs[at + i] as number;
    if (other >= 0) r = Math.max(r, regs[other + i] as number);
    if (r === 0) zeros++;
    sum += INVERSE_POWERS[r] as number;
  }
  const raw = (ALPHA * SKETCH_REGISTERS * SKETCH_REGISTERS) / sum;
  if (raw <= LINEAR_COUNTING_LIMIT && zeros > 0) return SKETCH_REGISTERS * Math.log(SKETCH_REGISTERS / zeros);
  return raw;
}

/** Moves the sketch at `from` to `to` and empties `from` (a window rolls over). */
export function sketchMove(regs: Uint8Array, from: number, to: number): void {
  regs.copyWithin(to, from, from + SKETCH_REGISTERS);
  regs.fill(0, from, from + SKETCH_REGISTERS);
}

export function sketchClear(regs: Uint8Array, at: number): void {
  regs.fill(0, at, at + SKETCH_REGISTERS);
}
