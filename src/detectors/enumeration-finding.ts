// The enumeration detector's finding: each signal (distinct ids walked, 403/404 share, ids never
// shown, sequential run, client IPs) against the bar it was compared with, combined as a noisy-OR
// (each signal alone can only say so much; together they compound) so that every factor's share of
// the score is its share of −ln(1 − score). The summary names what fired in one sentence.
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding, SuggestedResponse } from '../core/finding';
import type { EvidenceSlot } from './enumeration-track';

/** What the detector measured on one (identity, template) when it decided to report. */
export interface EnumerationSignals {
  readonly identity: string;
  readonly client: string;
  readonly endpoint: EndpointRef;
  readonly ts: number;
  readonly windowSec: number;
  /** Distinct ids in the window, and the bar (floor, peers, own history, feedback). */
  readonly distinct: number;
  readonly distinctBar: number;
  /** Id calls in the window, their 403/404 answers, and the share bar. */
  readonly calls: number;
  readonly errors: number;
  readonly errorShareBar: number;
  readonly minErrors: number;
  /** Id calls judged against the ids shown to the identity, and those never shown. */
  readonly judged: number;
  readonly unseen: number;
  readonly minJudged: number;
  readonly unseenShareBar: number;
  /** The sequential run in progress, and its bar. */
  readonly run: number;
  readonly runBar: number;
  /** Client IPs of the window, and the identity's IPs known before it. */
  readonly clientIps: number;
  readonly knownIps: number;
  readonly blockScore: number;
}

/** Weight of each signal at full strength: how far it alone moves the score. */
const WEIGHT = { walk: 0.6, errors: 0.7, unseen: 0.5, run: 0.7, spread: 0.4 } as const;

const share = (n: number, d: number): number => (d > 0 ? n / d : 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function enumerationFinding(s: EnumerationSignals, slots: readonly EvidenceSlot[], maxEvidence: number): Finding {
  const errorShare = share(s.errors, s.calls);
  const unseenShare = share(s.unseen, s.judged);
  const strength = {
    // 0.5 at the bar, 1 at four times it
    walk: s.distinct >= s.distinctBar ? Math.min(1, 0.5 + 0.25 * Math.log2(s.distinct / s.distinctBar)) : (0.5 * s.distinct) / s.distinctBar,
    errors: s.errors >= s.minErrors ? errorShare : 0,
    unseen: s.judged >= s.minJudged ? unseenShare : 0,
    run: s.run >= 3 ? Math.min(1, (0.5 * s.run) / s.runBar) : 0,
    spread: s.clientIps > 1 ? Math.min(1, (s.clientIps - 1) / 10) : 0,
  };
  const logs = {
    walk: -Math.log(1 - WEIGHT.walk * strength.walk),
    errors: -Math.log(1 - WEIGHT.errors * strength.errors),
    unseen: -Math.log(1 - WEIGHT.unseen * strength.unseen),
    run: -Math.log(1 - WEIGHT.run * strength.run),
    spread: -Math.log(1 - WEIGHT.spread * strength.spread),
  };
  const total = logs.walk + logs.errors + logs.unseen + logs.run + logs.spread;
  const score = Math.min(1, Math.max(0, 1 - Math.exp(-total)));
  const part = (x: number): number => (total > 0 ? round2(x / total) : 0);
  const factors: ExplanationFactor[] = [
    { name: 'distinct_object_ids', value: Math.round(s.distinct), baseline: Math.round(s.distinctBar), contribution: part(logs.walk) },
    { name: 'error_403_404_share', value: round2(errorShare), baseline: round2(s.errorShareBar), contribution: part(logs.errors) },
    { name: 'sequential_id_run', value: s.run, baseline: Math.round(s.runBar), contribution: part(logs.run) },
  ];
  if (s.judged > 0) factors.push({ name: 'unseen_id_share', value: round2(unseenShare), baseline: s.unseenShareBar, contribution: part(logs.unseen) });
  if (s.clientIps > 1) factors.push({ name: 'client_ips', value: s.clientIps, baseline: s.knownIps, contribution: part(logs.spread) });
  factors.sort((a, b) => (b.contribution ?? 0) - (a.contribution ?? 0));

  const ep = s.endpoint;
  const hours = s.windowSec / 3600;
  const span = hours === 1 ? 'the last hour' : `the last ${round2(hours)} h`;
  const parts = [`${Math.round(s.distinct)} distinct ids in ${span} (bar ${Math.round(s.distinctBar)})`];
  if (s.errors >= s.minErrors) parts.push(`${pct(errorShare)} answered 403/404`);
  if (s.judged >= s.minJudged && unseenShare >= s.unseenShareBar) parts.push(`${pct(unseenShare)} of the ids judged were never shown to it`);
  if (s.run >= 3) parts.push(`a sequential run of ${s.run} ids`);
  if (s.clientIps > 1) parts.push(`from ${s.clientIps} client IPs`);
  const summary = `${s.identity} walked object ids on ${ep.method} ${ep.host}${ep.template}: ${parts.join(', ')}.`;

  const suggested: SuggestedResponse =
    score >= s.blockScore ? { action: 'block' } : { action: 'throttle', limitPerMinute: Math.max(1, Math.ceil((s.distinctBar * 60) / s.windowSec)) };
  return {
    detector: 'enumeration',
    ts: s.ts,
    score: round2(score),
    identity: s.identity,
    client: s.client,
    endpoint: { host: ep.host, method: ep.method, template: ep.template },
    explanation: { summary, factors },
    evidence: evidenceItems(slots, ep.template, maxEvidence),
    suggested,
  };
}

/** The kept calls, oldest first, redacted to the template (no id leaves the sensor). */
function evidenceItems(slots: readonly EvidenceSlot[], template: string, max: number): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  for (const slot of [...slots].sort((a, b) => a.ts - b.ts).slice(0, max)) {
    const item: { -readonly [K in keyof EvidenceItem]: EvidenceItem[K] } = { ts: slot.ts, client: slot.client, server: slot.server, method: slot.method, target: template };
    if (slot.status > 0) item.status = slot.status;
    if (slot.unseen) item.note = 'id never shown to this identity';
    items.push(item);
  }
  return items;
}
