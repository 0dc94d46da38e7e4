// Compares one Zeek http.log with our HTTP records for the same trace, as multisets.
//
// Key comparison: (method, host, uri, status_code), using only the columns the baseline kept (.cut
// logs drop some). Our values are rendered the way Zeek would log the same message: the uri
// percent-decoded by Zeek's unescape_URI, non-printable bytes as \xNN, and the reply to an HTTP/0.9
// request (no status line) as status 0. Body comparison, for rows that matched on the key: (request_body_len,
// response_body_len). Records we produce that no Zeek row accounts for are reported as extras.
import type { HttpRecord } from './replay';
import { canonicalIp, splitEndpoint } from './suricata';
import { stringBytes, zeekEscape, zeekEscapeBytes, zeekUnescapeUri, type ZeekLog, type ZeekRow } from './zeek';

export const KEY_FIELDS = ['method', 'host', 'uri', 'status_code'] as const;
export const BODY_FIELDS = ['request_body_len', 'response_body_len'] as const;
type ZeekField = (typeof KEY_FIELDS)[number] | (typeof BODY_FIELDS)[number];

/** Our record's value for a Zeek column, rendered as Zeek would log it (null = unset). */
export function ourValue(rec: HttpRecord, field: ZeekField): string | null {
  switch (field) {
    case 'method':
      return rec.method === null ? null : zeekEscape(rec.method);
    case 'host':
      return rec.host === null ? null : zeekEscape(rec.host);
    case 'uri':
      return rec.uri === null ? null : zeekEscapeBytes(zeekUnescapeUri(stringBytes(rec.uri)));
    case 'status_code':
      if (rec.status === null && rec.version === '0.9' && rec.completeness === 'full') return '0';
      return rec.status === null ? null : String(rec.status);
    case 'request_body_len':
      return String(rec.reqBodyLen ?? 0);
    case 'response_body_len':
      return String(rec.respBodyLen ?? 0);
  }
}

function render(values: (string | null | undefined)[]): string {
  return values.map((v) => (v === undefined ? '*' : v === null ? '-' : v === '' ? '(empty)' : v)).join(' ');
}

/** A Zeek row's key fields: undefined where the baseline did not keep the column. */
function zeekValues(row: ZeekRow, fields: readonly ZeekField[]): (string | null | undefined)[] {
  return fields.map((f) => (row.has(f) ? (row.get(f) ?? null) : undefined));
}

function ourValues(rec: HttpRecord, fields: readonly ZeekField[], like?: (string | null | undefined)[]): (string | null | undefined)[] {
  return fields.map((f, i) => (like && like[i] === undefined ? undefined : ourValue(rec, f)));
}

function equalOn(row: ZeekRow, rec: HttpRecord, fields: readonly ZeekField[]): boolean {
  return fields.every((f) => !row.has(f) || (row.get(f) ?? null) === ourValue(rec, f));
}

/** Whether the record is from the Zeek row's connection (true when the log has no addresses). */
function sameConnection(row: ZeekRow, rec: HttpRecord): boolean {
  const op = row.get('id.orig_p');
  const rp = row.get('id.resp_p');
  if (op === undefined || rp === undefined) return true;
  const c = splitEndpoint(rec.client);
  const s = splitEndpoint(rec.server);
  const oh = row.get('id.orig_h');
  const rh = row.get('id.resp_h');
  return (
    String(c.port) === op &&
    String(s.port) === rp &&
    (oh == null || canonicalIp(oh) === canonicalIp(c.ip)) &&
    (rh == null || canonicalIp(rh) === canonicalIp(s.ip))
  );
}

function score(row: ZeekRow, rec: HttpRecord): number {
  const equal = KEY_FIELDS.reduce((n, f) => n + (row.has(f) && (row.get(f) ?? null) === ourValue(rec, f) ? 1 : 0), 0);
  return equal + (sameConnection(row, rec) && row.has('id.orig_p') ? 10 : 0);
}

export interface ZeekDifference {
  comparison: 'key' | 'bodies' | 'extra';
  zeek: string;
  ours: string;
  [k: string]: string;
}

export interface ZeekComparison {
  rows: number;
  keyMatched: number;
  /** Rows that have at least one body column and matched on the key. */
  bodyRows: number;
  bodyMatched: number;
  differences: ZeekDifference[];
}

export function compareZeek(log: ZeekLog, records: HttpRecord[]): ZeekComparison {
  const hasBodyColumn = BODY_FIELDS.some((f) => log.fields.includes(f));
  const used = new Array<boolean>(records.length).fill(false);
  const pairedWith = new Array<number>(log.rows.length).fill(-1);
  const both = [...KEY_FIELDS, ...BODY_FIELDS];
  // Pairing passes, strictest first, so that identical keys pair with the right record: equal on
  // key and bodies in the same connection, then key in the same connection, then key and bodies,
  // then key alone (the multiset comparison does not require the same connection).
  const passes: [readonly ZeekField[], boolean][] = [
    [both, true],
    [KEY_FIELDS, true],
    [both, false],
    [KEY_FIELDS, false],
  ];
  for (const [fields, conn] of passes) {
    log.rows.forEach((row, i) => {
      if (pairedWith[i]! >= 0) return;
      const j = records.findIndex((rec, k) => !used[k] && equalOn(row, rec, fields) && (!conn || sameConnection(row, rec)));
      if (j >= 0) {
        used[j] = true;
        pairedWith[i] = j;
      }
    });
  }
  const result: ZeekComparison = { rows: log.rows.length, keyMatched: 0, bodyRows: 0, bodyMatched: 0, differences: [] };
  const unmatched: number[] = [];
  log.rows.forEach((row, i) => {
    const j = pairedWith[i]!;
    if (j < 0) {
      unmatched.push(i);
      return;
    }
    result.keyMatched++;
    if (!hasBodyColumn) return;
    result.bodyRows++;
    const rec = records[j]!;
    if (equalOn(row, rec, BODY_FIELDS)) {
      result.bodyMatched++;
      return;
    }
    const zk = zeekValues(row, KEY_FIELDS);
    const zb = zeekValues(row, BODY_FIELDS);
    result.differences.push({
      comparison: 'bodies',
      zeek: `${render(zk)} | ${render(zb)}`,
      ours: `${render(ourValues(rec, KEY_FIELDS, zk))} | ${render(ourValues(rec, BODY_FIELDS, zb))}`,
    });
  });
  // Key mismatches: show the unused record of ours that agrees on the most key fields, if any.
  for (const i of unmatched) {
    const row = log.rows[i]!;
    let best = -1;
    let bestScore = 0;
    records.forEach((rec, k) => {
      if (used[k]) return;
      const s = score(row, rec);
      if (s > bestScore) {
        best = k;
        bestScore = s;
      }
    });
    const zk = zeekValues(row, KEY_FIELDS);
    if (best >= 0) used[best] = true;
    result.differences.push({
      comparison: 'key',
      zeek: render(zk),
      ours: best >= 0 ? render(ourValues(records[best]!, KEY_FIELDS, zk)) : 'none',
    });
  }
  records.forEach((rec, k) => {
    if (!used[k]) result.differences.push({ comparison: 'extra', zeek: 'none', ours: render(ourValues(rec, KEY_FIELDS)) });
  });
  return result;
}
