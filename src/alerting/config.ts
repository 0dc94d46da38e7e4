// Options of the alert policy (issue 5): dedupe, suppression, the per-identity rate bound, severity
// mapping and response playbooks. Merged into the main config schema as `alerting`.
import { z } from 'zod';
import { isIPv4 } from 'node:net';
import { parseRange } from '../core/address-match';

const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const;
const severity = z.enum(SEVERITY_ORDER);
const action = z.enum(['observe', 'throttle', 'block', 'revoke-token']);
const unit = z.number().min(0).max(1);

export const severityThresholdsSchema = z
  .object({
    critical: unit.default(0.9).describe('Lowest model score of a `critical` alert.'),
    high: unit.default(0.75).describe('Lowest model score of a `high` alert.'),
    medium: unit.default(0.5).describe('Lowest model score of a `medium` alert.'),
    low: unit.default(0.25).describe('Lowest model score of a `low` alert; a score below it is `info`.'),
  })
  .strict()
  .refine((t) => t.critical >= t.high && t.high >= t.medium && t.medium >= t.low, {
    message: 'severity thresholds must not decrease from low to critical',
  });

/** What a suppression rule matches (fields left out match anything); also what decides whether it is wide. */
export interface SuppressionScope {
  readonly detector?: string;
  readonly identity?: string;
  /** IP or CIDR (IPv4 or IPv6). */
  readonly client?: string;
  readonly host?: string;
  readonly method?: string;
  readonly template?: string;
}

// The width check lives here rather than in suppression.ts so the schema's refine loads no stage module.

/** The shortest client prefix a suppression may name without `allowWide` (`alerting.maxSuppressionPrefix`). */
export interface SuppressionPrefixBound {
  readonly ipv4: number;
  readonly ipv6: number;
}

export const DEFAULT_SUPPRESSION_PREFIX: SuppressionPrefixBound = { ipv4: 16, ipv6: 48 };

/** Why `rule` is wide, or null when it is not: it names no identity, client, host or template, or a client range wider than the bound. */
export function wideReason(rule: SuppressionScope, bound: SuppressionPrefixBound): string | null {
  if (rule.identity === undefined && rule.client === undefined && rule.host === undefined && rule.template === undefined) {
    const what = rule.detector === undefined ? 'every alert of every detector' : `every alert of detector ${rule.detector}`;
    return `it names no identity, client, host or template, so it silences ${what}`;
  }
  if (rule.client !== undefined) {
    const range = parseRange(rule.client);
    if (range === null) return null;
    // IPv4, written plainly or mapped into ::ffff:0:0/96, is held to the IPv4 bound
    const slash = rule.client.indexOf('/');
    const v4 = isIPv4((slash >= 0 ? rule.client.slice(0, slash) : rule.client).trim()) || (range.prefix >= 96 && isMapped(range.bytes));
    const prefix = v4 ? range.prefix - 96 : range.prefix;
    const limit = v4 ? bound.ipv4 : bound.ipv6;
    if (prefix < limit) return `its client range ${rule.client} is wider than /${limit} (alerting.maxSuppressionPrefix.${v4 ? 'ipv4' : 'ipv6'})`;
  }
  return null;
}

function isMapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** One suppression: every field given must match; a missing field matches anything. */
export const suppressionRuleSchema = z
  .object({
    detector: z.string().min(1).optional().describe('Detector name, or a prefix ending in `*` (`inventory.*`).'),
    identity: z.string().min(1).optional().describe('Identity as findings carry it (`bearer:…`, `apikey:…`, `ip:…`).'),
    client: z
      .string()
      .refine((s) => parseRange(s) !== null, { message: 'not an IP address or CIDR range' })
      .optional()
      .describe('Client IP or CIDR, IPv4 or IPv6.'),
    host: z.string().min(1).optional().describe('API host of the endpoint.'),
    method: z.string().min(1).optional().describe('HTTP method of the endpoint.'),
    template: z.string().min(1).optional().describe('Path template of the endpoint (`/users/{id}`).'),
    reason: z.string().default('').describe('Why; shown next to the rule when it is listed.'),
    expires: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('ISO 8601 time (packet time) after which the rule no longer applies; absent = never expires.'),
    allowWide: z
      .boolean()
      .default(false)
      .describe('Required on a wide rule: one naming no identity, client, host or template (all of a detector), or a client range wider than `alerting.maxSuppressionPrefix`.'),
  })
  .strict();

export const suppressionPrefixSchema = z
  .object({
    ipv4: z.number().int().min(0).max(32).default(16).describe('Shortest IPv4 client prefix a suppression may name without `allowWide` (16: a /8 needs the flag).'),
    ipv6: z.number().int().min(0).max(128).default(48).describe('Shortest IPv6 client prefix a suppression may name without `allowWide`.'),
  })
  .strict();

export const detectorOverrideSchema = z
  .object({
    minSeverity: severity.optional().describe("Severity floor for this detector's alerts, applied after the sensitive-data raise."),
    maxSeverity: severity.optional().describe("Severity ceiling for this detector's alerts, applied after the sensitive-data raise."),
    action: action.optional().describe('Response to recommend whatever the severity (e.g. `observe` for inventory findings).'),
  })
  .strict()
  .refine((o) => !o.minSeverity || !o.maxSeverity || SEVERITY_ORDER.indexOf(o.minSeverity) <= SEVERITY_ORDER.indexOf(o.maxSeverity), {
    message: 'minSeverity is above maxSeverity',
  });

