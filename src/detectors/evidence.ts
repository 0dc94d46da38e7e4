// The evidence items detectors attach to findings: a short, redacted summary of one transaction.
// The target is the endpoint template the inventory mapped (object ids, tokens and query values
// never leave the sensor in an alert); an unmapped call shows its path without the query.
import type { EvidenceItem } from '../core/finding';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';

export function evidenceOf(tx: HttpTransaction, ctx: TransactionContext, note?: string): EvidenceItem {
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

/** A path with every segment that holds a digit (ids, dates, tokens) as `*`: no value leaves in an alert. */
export function redactedPath(path: string | null): string {
  if (path === null || path === '') return '-';
  return path.replace(/[^/]*[0-9][^/]*/g, '*');
}
