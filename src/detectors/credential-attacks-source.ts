// Whether a failed login comes from a source new to the account: no address the account's identity
// baseline saw before its run of failures began shares the client IP's network (the /24 of IPv4,
// the /64 of IPv6) or, with an ASN database, its autonomous system. Risk-based logins weigh this
// ("unfamiliar sign-in"): an owner mistyping mostly does so from where they usually are, a guesser
// from elsewhere, and an account the sensor never saw has no source that vouches for it.
import type { IdentityBaseline } from '../features/types';
import type { GeoOf } from './index';

/** `v4:a.b.c` or `v6:g0:g1:g2:g3` (hex groups without leading zeros); null when not an address. */
export function networkOf(ip: string): string | null {
  const lower = ip.toLowerCase();
  const mapped = lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
  if (mapped.includes('.')) {
    const parts = mapped.split('.');
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p)) ? `v4:${parts[0]}.${parts[1]}.${parts[2]}` : null;
  }
  if (!mapped.includes(':')) return null;
  const halves = mapped.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array.from({ length: Math.max(0, zeros) }, () => '0'), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return `v6:${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}`;
}

/** What `sourceNewTo` says when the account used the source's network (or roams too widely to say). */
export const FAMILIAR = -1;

/**
 * Whether `ip` is new to the account at `since` (the start of its run of failures): how many
 * addresses the account used before then, none sharing the IP's network or autonomous system (0: it
 * has no history here, so nothing vouches for the source either); FAMILIAR when one does, or when
 * its list of IPs overflowed (a roaming account's list says nothing about where it is not).
 */
export function sourceNewTo(account: IdentityBaseline | null, ip: string, since: number, geo: GeoOf): number {
  if (account === null) return 0;
  if (account.ips.overflow > 0) return FAMILIAR;
  const net = networkOf(ip);
  let known = 0;
  for (const e of account.ips.entries) {
    if (e.first >= since) continue;
    if (e.value === ip || (net !== null && networkOf(e.value) === net)) return FAMILIAR;
    known++;
  }
  const asns = account.asns;
  if (known > 0 && asns !== null) {
    const asn = geo(ip).asn;
    if (asn !== undefined) {
      const name = `AS${asn}`;
      for (const e of asns.entries) if (e.first < since && e.value === name) return FAMILIAR;
    }
  }
  return known;
}
