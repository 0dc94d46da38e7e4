// The findings of the credential-attack detector: brute force on one account (and the account
// takeover when a login then succeeds), credential stuffing from one IP, and the distributed form
// on one endpoint with the IPs taking part. Each says what it saw against the learned normal, with
// the factors' shares of the score; user names appear only as the identity stage shows them.
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding, SuggestedResponse } from '../core/finding';

export const BRUTE_FORCE = 'brute-force';
export const CREDENTIAL_STUFFING = 'credential-stuffing';

/** 0.6 at the threshold, rising with log2 of how far past it, 0.85 at 8 times. */
export function scoreOver(value: number, threshold: number): number {
  const r = threshold > 0 ? value / threshold : 1;
  return Math.min(0.85, 0.6 + (0.25 * Math.log2(Math.max(1, r))) / 3);
}

/** `15 s`, `4 min`, `2.5 h`. */
export function duration(sec: number): string {
  if (sec < 120) return `${Math.max(0, Math.round(sec))} s`;
  if (sec < 7200) return `${Math.round(sec / 60)} min`;
  return `${Math.round(sec / 360) / 10} h`;
}

const pct = (x: number): number => Math.round(x * 100);

interface Part {
  readonly name: string;
  readonly value: number | string;
  readonly baseline: number | string;
  /** How far the value is past its baseline (its weight in the score), ≥ 0. */
  readonly excess: number;
}

/** Factors with contributions: each one's share of the summed excess (equal shares when none). */
function factors(parts: readonly Part[]): ExplanationFactor[] {
  let total = 0;
  for (const p of parts) total += p.excess;
  return parts.map((p) => ({
    name: p.name,
    value: p.value,
    baseline: p.baseline,
    contribution: Math.round((total > 0 ? p.excess / total : 1 / parts.length) * 100) / 100,
  }));
}

/** log2 of value over baseline (baseline at least 1), not below 0. */
const over = (value: number, baseline: number): number => Math.max(0, Math.log2(Math.max(value, 1) / Math.max(baseline, 1)));

export interface AccountFacts {
  readonly ts: number;
  readonly account: string;
  readonly client: string;
  readonly endpoint: EndpointRef;
  readonly run: number;
  readonly runSec: number;
  readonly ipCount: number;
  readonly threshold: number;
  /** The account's longest run before a success, and the endpoint's 99th percentile of them. */
  readonly accountNormal: number;
  readonly endpointNormal: number;
  /** When the lower floor for sources new to the account applied: the addresses it used before (else -1, FAMILIAR). */
  readonly knownSources: number;
  readonly evidence: readonly EvidenceItem[];
}

/** `from 2 IPs` or `from 1 IP new to the account`. */
function sources(f: AccountFacts): string {
  return `from ${f.ipCount} IP${f.ipCount === 1 ? '' : 's'}${f.knownSources >= 0 ? ' new to the account' : ''}`;
}

/** The run's IPs against the account's earlier addresses: none shares their networks. */
function newSourcePart(f: AccountFacts): Part[] {
  return f.knownSources >= 0 ? [{ name: 'runNetworksUsedByAccountBefore', value: 0, baseline: f.knownSources, excess: 1 }] : [];
}

/** Score of an early warning: below the medium severity, so the alert policy watches instead of blocking. */
export const EARLY_WARNING_SCORE = 0.4;

/**
 * Brute force on one account. `early`: the run is past the lower threshold for sources new to the
 * account but not the standard one (`threshold`), so it is a warning to watch, raised again as a
 * full finding if the run reaches the standard threshold.
 */
export function bruteForceFinding(f: AccountFacts & { readonly early?: boolean }): Finding {
  const early = f.early === true;
  const score = early ? EARLY_WARNING_SCORE : scoreOver(f.run, f.threshold);
  const parts: Part[] = [
    { name: 'failedLoginsForAccount', value: f.run, baseline: f.accountNormal, excess: over(f.run, f.accountNormal) },
    { name: 'endpointFailedLoginsBeforeSuccessP99', value: f.run, baseline: f.endpointNormal, excess: over(f.run, f.endpointNormal) },
    { name: 'sourceIps', value: f.ipCount, baseline: 1, excess: over(f.ipCount, 1) },
    ...newSourcePart(f),
  ];
  const normal = Math.max(f.accountNormal, f.endpointNormal);
  const summary = early
    ? `Early warning: ${f.account} had ${f.run} failed logins in ${duration(f.runSec)} ${sources(f)} without a success; normal here is at most ${normal} before a success, and brute force is called at ${Math.ceil(f.threshold)}.`
    : `${f.account} had ${f.run} failed logins in ${duration(f.runSec)} ${sources(f)} without a success; normal here is at most ${normal} before a success.`;
  return {
    detector: BRUTE_FORCE,
    ts: f.ts,
    score,
    identity: f.account,
    client: f.client,
    endpoint: f.endpoint,
    explanation: { summary, factors: factors(parts) },
    evidence: f.evidence,
    suggested: { action: early ? 'observe' : 'block' },
  };
}

export function takeoverFinding(f: AccountFacts): Finding {
  const parts: Part[] = [
    { name: 'loginSucceededAfterFailures', value: 1, baseline: 0, excess: 1 },
    { name: 'failedLoginsForAccount', value: f.run, baseline: f.accountNormal, excess: over(f.run, f.accountNormal) },
    { name: 'endpointFailedLoginsBeforeSuccessP99', value: f.run, baseline: f.endpointNormal, excess: over(f.run, f.endpointNormal) },
    ...newSourcePart(f),
  ];
  return {
    detector: BRUTE_FORCE,
    ts: f.ts,
    score: 0.95,
    identity: f.account,
    client: f.client,
    endpoint: f.endpoint,
    explanation: {
      summary: `Likely account takeover: ${f.account} logged in from ${f.client} after ${f.run} failed logins in ${duration(f.runSec)} ${sources(f)}; revoke its sessions and tokens.`,
      factors: factors(parts),
    },
    evidence: f.evidence,
    suggested: { action: 'revoke-token' },
  };
}

