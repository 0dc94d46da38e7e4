// The end of replay's text output: the endpoint map and what was alerted, so a first run shows what
// the product is for, not only counters. The jsonl format has its own records and is unchanged.
import type { AlertStore } from '../alerting';
import type { EndpointRow } from '../inventory/endpoint-store';
import { tableLines } from './table';

/** Endpoints listed in the text summary; the rest are counted (the full map is `tapwatch endpoints`). */
export const MAX_SUMMARY_ENDPOINTS = 40;

function table(rows: string[][]): string[] {
  return tableLines(rows, '  ');
}

/** The most-called endpoints (host, method, template, calls, spec status), then the rest as a count. */
export function endpointMapText(rows: readonly EndpointRow[], dbFile: string | null): string {
  if (rows.length === 0) return 'endpoint map: no HTTP endpoints seen\n';
  const listed = [...rows].sort((a, b) => b.calls - a.calls || a.host.localeCompare(b.host) || a.template.localeCompare(b.template)).slice(0, MAX_SUMMARY_ENDPOINTS);
  listed.sort((a, b) => a.host.localeCompare(b.host) || a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
  const lines = [`endpoint map: ${rows.length} endpoint(s)`];
  lines.push(...table([['HOST', 'METHOD', 'TEMPLATE', 'CALLS', 'SPEC STATUS'], ...listed.map((r) => [r.host, r.method, r.template, String(r.calls), r.specStatus])]));
  const rest = rows.length - listed.length;
  if (rest > 0) {
    const how = dbFile ? `tapwatch endpoints --db ${dbFile}` : 'replay with --db FILE, then tapwatch endpoints --db FILE';
    lines.push(`  ... and ${rest} more (${how})`);
  }
  return lines.join('\n') + '\n';
}

/** Stored alerts counted by detector and severity, or a plain "no alerts". */
export function alertSummaryText(store: AlertStore): string {
  const counts = store.countByTypeAndSeverity();
  if (counts.length === 0) return 'alerts: none\n';
  const total = counts.reduce((n, c) => n + c.count, 0);
  const lines = [`alerts: ${total}`];
  lines.push(...table([['COUNT', 'SEVERITY', 'DETECTOR'], ...counts.map((c) => [String(c.count), c.severity, c.type])]));
  return lines.join('\n') + '\n';
}
