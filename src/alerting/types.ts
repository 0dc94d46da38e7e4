// Records of the alerting stage (DESIGN §2, §6). Detectors, the inventory and the models emit
// Findings; the alert policy turns them into Alerts (dedupe, suppression, severity, playbook) and
// stores each one before any sink sees it.

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** Ordered lowest first, so severities compare by index. */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface EndpointRef {
  readonly host: string;
  readonly method: string;
  readonly template: string;
}

/** One feature or fact that drove a finding, against its baseline where there is one. */
export interface ExplanationFactor {
  readonly name: string;
  readonly value: number | string;
  readonly baseline?: number | string;
  /** Share of the score this factor explains, 0–1, where the detector can say. */
  readonly contribution?: number;
}

export interface Explanation {
  /** One sentence an analyst reads first. */
  readonly summary: string;
  readonly factors: readonly ExplanationFactor[];
}

/** A short, redacted summary of a transaction that backs a finding. */
export interface EvidenceItem {
  readonly ts: number;
  readonly client: string;
  readonly server: string;
  readonly method: string;
  /** Path with parameter values redacted to the template. */
  readonly target: string;
  readonly status?: number;
  readonly note?: string;
}

export type ResponseAction = 'observe' | 'throttle' | 'block' | 'revoke-token';

export interface Recommendation {
  readonly action: ResponseAction;
  /** For throttle: requests per minute to allow (the learned limit). */
  readonly limitPerMinute?: number;
  /** For block: how long, in seconds. */
  readonly durationSec?: number;
  readonly reason: string;
}

/** What a detector, the inventory or a model reports; the policy decides if it becomes an alert. */
export interface Finding {
  /** Stable detector name, e.g. `inventory.shadow-endpoint`, `credential-stuffing`. */
  readonly detector: string;
  /** Packet time, seconds since the epoch. */
  readonly ts: number;
  /** 0–1: how sure or how far from normal. */
  readonly score: number;
  /** Who: api key / JWT subject / basic user / session / ip, as `kind:value` (values hashed). */
  readonly identity?: string;
  /** Client IP address. */
  readonly client?: string;
  readonly endpoint?: EndpointRef;
  /** Sensitive-data kinds the endpoint handles (raises severity). */
  readonly sensitiveKinds?: readonly string[];
  readonly explanation: Explanation;
  readonly evidence: readonly EvidenceItem[];
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
