// Decisions every feed test renders: each target kind and action, an endpoint throttle, IPv4 and
// IPv6 ranges, and one that has expired.
import type { Decision } from '../../../../src/response/decision';

export const NOW = 1_700_000_000;

export function decision(over: Partial<Decision> & Pick<Decision, 'id' | 'action' | 'target'>): Decision {
  return { createdAt: NOW - 60, expiresAt: NOW + 4 * 3600, alertId: `alert-${over.id}`, detector: 'rate-limit', reason: 'Too many requests.', confidence: 0.8, source: 'playbook', ...over };
}

export const SAMPLE: readonly Decision[] = [
  decision({ id: 'ban-ip', action: 'ban', target: { kind: 'ip', value: '203.0.113.9' } }),
  decision({ id: 'ban-v4-range', action: 'ban', target: { kind: 'range', value: '198.51.100.0/24' } }),
  decision({ id: 'ban-v6-range', action: 'ban', target: { kind: 'range', value: '2001:db8::/32' }, expiresAt: NOW + 90 }),
  decision({ id: 'captcha-ip', action: 'captcha', target: { kind: 'ip', value: '192.0.2.7' }, detector: 'credential-stuffing' }),
  decision({ id: 'throttle-ip', action: 'throttle', limitPerMinute: 6, target: { kind: 'ip', value: '192.0.2.1' } }),
  decision({
    id: 'throttle-ip-endpoint',
    action: 'throttle',
    limitPerMinute: 12,
    target: { kind: 'ip', value: '192.0.2.2' },
    endpoint: { host: 'api.example.com', method: 'GET', template: '/users/{id}/orders' },
  }),
  decision({ id: 'throttle-user', action: 'throttle', limitPerMinute: 30, target: { kind: 'user', value: 'alice' } }),
  decision({ id: 'ban-user', action: 'ban', target: { kind: 'user', value: 'mallory' } }),
  decision({ id: 'expired', action: 'ban', target: { kind: 'ip', value: '192.0.2.99' }, expiresAt: NOW }),
];

export const SAMPLE_ACTIVE = SAMPLE.filter((d) => d.id !== 'expired');
