// Recommended response (DESIGN §6): the configured per-detector action, else the one the detector
// suggested, else the playbook's for the severity: observe, throttle to a limit (learned by the
// detector, else from the identity's baseline rate), block for a set time, or revoke the token. An
// action needs someone to act on: findings without identity or client (inventory findings) are
// observed, and revoking needs a token identity, else the client is blocked instead.
import type { AlertingConfig } from './config';
import type { EndpointRef, Explanation, Recommendation, Severity, SuggestedResponse } from './types';

export interface RecommendationInput {
  readonly detector: string;
  readonly severity: Severity;
  readonly score: number;
  readonly identity?: string;
  readonly client?: string;
  readonly endpoint?: EndpointRef;
  /** The identity's learned request rate, from the `baselineRatePerMinute` explanation factor. */
  readonly baselineRatePerMinute?: number;
  /** What the detector suggested (a configured per-detector action overrides it). */
  readonly suggested?: SuggestedResponse;
}

/** The `baselineRatePerMinute` factor's number (its value, else its baseline), when a finding has one. */
export function baselineRateOf(explanation: Explanation): number | undefined {
  for (const f of explanation.factors) {
    if (f.name !== 'baselineRatePerMinute') continue;
    const n = typeof f.value === 'number' ? f.value : typeof f.baseline === 'number' ? f.baseline : NaN;
    if (Number.isFinite(n) && n > 0) return n;
  }
  return undefined;
}

export function recommend(config: Pick<AlertingConfig, 'playbook' | 'detectors'>, input: RecommendationInput): Recommendation {
  const pb = config.playbook;
  const action = config.detectors[input.detector]?.action ?? input.suggested?.action ?? pb[input.severity];
  const what = `${article(input.severity)} ${input.severity} ${input.detector} alert${input.endpoint ? ` on ${input.endpoint.method} ${input.endpoint.host}${input.endpoint.template}` : ''}`;
  const who = input.identity ?? input.client;
  if (action === 'observe' || who === undefined) {
    const why = action === 'observe' ? `the ${input.severity} playbook is to watch` : 'there is no identity or client to act on';
    return { action: 'observe', reason: `Observe after ${what} (score ${input.score.toFixed(2)}): ${why}.` };
  }
  if (action === 'throttle') {
    const learned = input.suggested?.limitPerMinute;
    if (learned !== undefined && Number.isFinite(learned) && learned > 0) {
      const limit = Math.max(1, Math.ceil(learned));
      return { action, limitPerMinute: limit, reason: `Throttle ${who} to ${limit} requests/min (the limit learned from its own peaks) after ${what}.` };
    }
    const base = input.baselineRatePerMinute;
    if (base !== undefined) {
      const limit = Math.max(1, Math.ceil(base * pb.throttleHeadroom));
      return { action, limitPerMinute: limit, reason: `Throttle ${who} to ${limit} requests/min (${pb.throttleHeadroom}× its baseline of ${round(base)}/min) after ${what}.` };
    }
    const limit = pb.defaultLimitPerMinute;
    return { action, limitPerMinute: limit, reason: `Throttle ${who} to ${limit} requests/min (the configured default; no baseline rate is known) after ${what}.` };
  }
  if (action === 'revoke-token') {
    const kind = input.identity?.slice(0, input.identity.indexOf(':'));
    if (input.identity !== undefined && kind !== undefined && pb.tokenIdentityKinds.includes(kind)) {
      return { action, reason: `Revoke the token ${input.identity} after ${what}.` };
    }
    const block = blockTarget(input);
    return {
      action: 'block',
      durationSec: pb.blockDurationSec,
      reason: `Block ${block} for ${pb.blockDurationSec} s after ${what}; ${input.identity ?? 'the client'} is not a token that can be revoked.`,
    };
  }
  return { action: 'block', durationSec: pb.blockDurationSec, reason: `Block ${blockTarget(input)} for ${pb.blockDurationSec} s after ${what}.` };
}

function blockTarget(input: RecommendationInput): string {
  return input.identity ?? input.client ?? 'the client';
}

function article(severity: Severity): string {
  return severity === 'info' ? 'an' : 'a';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
