// The record every detection stage emits (DESIGN §2): the inventory, the detectors and the models
// report Findings; the alerting stage decides which become alerts. It lives in core so any stage
// after HTTP can emit one without importing the alerting stage that comes after it.

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

/**
 * The response a detector suggests (DESIGN §6). The alert policy has the last word: a configured
 * per-detector action (alerting.detectors) overrides it, and the playbook fills in what it lacks.
 */
export interface SuggestedResponse {
  readonly action: 'observe' | 'throttle' | 'block' | 'revoke-token';
  /** For throttle: the learned limit in requests per minute. */
  readonly limitPerMinute?: number;
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
  readonly suggested?: SuggestedResponse;
}
