// The outputs section: webhook and syslog destinations and the outbox in front of them. Composed into
// the full schema by config/schema.ts. Each destination also takes `audit` here: whether it receives
// the audit trail's records, which pass no severity, detector or host filter.
import { z } from 'zod';
import { syslogDestinationSchema } from './syslog/config';
import { outboxSchema, webhookDestinationSchema } from './webhook/config';

const audit = z
  .boolean()
  .default(true)
  .describe('Send audit records (feedback, suppressions, endpoint edits, model rollback, tokens) here whatever the filter; false = none.');

const webhookDestination = webhookDestinationSchema.safeExtend({ audit });
// the syslog schema fills protocol defaults in a transform after its checks: extend the checked
// object, then apply the same transform to the rest
const syslogDestination = syslogDestinationSchema.in
  .safeExtend({ audit })
  .transform(({ audit: takesAudit, ...rest }) => ({ ...syslogDestinationSchema.out.parse(rest), audit: takesAudit }));

export const outputsSchema = z
  .object({
    webhooks: z
      .array(webhookDestination)
      .default([])
      .refine((list) => new Set(list.map((d) => d.name)).size === list.length, { message: 'webhook names must be unique' })
      .describe('JSON POST destinations (signed, retried, durable outbox).'),
    syslog: z.array(syslogDestination).default([]).describe('Syslog collectors: RFC 5424 over udp / tcp / tls / unix stream socket, JSON or CEF body.'),
    outbox: outboxSchema.default(outboxSchema.parse({})).describe('The durable per-destination queue in front of every output.'),
  })
  .strict()
  .superRefine((o, ctx) => {
    // names key the outbox rows and the counters, so one name is one destination
    const seen = new Set<string>();
    const check = (name: string, path: (string | number)[]): void => {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path, message: `destination name "${name}" is used twice (webhooks and syslog share one namespace)` });
      seen.add(name);
    };
    o.webhooks.forEach((d, i) => check(d.name, ['webhooks', i, 'name']));
    o.syslog.forEach((d, i) => check(d.name, ['syslog', i, 'name']));
  });

export type OutputsConfig = z.infer<typeof outputsSchema>;
