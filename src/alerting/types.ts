// Records of the alerting stage (DESIGN §2, §6). Detectors, the inventory and the models emit
// Findings; the alert policy turns them into Alerts (dedupe, suppression, severity, playbook) and
// stores each one before any sink sees it.

export type { EndpointRef, EvidenceItem, Explanation, ExplanationFactor, Finding, SuggestedResponse } from '../core/finding';
import type { EndpointRef, EvidenceItem, Explanation } from '../core/finding';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** Ordered lowest first, so severities compare by index. */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type ResponseAction = 'observe' | 'throttle' | 'block' | 'revoke-token';

export interface Recommendation {
  readonly action: ResponseAction;
  /** For throttle: requests per minute to allow (the learned limit). */
  readonly limitPerMinute?: number;
  /** For block: how long, in seconds. */
  readonly durationSec?: number;
  readonly reason: string;
}

export interface Alert {
  /** Stable id (ULID-like, sortable by creation). */
  readonly id: string;
  readonly type: string;
  readonly severity: Severity;
  readonly score: number;
  readonly identity?: string;
  readonly client?: string;
  readonly endpoint?: EndpointRef;
  /** First and last finding folded into this alert (packet time) and how many. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly explanation: Explanation;
  readonly recommendation: Recommendation;
  readonly evidence: readonly EvidenceItem[];
  /** Host name of the sensor that raised it. */
  readonly sensor: string;
}
