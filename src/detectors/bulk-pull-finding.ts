// The finding of the bulk-pull detector: one plain sentence, the volume against the identity's own
// hours and against the identities calling the same endpoint, the hour's usual activity, and the
// response it suggests (revoking the credential of a clear, large pull; observing otherwise).
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding, SuggestedResponse } from '../core/finding';
import { contributions } from './bulk-pull-stats';

export interface BulkVerdict {
  ts: number;
  identity: string;
  client: string;
  endpoint: EndpointRef | null;
  /** The metric that went furthest past its bars. */
  metric: 'records' | 'bytes';
  /** Its volume in the sliding hour, for the identity and for the (identity, endpoint) pair. */
  value: number;
  pairValue: number;
  /** Own norm (0 when the identity had no history when the volume began) and the other identities' norm on the endpoint. */
  ownNorm: number;
  peerNorm: number;
  /** How far past each bar (≥ 1; own is null when it had no history to be judged by). */
  ownExcess: number | null;
  peerExcess: number;
  /** Activity at this hour relative to its average hour (1 usual, 0 never), and whether that is off-hours. */
  activity: number;
  offHours: boolean;
  /** The margin off-hours multiplies the bars with (< 1). */
  offHoursFactor: number;
  requests: number;
  requestsNorm: number;
  /** The other metric with its own norm, for the analyst. */
  other: { name: string; value: number; norm: number };
  learning: boolean;
  evidence: readonly EvidenceItem[];
  /** Score at which the credential is worth revoking. */
  revokeAtScore: number;
}

const LOG8 = Math.log(8);

export function bulkPullScore(v: Pick<BulkVerdict, 'ownExcess' | 'peerExcess' | 'offHours'>): number {
  const e = Math.max(1, Math.min(v.ownExcess ?? Infinity, v.peerExcess));
  return Math.min(1, 0.45 + (v.offHours ? 0.1 : 0) + 0.45 * Math.min(1, Math.log(e) / LOG8));
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

function amount(metric: 'records' | 'bytes', x: number): string {
  if (metric === 'records') return `${Math.round(x)} records`;
  if (x >= 1 << 20) return `${(x / (1 << 20)).toFixed(1)} MB`;
  if (x >= 1 << 10) return `${(x / (1 << 10)).toFixed(1)} KB`;
  return `${Math.round(x)} bytes`;
}

function suggestion(identity: string, score: number, revokeAt: number): SuggestedResponse {
  if (score < revokeAt) return { action: 'observe' };
  return identity.startsWith('ip:') ? { action: 'block' } : { action: 'revoke-token' };
}

export function bulkPullFinding(v: BulkVerdict): Finding {
  const score = bulkPullScore(v);
  const m = v.metric;
  const factors: ExplanationFactor[] = [];
  // each factor's share: how far it stands from its baseline (log ratio); the hour by how much it lowered the bars
  const ownRatio = v.ownNorm > 0 ? v.value / v.ownNorm : 1;
  const shares = contributions([ownRatio, v.pairValue / Math.max(1, v.peerNorm), v.offHours ? 1 / v.offHoursFactor : 1]);
  factors.push({ name: `${m}_1h`, value: round(v.value), baseline: round(v.ownNorm), contribution: shares[0] as number });
  factors.push({ name: `${m}_1h_from_endpoint_vs_peers`, value: round(v.pairValue), baseline: round(v.peerNorm), contribution: shares[1] as number });
  factors.push({ name: 'activity_at_this_hour', value: round(v.activity), baseline: 1, contribution: shares[2] as number });
  factors.push({ name: 'requests_1h', value: round(v.requests), baseline: round(v.requestsNorm), contribution: 0 });
  factors.push({ name: `${v.other.name}_1h`, value: round(v.other.value), baseline: round(v.other.norm), contribution: 0 });
  const where = v.endpoint === null ? 'it' : `${v.endpoint.method} ${v.endpoint.template}`;
  const own = v.ownNorm > 0 ? `${round(v.value / v.ownNorm)}× its usual ${amount(m, v.ownNorm)} an hour` : 'with no earlier hour to compare';
  const peers = `; ${amount(m, v.pairValue)} of it from ${where}, ${round(v.pairValue / Math.max(1, v.peerNorm))}× what another identity takes from it in an hour`;
  const when = v.offHours ? ', at an hour it is rarely active' : '';
  const learning = v.learning ? ' (an identity still in its learning period)' : '';
  return {
    detector: 'bulk-pull',
    ts: v.ts,
    score: Math.round(score * 1000) / 1000,
    identity: v.identity,
    client: v.client,
    ...(v.endpoint === null ? {} : { endpoint: { host: v.endpoint.host, method: v.endpoint.method, template: v.endpoint.template } }),
    explanation: {
      summary: `${v.identity} was returned ${amount(m, v.value)} in the last hour, ${own}${peers}${when}${learning}.`,
      factors,
    },
    evidence: [...v.evidence],
    suggested: suggestion(v.identity, score, v.revokeAtScore),
  };
}
