// The findings of the token-abuse detector, one builder per signal: a token at a new place that
// behaves unlike its owner, a token replayed after its JWT `exp`, and a token used outside its
// learned scope (denied on endpoints it had never called). Identities appear as the identity stage
// named them (hashed where configured); no token, key or secret ever does. The subject is the
// credential, not one endpoint: findings carry none (the evidence shows the calls), so the alert
// stage folds an identity's findings from one client into one alert.
import type { ExplanationFactor, Finding } from '../core/finding';
import type { IdentityWatch, PlaceEpisode } from './token-abuse-places';
import { behaviourText, placeFactors, type PlaceRules } from './token-abuse-score';
import type { TokenRecord } from './token-abuse-tokens';

export const DETECTOR = 'token-abuse';

/** A stolen credential is answered by revoking it (or rotating the key), whatever else is done. */
const REVOKE = { action: 'revoke-token' } as const;

/** 0.5 at the threshold, 1 at twice it. */
export function scoreOf(points: number, threshold: number): number {
  return Math.max(0, Math.min(1, 0.5 + (0.5 * (points - threshold)) / threshold));
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface PlaceFindingInput {
  readonly identity: string;
  readonly ts: number;
  readonly place: PlaceEpisode;
  readonly watch: IdentityWatch;
  readonly parts: Float64Array;
  readonly points: number;
  readonly threshold: number;
  readonly knownEndpoints: number;
  readonly rules: PlaceRules;
}

export function placeFinding(i: PlaceFindingInput): Finding {
  const p = i.place;
  const behaviour = behaviourText(p, i.parts);
  return {
    detector: DETECTOR,
    ts: i.ts,
    score: scoreOf(i.points, i.threshold),
    identity: i.identity,
    client: p.ip,
    explanation: {
      summary: `${i.identity} was used from ${p.ip}, a place it had never used${behaviour === '' ? '' : `, ${behaviour}`}.`,
      factors: placeFactors(p, i.watch, i.parts, i.points, i.knownEndpoints, i.rules),
    },
    evidence: [...p.evidence],
    suggested: REVOKE,
  };
}

export interface ExpiredFindingInput {
  readonly identity: string;
  readonly client: string;
  readonly ts: number;
  readonly token: TokenRecord;
  readonly minUses: number;
  readonly graceSec: number;
}

export function expiredFinding(i: ExpiredFindingInput): Finding {
  const t = i.token;
  // the uses (up to twice the threshold), uses the API accepted and uses by another client or
  // address than the token's first one make the score
  const usesPts = Math.min(2, t.expiredUses / i.minUses);
  const acceptedPts = t.expiredAccepted > 0 ? 1 : 0;
  const elsewherePts = t.expiredElsewhere > 0 ? 0.5 : 0;
  const total = usesPts + acceptedPts + elsewherePts;
  const factors: ExplanationFactor[] = [
    { name: 'uses_after_exp', value: t.expiredUses, baseline: i.minUses, contribution: round(usesPts / total) },
    { name: 'seconds_past_exp', value: Math.round(t.pastExp), baseline: i.graceSec, contribution: 0 },
  ];
  if (acceptedPts > 0) factors.push({ name: 'accepted_after_exp', value: t.expiredAccepted, baseline: 0, contribution: round(acceptedPts / total) });
  if (elsewherePts > 0) factors.push({ name: 'uses_by_another_client_or_address', value: t.expiredElsewhere, baseline: 0, contribution: round(elsewherePts / total) });
  const accepted = t.expiredAccepted > 0 ? `, and the API accepted ${t.expiredAccepted} of them` : ', all refused';
  return {
    detector: DETECTOR,
    ts: i.ts,
    score: Math.min(1, 0.5 + 0.25 * (usesPts - 1) + 0.3 * acceptedPts + 0.2 * elsewherePts),
    identity: i.identity,
    client: i.client,
    explanation: {
      summary: `A token of ${i.identity} was presented ${t.expiredUses} times after it expired (${Math.round(t.pastExp / 60)} min past its exp)${accepted}; a client that keeps presenting an expired token instead of refreshing it is likely replaying a captured one.`,
      factors,
    },
    evidence: [...(t.expiredEvidence ?? [])],
    suggested: REVOKE,
  };
}

export interface ScopeFindingInput {
  readonly identity: string;
  readonly client: string;
  readonly ts: number;
  readonly watch: IdentityWatch;
  readonly minDenied: number;
  readonly minEndpoints: number;
  readonly threshold: number;
  readonly knownEndpoints: number;
}

export function scopeFinding(i: ScopeFindingInput): Finding {
  const w = i.watch;
  const share = w.scopeRequests > 0 ? w.scopeDenied / w.scopeRequests : 1;
  const deniedPts = w.scopeDenied / i.minDenied;
  const endpointPts = w.scopeEndpoints.length / i.minEndpoints;
  const total = deniedPts + endpointPts;
  return {
    detector: DETECTOR,
    ts: i.ts,
    score: scoreOf(w.scopeDenied, i.threshold),
    identity: i.identity,
    client: i.client,
    explanation: {
      summary: `${i.identity} was denied ${w.scopeDenied} calls on ${w.scopeEndpoints.length} endpoints it had never called before (outside its learned scope).`,
      factors: [
        { name: 'denied_on_new_endpoints', value: w.scopeDenied, baseline: i.minDenied, contribution: round(deniedPts / total) },
        { name: 'new_endpoints_denied', value: w.scopeEndpoints.length, baseline: i.knownEndpoints, contribution: round(endpointPts / total) },
        { name: 'denied_share', value: round(share), baseline: 0, contribution: 0 },
      ],
    },
    evidence: [...w.scopeEvidence],
    suggested: REVOKE,
  };
}
