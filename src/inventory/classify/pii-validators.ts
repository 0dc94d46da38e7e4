// Validators of sensitive values: payment cards (Luhn + IIN), US SSN, CN resident id, IBAN
// (mod 97), private IPv4/IPv6 and Shannon entropy. Pure checks on one candidate value, used by the
// scanners in pii-scan.ts once a regex has found it. Split from pii.ts: one job per file.
import { isIPv4, isIPv6 } from 'node:net';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Known issuer prefix for the length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir). */
export function knownCardPrefix(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if (p2 >= 51 && p2 <= 55) return n === 16;
  if (p4 >= 2221 && p4 <= 2720) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16;
  if (p2 === 62) return n >= 16;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14;
  if (p2 === 50 || (p2 >= 56 && p2 <= 58) || p2 === 67 || p3 === 639) return n >= 13;
  if (p4 >= 2200 && p4 <= 2204) return n >= 16;
  return false;
}

/** 13–19 digits, known issuer prefix, Luhn, not one repeated digit. */
export function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return knownCardPrefix(digits) && luhnValid(digits);
}

const SSN_EXAMPLES = new Set(['078051120', '219099999', '123456789']);

/** US SSN area/group/serial rules: no 000, 666 or 9xx area, no 00 group, no 0000 serial. */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !SSN_EXAMPLES.has(area + group + serial);
}

const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CN_CHECK = '10X98765432';

/** PRC resident identity number (GB 11643): ISO 7064 MOD 11-2 check character. */
export function isCnResidentId(id: string): boolean {
  if (id.length !== 18) return false;
  let s = 0;
  for (let i = 0; i < 17; i++) s += (id.charCodeAt(i) - 48) * (CN_WEIGHTS[i] ?? 0);
  return CN_CHECK[s % 11] === id[17]?.toUpperCase();
}

/** IBAN length per country (ISO 13616); the IBAN scanner takes exactly this many characters. */
export const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22,
  GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31,
  MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24,
  SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** ISO 13616 IBAN (no spaces): country length and mod-97 = 1. */
export function isIban(iban: string): boolean {
  const len = IBAN_LENGTHS[iban.slice(0, 2)];
  if (len === undefined || iban.length !== len) return false;
  const r = iban.slice(4) + iban.slice(0, 4);
  let m = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 48 && c <= 57) m = (m * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) m = (m * 100 + (c - 55)) % 97;
    else return false;
  }
  return m === 1;
}

export function isPrivateIpv4(ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** fc00::/7 (unique local), fe80::/10 (link-local), ::1 (loopback). */
export function isPrivateIpv6(ip: string): boolean {
  const pct = ip.indexOf('%');
  const addr = (pct >= 0 ? ip.slice(0, pct) : ip).toLowerCase();
  if (!isIPv6(addr)) return false;
  if (addr === '::1') return true;
  if (addr.startsWith('::')) return false;
  const first = parseInt(addr.slice(0, addr.indexOf(':')), 16);
  if (addr.indexOf(':') > 4 || Number.isNaN(first)) return false;
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

export function shannonBits(s: string): number {
  const freq = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    freq.set(c, (freq.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const f of freq.values()) {
    const p = f / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