export const playbookSchema = z
  .object({
    info: action.default('observe').describe('Recommended response to `info` alerts.'),
    low: action.default('observe').describe('Recommended response to `low` alerts.'),
    medium: action.default('throttle').describe('Recommended response to `medium` alerts.'),
    high: action.default('block').describe('Recommended response to `high` alerts.'),
    critical: action.default('revoke-token').describe('Recommended response to `critical` alerts.'),
    throttleHeadroom: z.number().min(1).default(1.5).describe("Throttle limit = the finding's `baselineRatePerMinute` factor × this headroom."),
    defaultLimitPerMinute: z.number().int().min(1).default(60).describe('Throttle limit (requests per minute) when the finding carries no baseline rate.'),
    blockDurationSec: z.number().int().min(1).default(3600).describe('How long a recommended block lasts.'),
    tokenIdentityKinds: z
      .array(z.string().min(1))
      .default(['key', 'user'])
      .describe("Identity kinds whose credentials can be revoked (`key:` tokens, API keys and session cookies; `user:` a user's tokens at the identity provider); revoke-token falls back to block for others (`ip:`)."),
  })
  .strict();

export const alertingSchema = z
  .object({
    sensor: z.string().default('').describe("Sensor name written into every alert; empty = this machine's host name."),
    dedupeWindowSec: z
      .number()
      .min(1)
      .default(3600)
      .describe('Findings with the same detector, identity, client and endpoint less than this many seconds (packet time) after the previous one fold into one open alert.'),
    maxOpenAlerts: z.number().int().min(1).default(10000).describe('Open (dedupe-able) alerts held; the least recently updated is forgotten when full.'),
    maxEvidence: z.number().int().min(1).max(100).default(5).describe('Evidence items kept per alert: the first ones plus the most recent.'),
    maxStoredAlerts: z
      .number()
      .int()
      .min(1)
      .default(1_000_000)
      .describe('Alerts kept in the database; beyond it the least recently seen are removed (alerting.pruned). Alerts with a verdict are kept.'),
    retentionDays: z
      .number()
      .min(1)
      .default(365)
      .describe('Alerts not seen for this many days (packet time) are removed (alerting.pruned). Alerts with a verdict are kept.'),
    redeliverAtCounts: z
      .array(z.number().int().min(2))
      .default([10, 100, 1000, 10000, 100000])
      .describe('An updated alert is delivered again when its count reaches one of these (or its severity rises).'),
    maxAlertsPerIdentityPerMinute: z.number().int().min(1).default(20).describe('New alerts per identity (client IP when there is none) per minute of packet time.'),
    maxRateTrackedIdentities: z.number().int().min(1).default(10000).describe('Identities whose alert rate is tracked; the least recently active is forgotten when full.'),
    rateLimitSummary: z.boolean().default(true).describe('Fold findings over the rate bound into one `alerting.rate-exceeded` alert per identity.'),
    severity: severityThresholdsSchema.default(severityThresholdsSchema.parse({})).describe('Lowest model score of each severity.'),
    sensitiveKinds: z
      .array(z.string().min(1))
      .default(['card', 'ssn', 'national-id', 'iban', 'jwt', 'secret'])
      .describe('Sensitive-data kinds on the endpoint that raise severity by one level.'),
    detectors: z
      .record(z.string(), detectorOverrideSchema)
      // an unusual session names no threat: it is worth a look, not a page (the rules' findings are)
      .default({ 'session-model': { maxSeverity: 'medium', action: 'observe' } })
      .describe("Per-detector severity bounds and action, keyed by detector name (default: the session model's alerts at most medium, observe)."),
    playbook: playbookSchema.default(playbookSchema.parse({})).describe('Recommended response per severity, and its parameters.'),
    suppressions: z.array(suppressionRuleSchema).default([]).describe('Static suppression rules (analyst feedback adds more in the database).'),
    suppressionRefreshSec: z.number().min(1).default(30).describe('Packet-time seconds between re-reads of stored suppressions (feedback given from the CLI).'),
    maxSuppressionPrefix: suppressionPrefixSchema
      .default(suppressionPrefixSchema.parse({}))
      .describe('A suppression whose client range is wider than this (or that names only a detector) is wide: config rules, feedback and the API need `allowWide` for it.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // a rule silencing all of a detector or a /8 must be meant, not a typo
    c.suppressions.forEach((rule, i) => {
      if (rule.allowWide) return;
      const why = wideReason(rule, c.maxSuppressionPrefix);
      if (why !== null) {
        const name = rule.reason ? ` ("${rule.reason}")` : '';
        ctx.addIssue({ code: 'custom', path: ['suppressions', i], message: `suppression rule ${i}${name} is wide: ${why}; set allowWide: true on it if that is meant` });
      }
    });
  });

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type SuppressionRuleConfig = z.infer<typeof suppressionRuleSchema>;
export type PlaybookConfig = z.infer<typeof playbookSchema>;
