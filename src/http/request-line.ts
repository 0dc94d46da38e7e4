// Lenient request-line reading, as Zeek does it: used when the strict form does not match and to
// recover what a request line cut short (a gap, a bound) still says.

import * as A from './anomalies';

/** RFC 7230 token at the start of a line (the method, any token). */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
/** A version at the end of the request line: HTTP/d.d, or the truncated HTTP/d. (minor empty). */
const VERSION_TAIL = /(?:^|[ \t]+)HTTP\/(\d)\.(\d?)[ \t]*$/;
/** A prefix of " HTTP/d.d" at the end of a line cut short (gap, bound). */
const PARTIAL_VERSION_TAIL = /[ \t]+H(?:T(?:T(?:P(?:\/(?:\d(?:\.\d?)?)?)?)?)?)?\r?$/;
const ODD_SPACING = /[ \t]{2}|\t|[ \t]$/;

/** A request line read leniently. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly major: number;
  readonly minor: number;
  /** No version: an HTTP/0.9 simple request. */
  readonly http09: boolean;
  /** Lenient forms seen (anomaly names), besides http09 and unknown methods. */
  readonly anomalies: readonly string[];
}

/**
 * Reads a request line as Zeek does: method = the first token; version = a trailing ` HTTP/d.d` (or the
 * truncated ` HTTP/d.`) if present; target = everything in between, spaces included (empty when the
 * line is `METHOD HTTP/1.1`). Without a version the line is an HTTP/0.9 request, which needs a target
 * and a method of at least 3 characters (as Zeek requires). Null: not a request line.
 * `partial`: the line was cut short (a gap, a bound): a trailing prefix of a version is dropped and a
 * line without a version is not taken as HTTP/0.9 (version 1.1 is assumed).
 */
export function parseRequestLine(line: string, partial: boolean): RequestLine | null {
  const m = METHOD_TOKEN.exec(line);
  if (m === null) return null;
  const method = m[0];
  let at = method.length;
  while (at < line.length && (line.charCodeAt(at) === 0x20 || line.charCodeAt(at) === 0x09)) at++;
  if (at === method.length || at === line.length) return null;
  const rest = line.slice(at);
  const anomalies: string[] = [];
  let target: string;
  let major = 1;
  let minor = 1;
  let http09 = false;
  const v = VERSION_TAIL.exec(rest);
  if (v !== null) {
    target = rest.slice(0, v.index);
    major = Number(v[1]);
    if (v[2] === '' || v[2] === undefined) anomalies.push(A.REQUEST_BAD_VERSION);
    else minor = Number(v[2]);
    if (target === '') anomalies.push(A.REQUEST_MISSING_TARGET);
  } else if (partial) {
    const pv = PARTIAL_VERSION_TAIL.exec(rest);
    target = pv === null ? rest.replace(/\r$/, '') : rest.slice(0, pv.index);
  } else {
    target = rest.replace(/[ \t]+$/, '');
    if (method.length < 3) return null;
    http09 = true;
  }
  if (ODD_SPACING.test(line) || target.includes(' ')) anomalies.push(A.REQUEST_LENIENT_LINE);
  return { method, target, major, minor, http09, anomalies };
}
