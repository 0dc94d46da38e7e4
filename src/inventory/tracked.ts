// What the inventory keeps per endpoint while it runs, and the SQLite row it writes for it.
import type { HttpTransaction } from '../http/types';
import type { EndpointLearner, TransactionClassification } from './classify';
import type { EndpointRow, SpecDetail } from './endpoint-store';
import type { ApiEvidence } from './spec-binding';

export interface Tracked {
  host: string;
  method: string;
  template: string;
  /** Everything learned, earlier runs and absorbed templates included; it also counts sampled-out calls. */
  learner: EndpointLearner;
  /** First and last call, analysed or sampled out, earlier runs included. */
  span: { first: number; last: number };
  /**
   * Calls the learner does not account for: rows written by older builds, which replaced the stored
   * statistics on relearning and dropped those of merged templates, kept only their call counts.
   */
  unlearnedCalls: number;
  /** documented / shadow / zombie / drift / no-spec against the configured specs; 'unknown' without specs. */
  specStatus: string;
  specDetail: SpecDetail | null;
  /** Drift items already reported (a new one is reported again). */
  reportedDrift: Set<string>;
  /** The latest call (evidence for spec-status events): client IP, server `ip:port`. */
  last: { client: string; server: string; status: number | null };
  /** Stored with the row (`stats.sampling`) so a restart samples as an uninterrupted run would. */
  sampling: Sampling;
  /** What the endpoint says about each spec's API (binding evidence), as of its last classification. */
  evidence: ApiEvidence[];
  /** Calls whose path had junk at a parameter (`/pet/NaN`, `/user/undefined`): stored as `stats.junkValues`. */
  junkValues: number;
}

/**
 * Novelty-driven sampling state of one endpoint: after its first full-analysis calls, one call in
 * `interval` is analysed; `interval` doubles (up to `maxSampleEvery`) after `stableAnalyses`
 * analysed calls in a row brought nothing new, and drops back to `sampleEvery` when one does.
 */
export interface Sampling {
  interval: number;
  quiet: number;
  sinceLast: number;
}

export const keyOf = (host: string, method: string, template: string): string => `${method} ${host}${template}`;

/** A positive whole count stored in a row's stats, or 0. */
export function storedCount(stats: unknown, key: string): number {
  const v = typeof stats === 'object' && stats !== null ? (stats as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

export function evidenceOf(tx: HttpTransaction): { client: string; server: string; httpStatus?: number } {
  return { client: tx.clientIp, server: tx.server, ...(tx.status !== null ? { httpStatus: tx.status } : {}) };
}

/** Every call, analysed or not: the time span and the evidence for later events. */
export function noteCall(t: Tracked, tx: HttpTransaction): void {
  if (tx.ts < t.span.first) t.span.first = tx.ts;
  if (tx.ts > t.span.last) t.span.last = tx.ts;
  const l = t.last;
  l.client = tx.clientIp;
  l.server = tx.server;
  l.status = tx.status;
}

/** Query and body parameter names of one side: the templater's evidence for merging values. */
export function keysOf(c: TransactionClassification, side: 'request' | 'response'): string[] {
  const msg = side === 'request' ? c.request : c.response;
  if (!msg) return [];
  return msg.params.filter((p) => p.location === 'query' || p.location === 'body').map((p) => p.name);
}

export function rowOf(t: Tracked): EndpointRow {
  const stats = t.learner.snapshot();
  return {
    host: t.host,
    method: t.method,
    template: t.template,
    firstSeen: t.span.first,
    lastSeen: t.span.last,
    calls: stats.calls + stats.sampledOutCalls + t.unlearnedCalls,
    specStatus: t.specStatus,
    specDetail: t.specDetail,
    stats: { ...stats, sampling: { ...t.sampling }, ...(t.junkValues > 0 ? { junkValues: t.junkValues } : {}) },
  };
}
