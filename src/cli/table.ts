// Plain-text tables for the commands that list things: columns padded to their widest cell.
export function tableLines(rows: string[][], indent = ''): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => indent + r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

export function table(rows: string[][]): string {
  return tableLines(rows).join('\n') + '\n';
}
