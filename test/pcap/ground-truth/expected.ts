// Committed lists of known differences (test/pcap/expected/*.tsv) and the "listed ⇔ occurs" rule:
// every difference a ground-truth test observes must be listed with a reason, and every listed
// difference must still occur, so the files stay honest as the code changes.
//
// File format: '#' comment lines, then a header line naming the columns, then one row per
// difference. Columns are tab-separated; tab, newline and backslash inside a cell are written as
// \t, \n and \\. The last column is always `reason`. Rows may repeat (differences are a multiset).
//
// Regenerate after a behaviour change with `UPDATE_EXPECTED=1 npx tap test/pcap/ground-truth`:
// rows that still occur keep their reason, new rows get "TODO: classify" (which fails the test
// until a person writes the reason), rows that no longer occur are dropped.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPDATE = process.env['UPDATE_EXPECTED'] === '1';
export const TODO_REASON = 'TODO: classify';

export function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

export function unescapeCell(s: string): string {
  return s.replace(/\\(\\|t|r|n)/g, (_, c: string) => (c === 't' ? '\t' : c === 'r' ? '\r' : c === 'n' ? '\n' : '\\'));
}

/** One difference: values for every column except `reason`. */
export type Difference = Record<string, string>;

export interface ListedRow {
  cells: Difference;
  reason: string;
  line: number;
}

export interface ExpectedFile {
  path: string;
  /** Columns before `reason`, in file order. */
  columns: string[];
  rows: ListedRow[];
}

export function readExpected(file: string, columns: string[]): ExpectedFile {
  const rows: ListedRow[] = [];
  if (!existsSync(file)) return { path: file, columns, rows };
  const lines = readFileSync(file, 'utf8').split('\n');
  let header: string[] | null = null;
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const cells = raw.split('\t').map(unescapeCell);
    if (header === null) {
      header = cells;
      const want = [...columns, 'reason'];
      if (header.join('\t') !== want.join('\t')) {
        throw new Error(`${file}: header is "${header.join(',')}", expected "${want.join(',')}"`);
      }
      return;
    }
    const rec: Difference = {};
    columns.forEach((c, j) => (rec[c] = cells[j] ?? ''));
    rows.push({ cells: rec, reason: cells[columns.length] ?? '', line: i + 1 });
  });
  return { path: file, columns, rows };
}

function identity(columns: string[], d: Difference): string {
  return columns.map((c) => d[c] ?? '').join('\u0000');
}

export interface Reconciliation {
  /** Observed differences that the file does not list (must be added with a reason). */
  unlisted: Difference[];
  /** Listed differences that no longer occur (must be removed). */
  stale: ListedRow[];
  /** Listed rows whose reason does not start with an allowed prefix (or is still TODO). */
  unclassified: ListedRow[];
}

/** Compares observed differences (a multiset) with the listed ones. */
export function reconcile(expected: ExpectedFile, observed: Difference[], reasonPrefixes: string[]): Reconciliation {
  const listed = new Map<string, ListedRow[]>();
  for (const row of expected.rows) {
    const id = identity(expected.columns, row.cells);
    const bucket = listed.get(id) ?? [];
    bucket.push(row);
    listed.set(id, bucket);
  }
  const unlisted: Difference[] = [];
  for (const d of observed) {
    const bucket = listed.get(identity(expected.columns, d));
    if (bucket && bucket.length > 0) bucket.shift();
    else unlisted.push(d);
  }
  const stale = [...listed.values()].flat().sort((a, b) => a.line - b.line);
  const unclassified = expected.rows.filter((r) => !reasonPrefixes.some((p) => r.reason.startsWith(p)));
  return { unlisted, stale, unclassified };
}

/**
 * Rewrites the file from the observed differences (UPDATE_EXPECTED=1): reasons are kept for rows
 * that still occur (matched on all columns, else on the columns named in `reasonKey`).
 */
export function writeExpected(expected: ExpectedFile, observed: Difference[], preamble: string[], reasonKey: string[]): void {
  const exact = new Map<string, string[]>();
  const loose = new Map<string, string>();
  for (const row of expected.rows) {
    const id = identity(expected.columns, row.cells);
    exact.set(id, [...(exact.get(id) ?? []), row.reason]);
    loose.set(identity(reasonKey, row.cells), row.reason);
  }
  const out = preamble.map((l) => `# ${l}`.trimEnd());
  out.push([...expected.columns, 'reason'].join('\t'));
  for (const d of observed) {
    const bucket = exact.get(identity(expected.columns, d));
    const reason = bucket && bucket.length > 0 ? bucket.shift()! : (loose.get(identity(reasonKey, d)) ?? TODO_REASON);
    out.push([...expected.columns.map((c) => escapeCell(d[c] ?? '')), escapeCell(reason)].join('\t'));
  }
  writeFileSync(expected.path, out.join('\n') + '\n');
}

/** A short multi-line description of a reconciliation, for assertion messages. */
export function describe(r: Reconciliation, columns: string[], limit = 40): string {
  const lines: string[] = [];
  const fmt = (d: Difference): string => columns.map((c) => escapeCell(d[c] ?? '')).join('\t');
  for (const d of r.unlisted.slice(0, limit)) lines.push(`unlisted: ${fmt(d)}`);
  for (const s of r.stale.slice(0, limit)) lines.push(`stale (line ${s.line}): ${fmt(s.cells)}`);
  for (const u of r.unclassified.slice(0, limit)) lines.push(`unclassified (line ${u.line}): ${u.reason}`);
  return lines.join('\n');
}