export interface IpFacts {
  readonly ts: number;
  readonly client: string;
  readonly endpoint: EndpointRef;
  /** Distinct user names that failed from the IP, over `spanSec`. */
  readonly distinct: number;
  /** The distinct count reached the bound of names kept per IP: there were at least that many. */
  readonly capped: boolean;
  readonly spanSec: number;
  readonly threshold: number;
  /** The endpoint's 99th percentile of distinct failing names per IP. */
  readonly normalDistinct: number;
  readonly failureShare: number;
  readonly normalFailureShare: number;
  /** Logins that succeeded from it since it was flagged. */
  readonly successes: number;
  readonly evidence: readonly EvidenceItem[];
}

export function stuffingFinding(f: IpFacts): Finding {
  const parts: Part[] = [
    { name: 'distinctFailedUsernames', value: f.distinct, baseline: f.normalDistinct, excess: over(f.distinct, f.normalDistinct) },
    { name: 'failureShare', value: pct(f.failureShare) / 100, baseline: pct(f.normalFailureShare) / 100, excess: over(f.failureShare * 10, f.normalFailureShare * 10) },
  ];
  if (f.successes > 0) parts.push({ name: 'loginsSucceededWhileStuffing', value: f.successes, baseline: 0, excess: 1 });
  const tail = f.successes > 0 ? `; ${f.successes} login${f.successes === 1 ? '' : 's'} from it succeeded: review those accounts` : '';
  return {
    detector: CREDENTIAL_STUFFING,
    ts: f.ts,
    score: f.successes > 0 ? 0.9 : scoreOver(f.distinct, f.threshold),
    identity: `ip:${f.client}`,
    client: f.client,
    endpoint: f.endpoint,
    explanation: {
      summary: `${f.client} failed to log in as ${f.capped ? 'at least ' : ''}${f.distinct} different users within ${duration(f.spanSec)} (${pct(f.failureShare)}% of its logins failed; normal for one IP here: at most ${f.normalDistinct})${tail}.`,
      factors: factors(parts),
    },
    evidence: f.evidence,
    suggested: { action: 'block' },
  };
}

export interface WindowFacts {
  readonly ts: number;
  readonly endpoint: EndpointRef;
  readonly windowSec: number;
  readonly failures: number;
  readonly names: number;
  readonly failureShare: number;
  readonly failuresThreshold: number;
  readonly failuresP95: number;
  readonly namesP95: number;
  readonly normalFailureShare: number;
  /** Normal attempts per window (95th percentile), for the throttle limit. */
  readonly attemptsP95: number;
  readonly margin: number;
  readonly evidence: readonly EvidenceItem[];
}

function windowParts(f: WindowFacts): Part[] {
  return [
    { name: 'endpointFailedLogins', value: f.failures, baseline: f.failuresP95, excess: over(f.failures, f.failuresP95) },
    { name: 'endpointDistinctFailedUsernames', value: f.names, baseline: f.namesP95, excess: over(f.names, f.namesP95) },
    { name: 'endpointFailureShare', value: pct(f.failureShare) / 100, baseline: pct(f.normalFailureShare) / 100, excess: over(f.failureShare * 10, f.normalFailureShare * 10) },
  ];
}

const target = (e: EndpointRef): string => `${e.method} ${e.host}${e.template}`;

/** The endpoint under distributed attack (no single actor: it names none). */
export function distributedFinding(f: WindowFacts): Finding {
  const limit: SuggestedResponse = { action: 'throttle', limitPerMinute: Math.max(1, Math.ceil((f.margin * f.attemptsP95 * 60) / f.windowSec)) };
  return {
    detector: CREDENTIAL_STUFFING,
    ts: f.ts,
    score: scoreOver(f.failures, f.failuresThreshold),
    endpoint: f.endpoint,
    explanation: {
      summary: `Distributed credential stuffing on ${target(f.endpoint)}: ${f.failures} failed logins for ${f.names} user names in ${duration(f.windowSec)} (${pct(f.failureShare)}% failed) against a normal of ${f.failuresP95} failures and ${f.namesP95} names.`,
      factors: factors(windowParts(f)),
    },
    evidence: f.evidence,
    suggested: limit,
  };
}

/** One IP taking part in a distributed attack on its endpoint. */
export function participantFinding(f: WindowFacts, client: string, distinct: number, ipShare: number): Finding {
  const parts = windowParts(f);
  parts.unshift({ name: 'distinctFailedUsernamesFromIp', value: distinct, baseline: 1, excess: over(distinct, 1) });
  return {
    detector: CREDENTIAL_STUFFING,
    ts: f.ts,
    score: scoreOver(f.failures, f.failuresThreshold),
    identity: `ip:${client}`,
    client,
    endpoint: f.endpoint,
    explanation: {
      summary: `${client} takes part in distributed credential stuffing on ${target(f.endpoint)}: ${distinct} user names failed from it (${pct(ipShare)}% of its logins) while the endpoint saw ${f.failures} failed logins for ${f.names} names in ${duration(f.windowSec)} against a normal of ${f.failuresP95}.`,
      factors: factors(parts),
    },
    evidence: f.evidence,
    suggested: { action: 'block' },
  };
}
