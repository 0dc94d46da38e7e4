// Options of the alert policy (issue 5): dedupe, suppression, the per-identity rate bound, severity
// mapping and response playbooks. Merged into the main config schema as `alerting`.
import { z } from 'zod';
import { parseRange } from './address-match';

const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const;
const severity = z.enum(SEVERITY_ORDER);
const action = z.enum(['observe', 'throttle', 'block', 'revoke-token']);
const unit = z.number().min(0).max(1);

export const severityThresholdsSchema = z
  .object({
    /** Lowest score of each severity; a score below `low` is `info`. */
    critical: unit.default(0.9),
    high: unit.default(0.75),
    medium: unit.default(0.5),
    low: unit.default(0.25),
  })
  .strict()
  .refine((t) => t.critical >= t.high && t.high >= t.medium && t.medium >= t.low, {
    message: 'severity thresholds must not decrease from low to critical',
  });

/** One suppression: every field given must match; a missing field matches anything. */
export const suppressionRuleSchema = z
  .object({
    /** Detector name, or a prefix ending in `*` (`inventory.*`). */
    detector: z.string().min(1).optional(),
    /** Identity as findings carry it (`bearer:…`, `apikey:…`, `ip:…`). */
    identity: z.string().min(1).optional(),
    /** Client IP or CIDR, IPv4 or IPv6. */
    client: z
      .string()
      .refine((s) => parseRange(s) !== null, { message: 'not an IP address or CIDR range' })
      .optional(),
    host: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
    template: z.string().min(1).optional(),
    /** Why; shown next to the rule when it is listed. */
    reason: z.string().default(''),
    /** ISO 8601 time (packet time) after which the rule no longer applies; absent = never expires. */
    expires: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const detectorOverrideSchema = z
  .object({
    /** Severity floor and ceiling for this detector's alerts, applied after the sensitive-data raise. */
    minSeverity: severity.optional(),
    maxSeverity: severity.optional(),
    /** Response to recommend whatever the severity (e.g. `observe` for inventory findings). */
    action: action.optional(),
  })
  .strict()
  .refine((o) => !o.minSeverity || !o.maxSeverity || SEVERITY_ORDER.indexOf(o.minSeverity) <= SEVERITY_ORDER.indexOf(o.maxSeverity), {
    message: 'minSeverity is above maxSeverity',
  });

export const playbookSchema = z
  .object({
    /** Recommended response per severity. */
    info: action.default('observe'),
    low: action.default('observe'),
    medium: action.default('throttle'),
    high: action.default('block'),
    critical: action.default('revoke-token'),
    /** Throttle limit = the finding's `baselineRatePerMinute` factor × this headroom. */
    throttleHeadroom: z.number().min(1).default(1.5),
    /** Throttle limit (requests per minute) when the finding carries no baseline rate. */
    defaultLimitPerMinute: z.number().int().min(1).default(60),
    /** How long a recommended block lasts. */
    blockDurationSec: z.number().int().min(1).default(3600),
    /** Identity kinds that are tokens and can be revoked; revoke-token falls back to block for others. */
    tokenIdentityKinds: z.array(z.string().min(1)).default(['bearer', 'apikey', 'jwt']),
  })
  .strict();

export const alertingSchema = z
  .object({
    /** Sensor name written into every alert; empty = this machine's host name. */
    sensor: z.string().default(''),
    /** Findings with the same detector, identity, client and endpoint less than this many seconds
     * (packet time) after the previous one fold into one open alert. */
    dedupeWindowSec: z.number().min(1).default(3600),
    /** Open (dedupe-able) alerts held; the least recently updated is forgotten when full. */
    maxOpenAlerts: z.number().int().min(1).default(10000),
    /** Evidence items kept per alert: the first ones plus the most recent. */
    maxEvidence: z.number().int().min(1).max(100).default(5),
    /** An updated alert is delivered again when its count reaches one of these (or its severity rises). */
    redeliverAtCounts: z.array(z.number().int().min(2)).default([10, 100, 1000, 10000, 100000]),
    /** New alerts per identity (client IP when there is none) per minute of packet time. */
    maxAlertsPerIdentityPerMinute: z.number().int().min(1).default(20),
    /** Identities whose alert rate is tracked; the least recently active is forgotten when full. */
    maxRateTrackedIdentities: z.number().int().min(1).default(10000),
    /** Fold findings over the rate bound into one `alerting.rate-exceeded` alert per identity. */
    rateLimitSummary: z.boolean().default(true),
    severity: severityThresholdsSchema.default(severityThresholdsSchema.parse({})),
    /** Sensitive-data kinds on the endpoint that raise severity by one level. */
    sensitiveKinds: z.array(z.string().min(1)).default(['card', 'ssn', 'national-id', 'iban', 'jwt', 'secret']),
    /** Per-detector severity bounds and action, keyed by detector name. */
    detectors: z.record(z.string(), detectorOverrideSchema).default({}),
    playbook: playbookSchema.default(playbookSchema.parse({})),
    /** Static suppression rules (analyst feedback adds more in the database). */
    suppressions: z.array(suppressionRuleSchema).default([]),
    /** Packet-time seconds between re-reads of stored suppressions (feedback given from the CLI). */
    suppressionRefreshSec: z.number().min(1).default(30),
  })
  .strict();

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type SuppressionRuleConfig = z.infer<typeof suppressionRuleSchema>;
export type PlaybookConfig = z.infer<typeof playbookSchema>;
