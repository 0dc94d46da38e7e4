// The finding of the spike detector: the client's last-minute rate against the rate it was judged
// by (its own busy minute at this hour-of-week band, or a typical client's when it has no history),
// its 10-minute rate and the peers' view, and a throttle recommendation whose limit is that
// baseline rate times a headroom.
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding } from '../core/finding';
import { contributions } from './bulk-pull-stats';

export interface SpikeVerdict {
  ts: number;
  /** `user:…`, `key:…`, `ip:…` for an identity; the address for a client IP judged as such. */
  actor: string;
  identity: string | null;
  client: string;
  endpoint: EndpointRef | null;
  /** Requests in the sliding minute. */
  rate: number;
  /** The baseline rate it was judged by, and the bar (rate needed for a finding). */
  norm: number;
  threshold: number;
  /** 'own': its own band / recent minutes; 'peers': a typical client's busy minute. */
  basis: 'own' | 'peers';
  /** A typical client's busy minute (times the identities behind an IP); null while unknown. */
  peerNorm: number | null;
  rate10m: number;
  norm10m: number;
  /** Identities seen behind the IP (1 for an identity). */
  identitiesBehind: number;
  limitHeadroom: number;
  evidence: readonly EvidenceItem[];
}

const LOG8 = Math.log(8);

export function spikeScore(rate: number, threshold: number): number {
  const e = Math.max(1, rate / Math.max(threshold, 1e-9));
  return Math.min(1, 0.5 + 0.5 * Math.min(1, Math.log(e) / LOG8));
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

export function spikeFinding(v: SpikeVerdict): Finding {
  const score = spikeScore(v.rate, v.threshold);
  const perClient = v.rate / Math.max(1, v.identitiesBehind);
  const peersShown = v.peerNorm !== null && v.basis === 'own';
  const ratios = [v.rate / Math.max(v.norm, 1), v.rate10m / Math.max(v.norm10m, 1)];
  if (peersShown) ratios.push(v.rate / Math.max(v.peerNorm as number, 1));
  const shares = contributions(ratios);
  const factors: ExplanationFactor[] = [
    { name: v.basis === 'own' ? 'requests_1m_vs_own_band' : 'requests_1m_vs_typical_client', value: round(v.rate), baseline: round(v.norm), contribution: shares[0] as number },
    { name: 'requests_10m', value: round(v.rate10m), baseline: round(v.norm10m), contribution: shares[1] as number },
  ];
  if (peersShown) factors.push({ name: 'requests_1m_vs_typical_client', value: round(v.rate), baseline: round(v.peerNorm as number), contribution: shares[2] as number });
  if (v.identitiesBehind > 1) factors.push({ name: 'identities_behind_ip', value: v.identitiesBehind, baseline: 1, contribution: 0 });
  const limit = Math.max(1, Math.ceil(v.norm * v.limitHeadroom));
  const against =
    v.basis === 'own'
      ? `${round(v.rate / Math.max(v.norm, 1))}× its usual busiest minute at this hour (${round(v.norm)})`
      : `${round(v.rate / Math.max(v.norm, 1))}× a busy minute of a typical client (${round(v.norm)}${v.identitiesBehind > 1 ? ` for ${v.identitiesBehind} identities` : ''}); it has no history of its own yet`;
  const who = v.identity !== null && v.identity !== v.actor ? `${v.actor} (${v.identity})` : v.actor;
  return {
    detector: 'spike',
    ts: v.ts,
    score: Math.round(score * 1000) / 1000,
    ...(v.identity === null ? {} : { identity: v.identity }),
    client: v.client,
    ...(v.endpoint === null ? {} : { endpoint: { host: v.endpoint.host, method: v.endpoint.method, template: v.endpoint.template } }),
    explanation: {
      summary: `${who} sent ${Math.round(v.rate)} requests in the last minute${v.identitiesBehind > 1 ? ` (${round(perClient)} per identity)` : ''}, ${against}.`,
      factors,
    },
    evidence: [...v.evidence],
    suggested: { action: 'throttle', limitPerMinute: limit },
  };
}
