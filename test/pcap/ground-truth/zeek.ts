// Zeek baselines: which Baseline directory was produced from which trace (MANIFEST.md §8), Zeek's
// ASCII log format (full logs with #fields, and btest ".cut" logs: one '###' comment line, then a
// header line of column names, then rows holding only the columns the test kept), and Zeek's
// escaping of string values, so that our records can be rendered the way Zeek writes them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface BaselineRef {
  /** Baseline directory name, e.g. scripts.base.protocols.http.http-pipelining */
  baseline: string;
  /** Absolute path of the log file (http.log or http.log.cut). */
  log: string;
  /** Trace path relative to data/pcaps/zeek, e.g. Traces/http/get.pcap */
  trace: string;
  /** Absolute trace path. */
  traceFile: string;
  /** The zeek command line recorded in the manifest. */
  command: string;
}

/**
 * Reads MANIFEST.md §8 and returns every baseline that has http.log or http.log.cut and whose trace
 * exists. Baselines are returned in manifest order.
 */
export function httpBaselines(sharedData: string): BaselineRef[] {
  return baselinesWith(sharedData, ['http.log', 'http.log.cut']);
}

/** Baselines that kept one of `logNames` (first found wins) and whose trace exists, in manifest order. */
export function baselinesWith(sharedData: string, logNames: string[]): BaselineRef[] {
  const manifest = readFileSync(path.join(sharedData, 'MANIFEST.md'), 'utf8');
  const start = manifest.indexOf('## 8.');
  const end = manifest.indexOf('\n## ', start + 5);
  const section = manifest.slice(start, end < 0 ? undefined : end);
  const zeekRoot = path.join(sharedData, 'pcaps/zeek');
  const out: BaselineRef[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `data/pcaps/zeek/Baseline/')) continue;
    // Cells are split on '|' not preceded by a backslash (the command column escapes pipes).
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const dir = /`data\/pcaps\/zeek\/Baseline\/([^/`]+)\/`/.exec(cells[1] ?? '');
    const trace = /`([^`]+)`/.exec(cells[4] ?? '');
    if (!dir?.[1] || !trace?.[1]) continue;
    const baseline = dir[1];
    const files = (cells[3] ?? '').split(',').map((f) => f.trim());
    const logName = logNames.find((n) => files.includes(n));
    if (logName === undefined) continue;
    const log = path.join(zeekRoot, 'Baseline', baseline, logName);
    const traceFile = path.join(zeekRoot, trace[1]);
    if (!existsSync(log) || !existsSync(traceFile)) continue;
    out.push({ baseline, log, trace: trace[1], traceFile, command: (cells[6] ?? '').replace(/`/g, '').replace(/\\\|/g, '|') });
  }
  return out;
}

/** A Zeek log row: column name → value; unset ('-') is null, '(empty)' is ''. Values stay escaped. */
export type ZeekRow = Map<string, string | null>;

export interface ZeekLog {
  fields: string[];
  rows: ZeekRow[];
  /** The test kept only some columns (zeek-cut output: a header line instead of #fields). */
  cut: boolean;
}

export function parseZeekLog(text: string): ZeekLog {
  let fields: string[] | null = null;
  let cut = false;
  let unset = '-';
  let empty = '(empty)';
  const rows: ZeekRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [tag, ...rest] = line.split('\t');
      if (tag === '#fields') fields = rest;
      else if (tag === '#unset_field' && rest[0] !== undefined) unset = rest[0];
      else if (tag === '#empty_field' && rest[0] !== undefined) empty = rest[0];
      continue;
    }
    const cells = line.split('\t');
    if (fields === null) {
      // .cut logs have no #fields line: their first non-comment line names the columns.
      fields = cells;
      cut = true;
      continue;
    }
    const row: ZeekRow = new Map();
    fields.forEach((f, i) => {
      const v = cells[i] ?? unset;
      row.set(f, v === unset ? null : v === empty ? '' : v);
    });
    rows.push(row);
  }
  return { fields: fields ?? [], rows, cut };
}

/** Our string's bytes: one byte per character for latin1-decoded text, else its UTF-8 bytes. */
export function stringBytes(s: string): Buffer {
  return [...s].some((c) => c.charCodeAt(0) > 0xff) ? Buffer.from(s, 'utf8') : Buffer.from(s, 'latin1');
}

/** Renders bytes the way Zeek's ASCII writer does: bytes outside printable ASCII as \xNN. */
export function zeekEscapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** A string of ours rendered the way Zeek logs it. */
export function zeekEscape(s: string): string {
  return zeekEscapeBytes(stringBytes(s));
}

const isHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
const hexVal = (b: number): number => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);

/**
 * Zeek's unescape_URI (src/analyzer/protocol/http/HTTP.cc): http.log's uri is the request target
 * after this percent-decoding. %XX and %uXXXX are decoded, a doubled '%' drops the first one, a '%'
 * not followed by hex digits is kept as is.
 */
export function zeekUnescapeUri(b: Uint8Array): Buffer {
  const out: number[] = [];
  const n = b.length;
  let i = 0;
  while (i < n) {
    if (b[i] === 0x25) {
      i++;
      if (i === n) {
        out.push(0x25);
        break;
      } else if (i + 1 === n) {
        out.push(0x25, b[i]!);
        break;
      } else if (b[i] === 0x25) {
        i--;
      } else if (isHex(b[i]) && isHex(b[i + 1])) {
        out.push((hexVal(b[i]!) << 4) + hexVal(b[i + 1]!));
        i++;
      } else if (n - i >= 5 && b[i] === 0x75 && isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4])) {
        if (!(b[i + 1] === 0x30 && b[i + 2] === 0x30)) out.push((hexVal(b[i + 1]!) << 4) + hexVal(b[i + 2]!));
        out.push((hexVal(b[i + 3]!) << 4) + hexVal(b[i + 4]!));
        i += 4;
      } else {
        out.push(0x25, b[i]!);
      }
    } else {
      out.push(b[i]!);
    }
    i++;
  }
  return Buffer.from(out);
}
