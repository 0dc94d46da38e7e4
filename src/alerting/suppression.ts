// Suppression rules and their matching. A rule names any of detector, identity, client (IP/CIDR)
// and endpoint; fields left out match anything. Expiry is compared with the finding's packet time,
// so a replay applies a rule exactly as the live sensor did. A wide rule (all of a detector, a client
// range past `alerting.maxSuppressionPrefix`) is created only when asked for explicitly.
import { parseAddress, parseRange, rangeContains, type AddressRange } from '../core/address-match';
import { wideReason, type SuppressionPrefixBound, type SuppressionRuleConfig, type SuppressionScope } from './config';
import type { Finding } from './types';

export { DEFAULT_SUPPRESSION_PREFIX, wideReason, type SuppressionPrefixBound } from './config';

export type SuppressionSource = 'config' | 'feedback';

export interface SuppressionRule extends SuppressionScope {
  readonly reason: string;
  /** Seconds since the epoch; absent = never expires. */
  readonly expiresAt?: number;
}

export interface Suppression extends SuppressionRule {
  readonly id: string;
  readonly createdAt: number;
  readonly source: SuppressionSource;
  /** The alert whose false-positive verdict created it. */
  readonly alertId?: string;
}

/** Where stored suppressions come from (the alert store implements it). */
export interface SuppressionProvider {
  listSuppressions(now: number): Suppression[];
}

/** Config rules get stable ids from their position, so logs can name the rule that matched. */
export function suppressionsFromConfig(rules: readonly SuppressionRuleConfig[]): Suppression[] {
  return rules.map((r, i) => ({
    id: `config:${i}`,
    createdAt: 0,
    source: 'config' as const,
    reason: r.reason,
    ...(r.detector !== undefined ? { detector: r.detector } : {}),
    ...(r.identity !== undefined ? { identity: r.identity } : {}),
    ...(r.client !== undefined ? { client: r.client } : {}),
    ...(r.host !== undefined ? { host: r.host } : {}),
    ...(r.method !== undefined ? { method: r.method } : {}),
    ...(r.template !== undefined ? { template: r.template } : {}),
    ...(r.expires !== undefined ? { expiresAt: Date.parse(r.expires) / 1000 } : {}),
  }));
}

/** Refused creation of a wide suppression without `allowWide` (the HTTP API maps it to 400). */
export class WideSuppressionError extends Error {
  override readonly name = 'WideSuppressionError';
  constructor(
    readonly rule: SuppressionRule,
    /** Why it is wide, as a clause: "its client range 10.0.0.0/8 is wider than /16 (…)". */
    readonly why: string,
  ) {
    super(`the suppression is wide: ${why}; ask for it explicitly (allowWide) to create it`);
  }
}

/** Throws WideSuppressionError when `rule` is wide and `allowWide` is not set. */
export function checkSuppressionWidth(rule: SuppressionRule, bound: SuppressionPrefixBound, allowWide: boolean | undefined): void {
  if (allowWide) return;
  const why = wideReason(rule, bound);
  if (why !== null) throw new WideSuppressionError(rule, why);
}

interface Compiled {
  readonly rule: Suppression;
  readonly range: AddressRange | null;
  /** Set when the detector field ends in `*`. */
  readonly detectorPrefix: string | null;
}

export class SuppressionMatcher {
  private compiled: Compiled[] = [];

  constructor(rules: readonly Suppression[] = []) {
    this.replace(rules);
  }

  get size(): number {
    return this.compiled.length;
  }

  replace(rules: readonly Suppression[]): void {
    this.compiled = rules.map(compile);
  }

  add(rule: Suppression): void {
    this.compiled.push(compile(rule));
  }

  /** The first rule that matches the finding at its packet time, or null. */
  match(f: Finding): Suppression | null {
    let client: Uint8Array | null | undefined;
    for (const c of this.compiled) {
      const r = c.rule;
      if (r.expiresAt !== undefined && f.ts >= r.expiresAt) continue;
      if (r.detector !== undefined) {
        if (c.detectorPrefix !== null ? !f.detector.startsWith(c.detectorPrefix) : f.detector !== r.detector) continue;
      }
      if (r.identity !== undefined && f.identity !== r.identity) continue;
      if (r.host !== undefined && f.endpoint?.host.toLowerCase() !== r.host.toLowerCase()) continue;
      if (r.method !== undefined && f.endpoint?.method.toUpperCase() !== r.method.toUpperCase()) continue;
      if (r.template !== undefined && f.endpoint?.template !== r.template) continue;
      if (r.client !== undefined) {
        if (c.range === null || f.client === undefined) continue;
        if (client === undefined) client = parseAddress(f.client);
        if (client === null || !rangeContains(c.range, client)) continue;
      }
      return r;
    }
    return null;
  }
}

function compile(rule: Suppression): Compiled {
  return {
    rule,
    range: rule.client !== undefined ? parseRange(rule.client) : null,
    detectorPrefix: rule.detector?.endsWith('*') ? rule.detector.slice(0, -1) : null,
  };
}
