// The end of replay's text output: the endpoint map and what was alerted, so a first run shows what
// the product is for, not only counters. The jsonl format has its own records and is unchanged.
import type { EndpointRow } from '../inventory/endpoint-store';
import { tableLines } from './table';

/** Endpoints listed in the text summary; the rest are counted (the full map is `tapwatch endpoints`). */
export const MAX_SUMMARY_ENDPOINTS = 40;

function table(rows: string[][]): string[] {
  return tableLines(rows, '  ');
}

/** Longer templates (an attack's raw path never folded into one) are cut so the table stays readable. */
export const MAX_TEMPLATE_CHARS = 72;

function shortTemplate(template: string): string {
  return template.length <= MAX_TEMPLATE_CHARS ? template : `${template.slice(0, MAX_TEMPLATE_CHARS - 1)}…`;
}

/** The most-called endpoints (host, method, template, calls, spec status), then the rest as a count. */
export function endpointMapText(rows: readonly EndpointRow[], dbFile: string | null): string {
  if (rows.length === 0) return 'endpoint map: no HTTP endpoints seen\n';
  const listed = [...rows].sort((a, b) => b.calls - a.calls || a.host.localeCompare(b.host) || a.template.localeCompare(b.template)).slice(0, MAX_SUMMARY_ENDPOINTS);
  listed.sort((a, b) => a.host.localeCompare(b.host) || a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
  const lines = [`endpoint map: ${rows.length} endpoint(s)`];
  lines.push(...table([['HOST', 'METHOD', 'TEMPLATE', 'CALLS', 'SPEC STATUS'], ...listed.map((r) => [r.host, r.method, shortTemplate(r.template), String(r.calls), r.specStatus])]));
  const rest = rows.length - listed.length;
  if (rest > 0) {
    const how = dbFile ? `tapwatch endpoints --db ${dbFile}` : 'replay with --db FILE, then tapwatch endpoints --db FILE';
    lines.push(`  ... and ${rest} more (${how})`);
  }
  return lines.join('\n') + '\n';
}
