// Config of webhook destinations and of the outbox feeding every output (`outputs/config.ts` lists
// them); the factory that turns one destination into a Transport is `create-transport.ts`.
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../../alerting/types';
import { RESERVED_HEADERS } from './headers';

export const destinationFilterSchema = z
  .object({
    minSeverity: z.enum(SEVERITIES as readonly [Severity, ...Severity[]]).default('info').describe('Alerts below this severity are not sent to this destination.'),
    detectors: z.array(z.string().min(1)).default([]).describe('Alert types (detector names) to send; empty = all.'),
    hosts: z.array(z.string().min(1)).default([]).describe('Endpoint hosts to send (`*.example.com` for subdomains); empty = all.'),
  })
  .strict();

export const webhookRetrySchema = z
  .object({
    initialMs: z.number().int().min(1).default(1000).describe("Ceiling of the first retry's jittered delay; doubles per failed attempt."),
    maxMs: z.number().int().min(1).default(5 * 60 * 1000).describe('Highest backoff ceiling.'),
    maxRetryAfterMs: z.number().int().min(0).default(60 * 60 * 1000).describe('Longest Retry-After a receiver may ask for; longer requests are cut to this.'),
  })
  .strict()
  .refine((r) => r.maxMs >= r.initialMs, { message: 'retry.maxMs must be >= retry.initialMs' });

export const webhookDestinationSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'letters, digits, _ and - only (it is part of counter names)')
      .describe('Names the destination in counters (`outputs.<name>.delivered`) and logs; unique across outputs.'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).describe('http(s) URL alerts are POSTed to.'),
    format: z.enum(['json', 'slack']).default('json').describe('`json`: the alert (or `{"alerts": […]}` when batched); `slack`: a Slack message per alert.'),
    batch: z
      .object({
        maxAlerts: z.number().int().min(1).max(1000).default(1).describe('Alerts per request: 1 posts each alert as its own body, more posts `{"alerts": […]}`.'),
      })
      .strict()
      .default({ maxAlerts: 1 })
      .describe('Several alerts per request.'),
    // `secret: true` (metadata only) makes check-config print the value as ***
    headers: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: "Extra request headers (e.g. Authorization); Tapwatch's own headers cannot be overridden.", secret: true }),
    secret: z
      .string()
      .min(1)
      .optional()
      // `requiredUnless` (metadata only) makes `config docs` say that one of the pair is required
      .meta({
        description: 'HMAC-SHA256 key for X-Tapwatch-Signature; set exactly one of `secret` and `secretEnv`. Prefer `secretEnv` or `${env:NAME}`, which keep it out of the YAML.',
        secret: true,
        requiredUnless: 'secretEnv',
      }),
    secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional()
      .meta({
        description: 'Name of an environment variable holding the signing secret (read when the transport is made); set exactly one of `secret` and `secretEnv`.',
        requiredUnless: 'secret',
      }),
    timeoutMs: z.number().int().min(100).max(300000).default(10000).describe('Whole-request deadline; a request without a response by then is retried.'),
    retry: webhookRetrySchema.default(webhookRetrySchema.parse({})).describe('Backoff between delivery attempts.'),
    filter: destinationFilterSchema.default(destinationFilterSchema.parse({})).describe('Which alerts go to this destination.'),
  })
  .strict()
  .refine((d) => (d.secret === undefined) !== (d.secretEnv === undefined), {
    message: 'set exactly one of secret and secretEnv',
    path: ['secret'],
  })
  .refine((d) => d.format !== 'slack' || d.batch.maxAlerts === 1, {
    message: 'slack takes one alert per message; batch.maxAlerts must be 1',
    path: ['batch', 'maxAlerts'],
  })
  .refine((d) => Object.keys(d.headers).every((h) => !RESERVED_HEADERS.includes(h.toLowerCase())), {
    message: `headers may not set ${RESERVED_HEADERS.join(', ')}`,
    path: ['headers'],
  });

/** All webhook destinations; names must be unique. */
export const webhooksSchema = z
  .array(webhookDestinationSchema)
  .default([])
  .refine((list) => new Set(list.map((d) => d.name)).size === list.length, { message: 'webhook names must be unique' });

export const outboxSchema = z
  .object({
    maxBacklogPerDestination: z
      .number()
      .int()
      .min(1)
      .default(100000)
      .describe('Alerts queued per destination while it is unreachable; beyond it the oldest of the lowest severity is dropped (outputs.<name>.dropped_backlog).'),
    drainTimeoutMs: z.number().int().min(0).max(600000).default(5000)
      .describe('On shutdown, how long a send in flight may take to finish; unfinished ones are resent at start.'),
  })
  .strict();

export type WebhookDestinationConfig = z.infer<typeof webhookDestinationSchema>;
export type OutboxConfig = z.infer<typeof outboxSchema>;
