// IP and CIDR matching (IPv4 and IPv6), for suppression rules and spec host bindings. Clients are compared as 16-byte
// addresses, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so `10.0.0.0/8` also matches a client the
// capture wrote as `::ffff:10.1.2.3`. Parsing happens once per rule; matching is byte comparison.
import { isIPv4, isIPv6 } from 'node:net';

export interface AddressRange {
  /** 16 bytes; IPv4 ranges are stored mapped into ::ffff:0:0/96. */
  readonly bytes: Uint8Array;
  /** Prefix length over the 128-bit form. */
  readonly prefix: number;
}

/** Parses an IPv4/IPv6 address (zone id and brackets allowed) to 16 bytes; null when it is not one. */
export function parseAddress(text: string): Uint8Array | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv4(s)) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    s.split('.').forEach((part, i) => (out[12 + i] = Number(part)));
    return out;
  }
  if (isIPv6(s)) return parseIPv6(s);
  return null;
}

function parseIPv6(s: string): Uint8Array {
  const out = new Uint8Array(16);
  let tail: number[] = [];
  // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    tail = [(a << 8) | b, (c << 8) | d];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head = '', rest] = s.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...headGroups, ...new Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups].map((g) => parseInt(g, 16));
  if (tail.length === 2) {
    groups[6] = tail[0] ?? 0;
    groups[7] = tail[1] ?? 0;
  }
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Parses `ip` or `ip/prefix` (IPv4 prefixes 0–32, IPv6 0–128); null when malformed. */
export function parseRange(text: string): AddressRange | null {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseAddress(addrText);
  if (!bytes) return null;
  const v4 = isIPv4(addrText.trim());
  const max = v4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  return { bytes, prefix: v4 ? prefix + 96 : prefix };
}

export function rangeContains(range: AddressRange, address: Uint8Array): boolean {
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (range.bytes[i] !== address[i]) return false;
  const bits = range.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((range.bytes[full] ?? 0) & mask) === ((address[full] ?? 0) & mask);
}
