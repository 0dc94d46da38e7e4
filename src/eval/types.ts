// The records of an evaluation: what eval keeps of an alert, the attacks it matches them against,
// and the report `tapwatch eval` prints (its JSON keys are a contract for CI: add, never rename).
import type { Alert } from '../alerting/types';
import type { AttackType } from '../core/scenario-labels';

/** Version of the report format (`evalVersion` in the JSON). */
export const EVAL_VERSION = 1;

/** What matching reads of an alert: the policy's final record of it (count = findings folded in). */
export type EvalAlert = Pick<Alert, 'id' | 'type' | 'client' | 'identity' | 'firstSeen' | 'lastSeen' | 'count' | 'explanation'>;

/** A labelled attack with every way an alert can name its actor. */
export interface AttackTarget {
  readonly id: string;
  readonly type: AttackType;
  readonly start: number;
  readonly end: number;
  readonly ips: readonly string[];
  /** `user:<name>` of its usernames, plus the identities its actors and requests resolved to. */
  readonly identities: readonly string[];
}

export interface AttackResult {
  id: string;
  type: AttackType;
  start: number;
  end: number;
  detected: boolean;
  /** Detectors with at least one matching alert, sorted. */
  detectors: string[];
  alerts: number;
  findings: number;
  /** Raise time (firstSeen) of the first matching alert. */
  firstAlertAt: number | null;
  /** firstAlertAt − start, seconds (negative only with a slack before the start). */
  timeToDetectSec: number | null;
}

export interface AttackTypeResult {
  type: AttackType;
  attacks: number;
  detected: number;
  recall: number | null;
  medianTimeToDetectSec: number | null;
}

/** Alert counts: an alert is true when it matches an attack, false when it has an actor and matches none. */
export interface AlertCounts {
  alerts: number;
  findings: number;
  trueAlerts: number;
  falseAlerts: number;
  /** Alerts with neither client nor identity (e.g. inventory findings): no actor to match, not in precision. */
  unattributable: number;
  trueFindings: number;
  falseFindings: number;
  /** trueAlerts / (trueAlerts + falseAlerts); null without such alerts. */
  precision: number | null;
  /** falseAlerts per million benign requests of the scenario; null when it has none. */
  falseAlertsPerMillionBenign: number | null;
  /** Alerts whose explanation has at least two factors with a baseline (issue 13's bar for an explained alert). */
  explainedAlerts: number;
}

export interface DetectorResult extends AlertCounts {
  detector: string;
  /** Distinct attacks this detector's alerts matched. */
  attacksDetected: number;
}

export interface OverallResult extends AlertCounts {
  attacks: number;
  detected: number;
  recall: number | null;
  medianTimeToDetectSec: number | null;
}

export interface AttributionResult {
  /** False when no transaction had a resolved identity (no identity stage ran). */
  available: boolean;
  /** Benign requests of actors that send a credential (from the requests file). */
  credentialedRequests: number;
  /** Of those, found again in the replayed traffic. */
  matchedRequests: number;
  /** Of those, resolved to their actor's identity, one no other actor resolved to. */
  consistentRequests: number;
  /** consistentRequests / credentialedRequests; null when not available or nothing to measure. */
  share: number | null;
  actors: number;
  /** Identities that are the main identity of two or more actors. */
  sharedIdentities: number;
}

export interface ScenarioSummary {
  labels: string;
  labelsVersion: number;
  seed: number;
  api: string;
  start: number;
  end: number;
  durationSec: number;
  pcaps: string[];
  actors: number;
  attacks: number;
  attackRequests: number;
  benignRequests: number;
  /** What the requests file holds: lines, benign and attack requests. */
  requestsFile: { lines: number; benign: number; attack: number };
}

export interface ReplaySummary {
  files: string[];
  packets: number;
  transactions: number;
  /** Transactions found again among the requests eval measures (credentialed benign and attack requests). */
  measuredTransactions: number;
  alerts: number;
  findings: number;
}

export interface MatchingSummary {
  slackBeforeSec: number;
  slackAfterSec: number;
  /** The alert time compared with the attack window. */
  alertTime: 'firstSeen';
  /** What precision counts. */
  precisionOn: 'alerts';
}

export interface EvalReport {
  evalVersion: number;
  scenario: ScenarioSummary;
  replay: ReplaySummary;
  matching: MatchingSummary;
  overall: OverallResult;
  attackTypes: AttackTypeResult[];
  detectors: DetectorResult[];
  attacks: AttackResult[];
  attribution: AttributionResult;
  /** Things the person should know (a capture cut short, a spec skipped). */
  warnings: string[];
}
