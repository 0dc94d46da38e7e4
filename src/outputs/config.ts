// The outputs section: webhook and syslog destinations and the outbox in front of them. Composed into
// the full schema by config/schema.ts.
import { z } from 'zod';
import { syslogDestinationSchema } from './syslog/config';
import { outboxSchema, webhooksSchema } from './webhook/config';

export const outputsSchema = z
  .object({
    webhooks: webhooksSchema.describe('JSON POST destinations (signed, retried, durable outbox).'),
    syslog: z.array(syslogDestinationSchema).default([]).describe('Syslog collectors: RFC 5424 over udp / tcp / tls / unix stream socket, JSON or CEF body.'),
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
