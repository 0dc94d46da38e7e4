// The real client address: the packet's client, unless that is a configured trusted proxy, in
// which case X-Forwarded-For (or the `for=` list of a Forwarded header, the same shape) is believed
// from the right: each proxy appends the address it got the
// request from, so the rightmost address that is not itself a trusted proxy is the client (an
// address further left was written by the client and may be forged). A request from an untrusted
// address keeps its packet address whatever it claims.
import { parseAddress, parseRange, rangeContains, type AddressRange } from '../core/address-match';
import type { Counters } from '../core/counters';

/** Addresses whose trust verdict is remembered; the cache is emptied when full (it is a cache). */
const MAX_CACHED_VERDICTS = 4096;
/** X-Forwarded-For entries looked at, from the right. */
const MAX_HOPS = 32;

export const C_XFF_USED = 'identity.xff.used';
export const C_XFF_IGNORED = 'identity.xff.ignored';

export class ClientAddress {
  private readonly ranges: readonly AddressRange[];
  private readonly verdicts = new Map<string, boolean>();
  /** The last header and what it gave: a proxy repeats the same header for every request of a client. */
  private lastHeader: string | null = null;
  private lastProxy: string | null = null;
  private lastClient = '';

  constructor(
    trustedProxies: readonly string[],
    private readonly counters: Counters,
  ) {
    this.ranges = trustedProxies.map((text) => parseRange(text)).filter((r): r is AddressRange => r !== null);
  }

  /** The client IP of a request sent from `packetIp` with this X-Forwarded-For value (or null). */
  resolve(packetIp: string, xForwardedFor: string | null): string {
    if (this.ranges.length === 0 || xForwardedFor === null) return packetIp;
    if (!this.trusted(packetIp)) {
      this.counters.inc(C_XFF_IGNORED);
      return packetIp;
    }
    this.counters.inc(C_XFF_USED);
    if (xForwardedFor === this.lastHeader && packetIp === this.lastProxy) return this.lastClient;
    const client = this.walk(xForwardedFor) ?? packetIp;
    this.lastHeader = xForwardedFor;
    this.lastProxy = packetIp;
    this.lastClient = client;
    return client;
  }

  /** True when `ip` is a trusted proxy. */
  trusted(ip: string): boolean {
    const known = this.verdicts.get(ip);
    if (known !== undefined) return known;
    const bytes = parseAddress(ip);
    const verdict = bytes !== null && this.ranges.some((r) => rangeContains(r, bytes));
    if (this.verdicts.size >= MAX_CACHED_VERDICTS) this.verdicts.clear();
    this.verdicts.set(ip, verdict);
    return verdict;
  }

  /** The rightmost untrusted address of the header; the leftmost valid one when all are trusted; null when none is valid. */
  private walk(header: string): string | null {
    let end = header.length;
    let leftmostValid: string | null = null;
    for (let hop = 0; hop < MAX_HOPS && end > 0; hop++) {
      const comma = header.lastIndexOf(',', end - 1);
      const address = addressOf(header.slice(comma + 1, end));
      end = comma < 0 ? 0 : comma;
      if (address === null) return leftmostValid; // a garbled hop: nothing left of it can be trusted
      if (!this.trusted(address)) return address;
      leftmostValid = address;
    }
    return leftmostValid;
  }
}

/** The address of one X-Forwarded-For entry or Forwarded `for=` node (`1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:80`, `2001:db8::1`), or null (`unknown`, `_hidden`). */
export function addressOf(entry: string): string | null {
  let s = entry.trim();
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    s = s.slice(1, close);
  } else if (s.indexOf(':') === s.lastIndexOf(':') && s.includes('.')) {
    // IPv4 with a port; an IPv6 address has several colons
    const colon = s.indexOf(':');
    if (colon >= 0) s = s.slice(0, colon);
  }
  const bytes = parseAddress(s);
  if (bytes === null) return null;
  return s.toLowerCase();
}
