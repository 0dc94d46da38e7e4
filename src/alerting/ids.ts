// Alert ids: ULID layout (48-bit millisecond time + 80 random bits, Crockford base32, 26 chars), so
// ids sort by the packet time that raised them. Within one millisecond the random part is
// incremented, keeping ids from one generator strictly increasing there too.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class AlertIdGenerator {
  private lastMs = -1;
  private lastRandom = new Uint8Array(10);

  /** `ts` is packet time in seconds since the epoch. */
  next(ts: number): string {
    const ms = Math.max(0, Math.min(2 ** 48 - 1, Math.floor(ts * 1000)));
    if (ms === this.lastMs) {
      incrementBytes(this.lastRandom);
    } else {
      this.lastMs = ms;
      this.lastRandom = new Uint8Array(randomBytes(10));
      // Leave headroom so a burst within one millisecond does not wrap the random part.
      this.lastRandom[0] = (this.lastRandom[0] ?? 0) & 0x7f;
    }
    return encodeTime(ms) + encodeRandom(this.lastRandom);
  }
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** 80 bits as 16 base32 characters, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

function incrementBytes(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const v = (bytes[i] ?? 0) + 1;
    bytes[i] = v & 0xff;
    if (v <= 0xff) return;
  }
}
