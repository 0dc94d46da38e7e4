// An alert's recommended response (the playbook) as gateway decisions: block bans the client IP
// (and the user, when the identity is a user name a gateway can match), throttle limits the client
// IP on the alert's endpoint. revoke-token is for the identity provider (a later part), not a
// gateway; observe does nothing. Only alerts at or above response.minSeverity and minConfidence.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { SEVERITIES, type Alert } from '../alerting/types';
import type { EndpointRef } from '../core/finding';
import type { ResponseConfig } from './config';
import type { Decision, DecisionAction, DecisionTarget } from './decision';

export interface FromAlert {
  readonly decisions: Decision[];
  /** Why there are none, in one sentence (absent when there are some). */
  readonly none?: string;
}

/** Hex of a keyed hash: with identity.hashUsernames a `user:` value is one, which no gateway knows. */
const HASHED_USER = /^[0-9a-f]{32}$/;

/** `now` is wall-clock seconds: gateways act in real time, whatever the alert's packet time. */
export function decisionsFromAlert(alert: Alert, config: Pick<ResponseConfig, 'minSeverity' | 'minConfidence' | 'defaultDurationSec'>, now: number): FromAlert {
  const rec = alert.recommendation;
  if (rec.action === 'observe') return { decisions: [], none: 'the recommendation is to observe' };
  if (rec.action === 'revoke-token') return { decisions: [], none: 'revoking a token is for the identity provider, not a gateway' };
  if (SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(config.minSeverity)) return { decisions: [], none: `${alert.severity} is below response.minSeverity ${config.minSeverity}` };
  if (!(alert.score >= config.minConfidence)) return { decisions: [], none: `score ${alert.score} is below response.minConfidence ${config.minConfidence}` };
  const ip = alert.client !== undefined && isIP(alert.client) !== 0 ? alert.client : null;
  const base = { createdAt: now, alertId: alert.id, detector: alert.type, reason: `${rec.reason} (alert ${alert.id})`, confidence: alert.score, source: 'playbook' as const };
  if (rec.action === 'block') {
    const expiresAt = now + (rec.durationSec ?? config.defaultDurationSec);
    const targets: DecisionTarget[] = [];
    if (ip !== null) targets.push({ kind: 'ip', value: ip });
    const user = clearUser(alert.identity);
    if (user !== null) targets.push({ kind: 'user', value: user });
    if (targets.length === 0) return { decisions: [], none: 'the alert names no client IP or user a gateway can match' };
    return { decisions: targets.map((target) => ({ ...base, id: decisionId('ban', target), action: 'ban', target, expiresAt })) };
  }
  // throttle: the client IP on the alert's endpoint (every request of it when there is no endpoint)
  if (ip === null) return { decisions: [], none: 'the alert names no client IP to throttle' };
  const target: DecisionTarget = { kind: 'ip', value: ip };
  const endpoint = alert.endpoint;
  return {
    decisions: [
      {
        ...base,
        id: decisionId('throttle', target, endpoint),
        action: 'throttle',
        target,
        ...(endpoint !== undefined ? { endpoint } : {}),
        ...(rec.limitPerMinute !== undefined ? { limitPerMinute: rec.limitPerMinute } : {}),
        expiresAt: now + config.defaultDurationSec,
      },
    ],
  };
}

/** The user name of a `user:` identity shown in clear (JWT sub, Basic or login user); null otherwise. */
function clearUser(identity: string | undefined): string | null {
  if (identity === undefined || !identity.startsWith('user:')) return null;
  const name = identity.slice('user:'.length);
  return name === '' || HASHED_USER.test(name) ? null : name;
}

/** Stable for the same action, target and endpoint: a repeated alert extends the decision. */
export function decisionId(action: DecisionAction, target: DecisionTarget, endpoint?: EndpointRef): string {
  const key = JSON.stringify([action, target.kind, target.value, endpoint?.host ?? null, endpoint?.method ?? null, endpoint?.template ?? null]);
  return `d-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
