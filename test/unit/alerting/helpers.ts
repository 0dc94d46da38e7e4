// Shared builders for the alerting tests: findings with realistic fields and a parsed config.
import { alertingSchema, type AlertingConfig } from '../../../src/alerting/config';
import type { EvidenceItem, Finding } from '../../../src/alerting/types';

export const T0 = 1_700_000_000;

type Input = Parameters<typeof alertingSchema.parse>[0];

export function config(over: Record<string, unknown> = {}): AlertingConfig {
  return alertingSchema.parse({ sensor: 'sensor-test', ...over } as Input);
}

export function evidence(ts: number, note = 'login failed'): EvidenceItem {
  return { ts, client: '203.0.113.7', server: '10.0.0.2:443', method: 'POST', target: '/api/login', status: 401, note };
}

export function finding(over: Partial<Finding> = {}): Finding {
  const ts = over.ts ?? T0;
  return {
    detector: 'credential-stuffing',
    ts,
    score: 0.8,
    identity: 'ip:203.0.113.7',
    client: '203.0.113.7',
    endpoint: { host: 'api.example.com', method: 'POST', template: '/api/login' },
    explanation: {
      summary: '120 failed logins in a minute from one client',
      factors: [{ name: 'failedLoginsPerMinute', value: 120, baseline: 2, contribution: 0.9 }],
    },
    evidence: [evidence(ts)],
    ...over,
  };
}
