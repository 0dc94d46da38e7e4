// Plain-text tables for the commands that list things: columns padded to their widest cell. Cells
// hold text from traffic (paths, hosts, user names): controls are shown escaped, never sent raw to
// the terminal (an ESC[2J in a path would clear the analyst's screen).
import { escapeControl } from '../core/escape-control';

export function tableLines(rawRows: string[][], indent = ''): string[] {
  const rows = rawRows.map((r) => r.map((c) => escapeControl(c)));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => indent + r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

export function table(rows: string[][]): string {
  return tableLines(rows).join('\n') + '\n';
}
