// The evidence items detectors and models attach to findings: a short, redacted summary of one
// transaction. The target is the endpoint template the inventory mapped (object ids, tokens and query
// values never leave the sensor in an alert); an unmapped call shows its path without the query, with
// every segment that could carry a value or a payload as `*`.
import type { EndpointRef, EvidenceItem } from './finding';

/** What evidence reads of a transaction (an HttpTransaction; core/ sits below http/, so by shape). */
export interface EvidenceSource {
  readonly ts: number;
  readonly clientIp: string;
  readonly serverIp: string;
  readonly host: string | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly status: number | null;
}

/** What evidence reads of the transaction's context (a TransactionContext). */
export interface EvidenceContext {
  readonly clientIp: string | null;
  readonly endpoint: EndpointRef | null;
}

export function evidenceOf(tx: EvidenceSource, ctx: EvidenceContext, note?: string): EvidenceItem {
  const item: { -readonly [K in keyof EvidenceItem]: EvidenceItem[K] } = {
    ts: tx.ts,
    client: ctx.clientIp ?? tx.clientIp,
    server: tx.host ?? tx.serverIp,
    method: tx.method ?? '-',
    target: ctx.endpoint?.template ?? redactedPath(tx.path),
  };
  if (tx.status !== null) item.status = tx.status;
  if (note !== undefined) item.note = note;
  return item;
}

/** Keeps at most `max` evidence items: the first ones, then every later one replaces the newest. */
export function keepEvidence(kept: EvidenceItem[], item: EvidenceItem, max: number): void {
  if (kept.length < max) kept.push(item);
  else kept[max - 1] = item;
}

/**
 * A path with every segment that holds a digit (ids, dates, tokens) or a character outside letters
 * and `_.~-` (an encoded payload, a control character from the wire) as `*`: no value leaves in an
 * alert.
 */
export function redactedPath(path: string | null): string {
  if (path === null || path === '') return '-';
  return path.replace(/[^/]*[^A-Za-z/_.~-][^/]*/g, '*');
}
