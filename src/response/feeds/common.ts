// What every feed does to the decisions before rendering: drop the expired ones, order them
// deterministically, and parse targets and values before any of them is written into a config.
import net from 'node:net';
import type { Decision } from '../decision';

/** Decisions still in force at `now`, sorted so the same set always renders the same text. */
export function activeDecisions(decisions: readonly Decision[], now: number): Decision[] {
  return decisions.filter((d) => d.expiresAt > now).sort(compareDecisions);
}

function endpointKey(d: Decision): string {
  return d.endpoint ? `${d.endpoint.host} ${d.endpoint.method} ${d.endpoint.template}` : '';
}

function compareDecisions(a: Decision, b: Decision): number {
  const keys: [string, string][] = [
    [a.target.kind, b.target.kind],
    [a.target.value, b.target.value],
    [a.action, b.action],
    [endpointKey(a), endpointKey(b)],
    [a.id, b.id],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

export interface ParsedNetwork {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
  /** `address/prefix`, safe to write into any config. */
  readonly cidr: string;
}

/** An ip or range target as a network, or undefined when it is not a well-formed IP/CIDR. */
export function parseNetwork(kind: 'ip' | 'range', value: string): ParsedNetwork | undefined {
  let address = value;
  let prefixText: string | undefined;
  if (kind === 'range') {
    const slash = value.indexOf('/');
    if (slash < 0) return undefined;
    address = value.slice(0, slash);
    prefixText = value.slice(slash + 1);
  }
  const family = net.isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > max) return undefined;
  }
  return { address, prefix, family, cidr: `${address}/${prefix}` };
}

/** A user name gateways can match, or undefined: printable, no whitespace or quotes, bounded length. */
export function safeUserName(value: string): string | undefined {
  return /^[\x21-\x7e]{1,256}$/.test(value) && !/["'\\`]/.test(value) ? value : undefined;
}

/** A token safe in a config value or a tag (decision and alert ids are generated, but checked anyway). */
export function safeToken(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

/** Seconds left until `expiresAt`, at least 1 (expired decisions are filtered out before). */
export function secondsLeft(d: Decision, now: number): number {
  return Math.max(1, Math.ceil(d.expiresAt - now));
}
