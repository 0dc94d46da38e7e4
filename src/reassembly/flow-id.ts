// Stable flow ids: the n-th flow of a run with a given seed always gets the same id, so replays of
// a capture are deterministic and ids can be compared across runs (like Zeek's uid, but seeded).
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export class FlowIdGenerator {
  private counter = 0;

  constructor(private readonly seed: number) {}

  next(): string {
    const n = ++this.counter;
    let hi = mix32(n ^ mix32(this.seed));
    let lo = mix32(n + 0x9e3779b9 + this.seed * 31);
    let id = 'F';
    for (let i = 0; i < 5; i++) {
      id += ALPHABET[hi % 62];
      hi = Math.floor(hi / 62);
    }
    for (let i = 0; i < 5; i++) {
      id += ALPHABET[lo % 62];
      lo = Math.floor(lo / 62);
    }
    return id;
  }
}
