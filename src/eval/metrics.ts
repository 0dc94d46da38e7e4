// Scores of matched alerts against the labelled attacks: per attack, per attack type, per detector
// and overall. Precision is on alerts (one deduplicated alert is one, whatever its count): true
// alerts / (true + false), where alerts without client or identity are left out (nothing to match
// them with) and reported as unattributable. Findings (the alerts' counts) are reported beside.
import { ATTACK_TYPES } from '../core/scenario-labels';
import type { AlertMatch } from './matching';
import type { AlertCounts, AttackResult, AttackTarget, AttackTypeResult, DetectorResult, EvalAlert, OverallResult } from './types';

export interface Scores {
  attacks: AttackResult[];
  attackTypes: AttackTypeResult[];
  detectors: DetectorResult[];
  overall: OverallResult;
}

export function scoreMatches(matches: readonly AlertMatch[], targets: readonly AttackTarget[], benignRequests: number): Scores {
  const attacks = targets.map((t) => attackResult(t, matches));
  const attackTypes = ATTACK_TYPES.flatMap((type) => {
    const ofType = attacks.filter((a) => a.type === type);
    return ofType.length === 0 ? [] : [{ type, ...detection(ofType) }];
  });
  const detectorNames = [...new Set(matches.map((m) => m.alert.type))].sort();
  const detectors = detectorNames.map((detector) => {
    const own = matches.filter((m) => m.alert.type === detector);
    return { detector, ...alertCounts(own, benignRequests), attacksDetected: new Set(own.flatMap((m) => m.attacks)).size };
  });
  return { attacks, attackTypes, detectors, overall: { ...detection(attacks), ...alertCounts(matches, benignRequests) } };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

function attackResult(t: AttackTarget, matches: readonly AlertMatch[]): AttackResult {
  const own = matches.filter((m) => m.attacks.includes(t.id));
  const firstAlertAt = own.reduce<number | null>((first, m) => (first === null || m.alert.firstSeen < first ? m.alert.firstSeen : first), null);
  return {
    id: t.id,
    type: t.type,
    start: t.start,
    end: t.end,
    detected: own.length > 0,
    detectors: [...new Set(own.map((m) => m.alert.type))].sort(),
    alerts: own.length,
    findings: own.reduce((n, m) => n + m.alert.count, 0),
    firstAlertAt,
    timeToDetectSec: firstAlertAt === null ? null : round(firstAlertAt - t.start, 3),
  };
}

function detection(attacks: readonly AttackResult[]): { attacks: number; detected: number; recall: number | null; medianTimeToDetectSec: number | null } {
  const detected = attacks.filter((a) => a.detected);
  const ttd = median(detected.flatMap((a) => (a.timeToDetectSec === null ? [] : [a.timeToDetectSec])));
  return {
    attacks: attacks.length,
    detected: detected.length,
    recall: ratio(detected.length, attacks.length),
    medianTimeToDetectSec: ttd === null ? null : round(ttd, 3),
  };
}

function alertCounts(matches: readonly AlertMatch[], benignRequests: number): AlertCounts {
  let trueAlerts = 0;
  let falseAlerts = 0;
  let trueFindings = 0;
  let falseFindings = 0;
  let findings = 0;
  let explainedAlerts = 0;
  for (const m of matches) {
    findings += m.alert.count;
    if (isExplained(m.alert)) explainedAlerts++;
    if (m.attacks.length > 0) {
      trueAlerts++;
      trueFindings += m.alert.count;
    } else if (m.attributable) {
      falseAlerts++;
      falseFindings += m.alert.count;
    }
  }
  return {
    alerts: matches.length,
    findings,
    trueAlerts,
    falseAlerts,
    unattributable: matches.length - trueAlerts - falseAlerts,
    trueFindings,
    falseFindings,
    precision: ratio(trueAlerts, trueAlerts + falseAlerts),
    falseAlertsPerMillionBenign: benignRequests > 0 ? round((falseAlerts * 1e6) / benignRequests, 2) : null,
    explainedAlerts,
  };
}

/** At least two explanation factors, each compared with a baseline. */
export function isExplained(alert: EvalAlert): boolean {
  let n = 0;
  for (const f of alert.explanation.factors) if (f.baseline !== undefined) n++;
  return n >= 2;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? round(part / whole, 4) : null;
}

/** Rounded so the JSON compares stably across runs and platforms. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
