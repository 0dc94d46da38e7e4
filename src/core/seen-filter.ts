// A set of 32-bit hashes in a fixed number of bits: two Bloom-filter generations, each a power of
// two of bits (at most half the bits asked for). A hash is "seen" when either generation has it.
// When the current generation is full (one id per `bitsPerId` of its bits) the older generation is
// dropped and a fresh one starts, so memory stays fixed and ids not added for a long while are
// forgotten. False positives only ever say "seen" for an unseen id. Uses: the object ids an identity
// was shown in responses (features; APIClarity's BOLA rule: asking for an id you were never given is
// suspect), 10 bits and 3 probes per id (about 2% false positives); and the admission filters of
// identities (features, identity), 20 bits and 4 probes per identity (about 0.1%).
import { fmix32 } from './hashing';

/** Bits per id at which a generation is full, and probes per id: about 2% false positives. */
const DEFAULT_BITS_PER_ID = 10;
const DEFAULT_PROBES = 3;

export class SeenFilter {
  /** Generation g occupies bytes [g * genBytes, (g + 1) * genBytes). */
  readonly bits: Uint8Array;
  readonly genBytes: number;
  /** The generation ids are added to (0 or 1). */
  current: number;
  /** Ids added to the current generation. */
  added: number;
  /** Ids added over the filter's life (whether it ever saw any decides if unseen ids can be judged). */
  total: number;

  constructor(
    totalBits: number,
    state?: FilterState,
    private readonly bitsPerId = DEFAULT_BITS_PER_ID,
    private readonly probes = DEFAULT_PROBES,
  ) {
    // a power of two, so a probe is a mask rather than a division
    this.genBytes = Math.max(8, 2 ** Math.floor(Math.log2(totalBits / 16)));
    this.bits = state && state.bits.length === this.genBytes * 2 ? state.bits : new Uint8Array(this.genBytes * 2);
    this.current = state?.current === 1 ? 1 : 0;
    this.added = state?.added ?? 0;
    this.total = state?.total ?? 0;
  }

  get capacity(): number {
    return Math.floor((this.genBytes * 8) / this.bitsPerId);
  }

  /** Adds the id hash; true when the older generation had to be dropped to make room. */
  add(hash: number): boolean {
    let rotated = false;
    if (this.added >= this.capacity) {
      this.current ^= 1;
      this.bits.fill(0, this.current * this.genBytes, (this.current + 1) * this.genBytes);
      this.added = 0;
      rotated = true;
    }
    this.setProbes(this.current, hash);
    this.added++;
    this.total++;
    return rotated;
  }

  has(hash: number): boolean {
    return this.hasIn(this.current, hash) || this.hasIn(this.current ^ 1, hash);
  }

  private setProbes(gen: number, hash: number): void {
    const nbits = this.genBytes * 8;
    const base = gen * this.genBytes;
    const step = fmix32(hash ^ 0x5bd1e995) | 1;
    for (let i = 0; i < this.probes; i++) {
      const bit = (hash + Math.imul(i, step)) & (nbits - 1);
      this.bits[base + (bit >>> 3)] = (this.bits[base + (bit >>> 3)] as number) | (1 << (bit & 7));
    }
  }

  private hasIn(gen: number, hash: number): boolean {
    const nbits = this.genBytes * 8;
    const base = gen * this.genBytes;
    const step = fmix32(hash ^ 0x5bd1e995) | 1;
    for (let i = 0; i < this.probes; i++) {
      const bit = (hash + Math.imul(i, step)) & (nbits - 1);
      if (((this.bits[base + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }
}

export interface FilterState {
  bits: Uint8Array;
  current: number;
  added: number;
  total: number;
}

/** The filter of identities seen once (admitOnSecondRequest): 20 bits and 4 probes per identity. */
export function admissionFilter(totalBits: number, state?: FilterState): SeenFilter {
  return new SeenFilter(totalBits, state, 20, 4);
}
