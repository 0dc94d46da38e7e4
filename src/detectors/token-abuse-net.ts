// Where a client is and what program it is, in the coarse terms the token-abuse detector compares:
// the network of an address (its /24, or /64 for IPv6: one home, office or hosting subnet), whether
// the address is public (an identity only ever seen on private addresses that turns up on the
// internet has left its network), and the family of a user agent (the string with its version
// numbers blurred, so a browser or app update is the same client and another program is not).
import { parseAddress } from '../core/address-match';

/** The /24 (IPv4, also when written IPv4-mapped) or /64 (IPv6) of an address, as a short string; the address itself when it does not parse. */
export function networkOf(ip: string): string {
  const b = parseAddress(ip);
  if (b === null) return ip;
  if (isMappedV4(b)) return `${b[12]}.${b[13]}.${b[14]}.0/24`;
  let s = '';
  for (let i = 0; i < 8; i += 2) s += `${(((b[i] as number) << 8) | (b[i + 1] as number)).toString(16)}:`;
  return `${s}:/64`;
}

function isMappedV4(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * False for private (RFC 1918, unique-local), shared (CGNAT 100.64/10), loopback, link-local and
 * unparseable addresses: the ones no ASN or country database names.
 */
export function isPublicAddress(ip: string): boolean {
  const b = parseAddress(ip);
  if (b === null) return false;
  if (isMappedV4(b)) {
    const a = b[12] as number;
    const c = b[13] as number;
    if (a === 10 || a === 127 || a === 0) return false;
    if (a === 172 && c >= 16 && c <= 31) return false;
    if (a === 192 && c === 168) return false;
    if (a === 169 && c === 254) return false;
    if (a === 100 && c >= 64 && c <= 127) return false;
    return true;
  }
  const first = b[0] as number;
  if ((first & 0xfe) === 0xfc) return false; // fc00::/7 unique-local
  if (first === 0xfe && ((b[1] as number) & 0xc0) === 0x80) return false; // fe80::/10 link-local
  let zero = true;
  for (let i = 0; i < 15; i++) if (b[i] !== 0) zero = false;
  return !zero; // :: and ::1
}

/**
 * A 32-bit hash of a user agent's family: FNV-1a over its characters with every run of digits taken
 * as one `#`, so `App/5.3.0 (iOS 16.1)` and `App/5.3.1 (iOS 17.0)` are one family and another
 * program is another. No user agent is a family of its own (0).
 */
export function clientFamily(ua: string | null): number {
  if (ua === null || ua === '') return 0;
  let h = 0x811c9dc5;
  let inDigits = false;
  const n = Math.min(ua.length, 512);
  for (let i = 0; i < n; i++) {
    const c = ua.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (digit && inDigits) continue;
    inDigits = digit;
    h = Math.imul(h ^ (digit ? 35 : c), 0x01000193);
  }
  return (h >>> 0) | 1;
}
