// An audit record as an Alert-shaped record of type `audit`, so it travels the durable outbox to the
// same webhooks and syslog collectors as alerts: a SIEM sees someone silencing alerts. Silencing
// (a false positive with a suppression, any suppression added or deleted) is medium; other actions
// low. The actor is the identity and, for API calls, its address the client.
import type { Alert, Severity } from '../alerting/types';
import type { ExplanationFactor } from '../core/finding';
import type { AuditRecord } from './types';

export const AUDIT_ALERT_TYPE = 'audit';

export function auditSeverity(r: AuditRecord): Severity {
  if (r.action === 'suppression.add' || r.action === 'suppression.delete') return 'medium';
  if (r.action === 'alert.feedback' && r.details?.['verdict'] === 'false-positive' && r.details['suppression'] != null) return 'medium';
  return 'low';
}

/** One plain sentence: who did what to what. */
export function auditSummary(r: AuditRecord): string {
  const who = r.actor.name || r.actor.kind;
  const d = r.details ?? {};
  switch (r.action) {
    case 'alert.feedback': {
      const verdict = d['verdict'] === 'false-positive' ? 'a false positive' : d['verdict'] === 'true-positive' ? 'a true positive' : `with verdict ${String(d['verdict'])}`;
      const suppression = d['suppression'] as { createdAt?: number; expiresAt?: number } | null | undefined;
      if (suppression == null) return `${who} marked alert ${r.target} ${verdict}`;
      const lasting = suppression.expiresAt !== undefined ? `for ${duration(suppression.expiresAt - (suppression.createdAt ?? r.at))}` : 'until deleted';
      return `${who} marked alert ${r.target} ${verdict} and suppressed it ${lasting}`;
    }
    case 'suppression.add':
      return `${who} added suppression ${r.target}${typeof d['rule'] === 'string' ? ` (${d['rule']})` : ''}`;
    case 'suppression.delete':
      return `${who} deleted suppression ${r.target}`;
    case 'endpoint.approve':
      return `${who} approved endpoint template ${r.target}`;
    case 'endpoint.merge':
      return `${who} merged endpoints into template ${r.target}`;
    case 'endpoint.split':
      return `${who} split endpoint ${r.target}`;
    case 'endpoint.rename':
      return `${who} renamed endpoint ${r.target}${typeof d['to'] === 'string' ? ` to ${d['to']}` : ''}`;
    case 'model.rollback': {
      const model = typeof d['model'] === 'string' ? `${d['model']} model` : 'model';
      return `${who} rolled the ${model} back to ${r.target}${typeof d['previous'] === 'string' ? ` (was ${d['previous']})` : ''}`;
    }
    case 'token.rotate':
      return `${who} rotated API token ${r.target}`;
    case 'token.add':
      return `${who} added API token ${r.target}`;
    case 'token.remove':
      return `${who} removed API token ${r.target}`;
    case 'decision.add':
      return `${who} added gateway decision ${r.target}${typeof d['action'] === 'string' && typeof d['target'] === 'string' ? ` (${d['action']} ${d['target']})` : ''}${typeof d['alertId'] === 'string' ? ` after alert ${d['alertId']}` : ''}`;
    case 'decision.withdraw':
      return `${who} withdrew gateway decision ${r.target}${typeof d['alertId'] === 'string' ? `: alert ${d['alertId']} was judged a false positive` : ''}`;
    case 'decision.revoke':
      return `${who} revoked gateway decision ${r.target}`;
  }
  return `${who} did ${String(r.action)} on ${r.target}`;
}

/** `sensor` is the alerting sensor name (alerting.sensor, else the host name). */
export function auditAlert(r: AuditRecord, sensor: string): Alert {
  const factors: ExplanationFactor[] = [
    { name: 'actor', value: `${r.actor.kind}:${r.actor.name}` },
    { name: 'action', value: r.action },
    { name: 'target', value: r.target },
    ...Object.entries(r.details ?? {}).map(([name, value]) => ({ name, value: factorValue(value) })),
  ];
  return {
    id: r.id,
    type: AUDIT_ALERT_TYPE,
    severity: auditSeverity(r),
    score: 0,
    identity: `${r.actor.kind}:${r.actor.name}`,
    ...(r.actor.address !== undefined ? { client: r.actor.address } : {}),
    firstSeen: r.at,
    lastSeen: r.at,
    count: 1,
    explanation: { summary: auditSummary(r), factors },
    recommendation: { action: 'observe', reason: 'an analyst action: check that it was meant' },
    evidence: [
      {
        ts: r.at,
        client: r.actor.address ?? '',
        server: sensor,
        method: r.action,
        target: r.target,
        note: JSON.stringify(r.details ?? {}),
      },
    ],
    sensor,
  };
}

function factorValue(v: unknown): string | number {
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v) ?? 'null';
}

/** 2592000 → "30 days"; the largest unit that divides the span, else seconds. */
function duration(sec: number): string {
  const s = Math.round(sec);
  for (const [unit, size] of [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ] as const) {
    if (s >= size && s % size === 0) return `${s / size} ${unit}${s / size === 1 ? '' : 's'}`;
  }
  return `${s} second${s === 1 ? '' : 's'}`;
}
