// Severity of an alert: the score thresholds give a level, sensitive data on the endpoint raises it
// by one (an anomaly on a card-number endpoint matters more than the same one on /health), and a
// detector's configured floor and ceiling apply last.
import type { AlertingConfig } from './config';
import { SEVERITIES, type Severity } from './types';

export function severityFromScore(score: number, thresholds: AlertingConfig['severity']): Severity {
  if (score >= thresholds.critical) return 'critical';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  if (score >= thresholds.low) return 'low';
  return 'info';
}

export function severityFor(
  config: Pick<AlertingConfig, 'severity' | 'sensitiveKinds' | 'detectors'>,
  detector: string,
  score: number,
  sensitiveKinds: Iterable<string> = [],
): Severity {
  let level = SEVERITIES.indexOf(severityFromScore(score, config.severity));
  for (const kind of sensitiveKinds) {
    if (config.sensitiveKinds.includes(kind)) {
      level = Math.min(SEVERITIES.length - 1, level + 1);
      break;
    }
  }
  const override = config.detectors[detector];
  if (override?.minSeverity) level = Math.max(level, SEVERITIES.indexOf(override.minSeverity));
  if (override?.maxSeverity) level = Math.min(level, SEVERITIES.indexOf(override.maxSeverity));
  return SEVERITIES[level] ?? 'info';
}

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
