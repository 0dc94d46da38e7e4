// Webhook Transport: JSON POST of one alert (body = the alert) or a batch (body = {"alerts": […]}),
// or a Slack-compatible message, signed (see signature.ts) and mapped to a SendResult:
// 2xx delivered; 408, 425, 429, 5xx, network errors and timeouts retry (honouring Retry-After);
// redirects and other 4xx are rejected, since sending the same request again cannot succeed.
import type { Alert } from '../../alerting/types';
import type { SendResult, Transport } from '../types';
import { createAgent, postOnce, type HttpReply } from './http-post';
import { parseRetryAfter } from './retry-after';
import { RESERVED_HEADERS, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './headers';
import { signatureHeader } from './signature';
import { slackMessage } from './slack';
import { safeJsonStringify } from '../../core/escape-control';

export type WebhookFormat = 'json' | 'slack';

export interface WebhookTransportOptions {
  readonly name: string;
  readonly url: string;
  readonly format: WebhookFormat;
  /** 1 = one request per alert (body is the alert); more = `{"alerts": […]}`. Slack is always 1. */
  readonly maxBatch: number;
  readonly headers: Readonly<Record<string, string>>;
  /** HMAC key for X-Tapwatch-Signature. */
  readonly secret: string;
  readonly timeoutMs: number;
  /** Wall clock in milliseconds (signature time, Retry-After dates). */
  readonly now?: () => number;
}

export class WebhookTransport implements Transport {
  readonly name: string;
  readonly maxBatch: number;
  private readonly url: URL;
  private readonly agent;
  private readonly now: () => number;

  constructor(private readonly opts: WebhookTransportOptions) {
    this.name = opts.name;
    this.url = new URL(opts.url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`webhook ${opts.name}: URL must be http or https`);
    for (const header of Object.keys(opts.headers)) {
      if (RESERVED_HEADERS.includes(header.toLowerCase())) throw new Error(`webhook ${opts.name}: header ${header} is set by Tapwatch`);
    }
    this.maxBatch = opts.format === 'slack' ? 1 : Math.max(1, Math.floor(opts.maxBatch));
    this.agent = createAgent(this.url);
    this.now = opts.now ?? Date.now;
  }

  async send(alerts: readonly Alert[]): Promise<SendResult> {
    if (alerts.length === 0) return { kind: 'delivered' };
    if (alerts.length > this.maxBatch) throw new RangeError(`webhook ${this.name}: ${alerts.length} alerts exceed maxBatch ${this.maxBatch}`);
    const single = this.maxBatch === 1 ? (alerts[0] as Alert) : undefined;
    const body = Buffer.from(this.body(alerts, single), 'utf8');
    const timestampSec = Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      'user-agent': 'tapwatch',
      ...this.opts.headers,
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: String(timestampSec),
      [SIGNATURE_HEADER]: signatureHeader(this.opts.secret, timestampSec, body),
    };
    // Receivers dedupe by alert id (delivery is at-least-once); a batch's makeup can change between
    // attempts, so only a single-alert request has a stable key.
    if (single) headers['Idempotency-Key'] = single.id;
    let reply: HttpReply;
    try {
      reply = await postOnce(this.url, body, headers, this.opts.timeoutMs, this.agent);
    } catch (err) {
      return { kind: 'retry', reason: `request failed: ${(err as Error).message}` };
    }
    return classifyReply(reply, this.now());
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private body(alerts: readonly Alert[], single: Alert | undefined): string {
    // plain printable JSON: no raw DEL, C1, U+2028/2029 from traffic reaches the receiver's logs
    if (this.opts.format === 'slack') return safeJsonStringify(slackMessage(alerts[0] as Alert));
    return single ? safeJsonStringify(single) : safeJsonStringify({ alerts });
  }
}

const RETRY_STATUSES = new Set([408, 425, 429]);

/** Maps an HTTP response to a SendResult. */
export function classifyReply(reply: HttpReply, nowMs: number): SendResult {
  const { status } = reply;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const reason = `HTTP ${status}${reply.statusText ? ` ${reply.statusText}` : ''}${reply.bodyPrefix ? `: ${reply.bodyPrefix}` : ''}`;
  if (RETRY_STATUSES.has(status) || status >= 500) {
    const retryAfter = reply.headers['retry-after'];
    const afterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, nowMs);
    return afterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, afterMs };
  }
  if (status >= 300 && status < 400) {
    // A signed POST is not replayed to wherever a Location points; the URL needs fixing.
    return { kind: 'rejected', reason: `${reason} (redirect to ${String(reply.headers.location ?? '?')} not followed; fix the URL)` };
  }
  return { kind: 'rejected', reason };
}
