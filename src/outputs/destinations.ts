// Builds the configured alert destinations (webhooks and syslog collectors): each one's transport,
// retry policy, filter and whether it takes audit records. Every destination is fed from the durable
// outbox by the dispatcher.
import type { Counters } from '../core/counters';
import type { OutputsConfig } from './config';
import type { RetryPolicy } from './outbox/backoff';
import { createSyslogTransport } from './syslog/create-transport';
import type { DestinationFilter, Transport } from './types';
import { createWebhookTransport, destinationFilter, webhookRetryPolicy } from './webhook/create-transport';

export interface Destination {
  readonly kind: 'webhook' | 'syslog';
  readonly transport: Transport;
  readonly retry: RetryPolicy;
  readonly filter: DestinationFilter;
  /** Takes audit records (whatever the filter). */
  readonly audit: boolean;
}

/** Throws (with the destination named) when one cannot be set up, e.g. an unreadable TLS file. */
export function createDestinations(config: Readonly<OutputsConfig>, counters: Counters, env: NodeJS.ProcessEnv = process.env): Destination[] {
  const out: Destination[] = [];
  for (const w of config.webhooks) {
    out.push({ kind: 'webhook', transport: createWebhookTransport(w, env), retry: webhookRetryPolicy(w), filter: destinationFilter(w), audit: w.audit });
  }
  for (const s of config.syslog) {
    // a collector that is down is retried on the reconnect schedule
    const retry: RetryPolicy = { initialMs: s.reconnect.initialMs, maxMs: s.reconnect.maxMs, maxRetryAfterMs: s.reconnect.maxMs };
    out.push({ kind: 'syslog', transport: createSyslogTransport(s, counters), retry, filter: s.filter, audit: s.audit });
  }
  return out;
}

/** Names of the destinations that take audit records, from config alone (no transport is made). */
export function auditDestinationNames(config: Readonly<OutputsConfig>): string[] {
  return [...config.webhooks, ...config.syslog].filter((d) => d.audit).map((d) => d.name);
}
