// Turns one webhook destination's config into what the dispatcher needs: the transport (with its
// signing secret resolved), the retry policy and the alert filter.
import type { RetryPolicy } from '../outbox/backoff';
import type { DestinationFilter } from '../types';
import type { WebhookDestinationConfig } from './config';
import { WebhookTransport } from './transport';

/** The parsed filter is the shared DestinationFilter record (this stops compiling if they drift). */
export function destinationFilter(config: WebhookDestinationConfig): DestinationFilter {
  return config.filter;
}

/** The signing secret of `config`, from the YAML or from the environment variable it names. */
export function resolveWebhookSecret(config: WebhookDestinationConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (config.secret !== undefined) return config.secret;
  const name = config.secretEnv ?? '';
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`webhook ${config.name}: environment variable ${name} (secretEnv) is not set`);
  return value;
}

/** Retry settings of `config` in the dispatcher's terms. */
export function webhookRetryPolicy(config: WebhookDestinationConfig): RetryPolicy {
  return { initialMs: config.retry.initialMs, maxMs: config.retry.maxMs, maxRetryAfterMs: config.retry.maxRetryAfterMs };
}

export function createWebhookTransport(config: WebhookDestinationConfig, env: NodeJS.ProcessEnv = process.env): WebhookTransport {
  return new WebhookTransport({
    name: config.name,
    url: config.url,
    format: config.format,
    maxBatch: config.batch.maxAlerts,
    headers: config.headers,
    secret: resolveWebhookSecret(config, env),
    timeoutMs: config.timeoutMs,
  });
}
