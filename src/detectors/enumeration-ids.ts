// The object id of one call, for the enumeration detector: the path segment where the endpoint's
// template has its last parameter (`/orders/{id:int}`, `/vehicle/{id:uuid}/location`), else the
// first query parameter named like an id (`report_id=7`, `userId=3`, `id=9`: the same naming rule
// the features stage uses for ids in response bodies). Paging parameters (`offset`, `page`) are not
// ids, so a client paging through a list is never an id walk. Nothing is cut out of the path: the
// id is located as a range, hashed in place and, when all digits, read as a number.
import { hashRange, hashString } from '../core/hashing';

/** Where the template's last parameter sits, counted from the end of the path. */
export interface CompiledIdParam {
  /** 1 = last segment; 0 = the template has no usable parameter. */
  readonly fromEnd: number;
  /** Literal characters before and after the parameter within its segment (`v{id}.json`: 1 and 5). */
  readonly prefix: number;
  readonly suffix: number;
}

export const NO_PARAM: CompiledIdParam = { fromEnd: 0, prefix: 0, suffix: 0 };

export function compileIdParam(template: string): CompiledIdParam {
  // `{overflow}` stands for the rest of an over-long path: no position can be trusted
  if (template.includes('{overflow}')) return NO_PARAM;
  const segments = template.split('/').filter((s) => s !== '');
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i] as string;
    const open = seg.indexOf('{');
    if (open < 0) continue;
    const close = seg.lastIndexOf('}');
    // several parameters in one segment (`{name}.{ext}`): the whole segment is the id
    const single = seg.indexOf('{', open + 1) < 0;
    return { fromEnd: segments.length - i, prefix: single ? open : 0, suffix: single ? seg.length - close - 1 : 0 };
  }
  return NO_PARAM;
}

/** The id of the call in hand: its text is `text[start, end)`; reused, never kept. */
export interface IdRange {
  text: string;
  start: number;
  end: number;
}

const SLASH = 47;

/** Locates the path id of `param` in `path` into `out`; false when the path has no such segment. */
export function pathId(path: string, param: CompiledIdParam, out: IdRange): boolean {
  if (param.fromEnd === 0) return false;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  for (let position = 1; end > 0; position++) {
    const start = path.lastIndexOf('/', end - 1) + 1;
    if (position === param.fromEnd) {
      const s = start + param.prefix;
      const e = end - param.suffix;
      if (e <= s) return false;
      out.text = path;
      out.start = s;
      out.end = e;
      return true;
    }
    end = start - 1;
    while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  }
  return false;
}

/** Longest query value taken as an id (longer ones are payloads, not ids). */
const MAX_QUERY_ID_CHARS = 128;

/** Locates the first id-named query parameter's value into `out`; false when there is none. */
export function queryId(query: string, out: IdRange): boolean {
  let at = 0;
  const n = query.length;
  while (at < n) {
    let amp = query.indexOf('&', at);
    if (amp < 0) amp = n;
    const eq = query.indexOf('=', at);
    // a parameter with a name and a value of sensible length
    if (eq > at && eq + 1 < amp && amp - eq - 1 <= MAX_QUERY_ID_CHARS && idName(query, at, eq)) {
      out.text = query;
      out.start = eq + 1;
      out.end = amp;
      return true;
    }
    at = amp + 1;
  }
  return false;
}

const LOWER_A = 97;
const LOWER_Z = 122;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

function isLowerOrDigit(c: number): boolean {
  return (c >= LOWER_A && c <= LOWER_Z) || (c >= DIGIT_0 && c <= DIGIT_9);
}

function endsWith(text: string, start: number, end: number, suffix: string): boolean {
  const len = suffix.length;
  if (end - start < len) return false;
  for (let i = 0; i < len; i++) if (text.charCodeAt(end - len + i) !== suffix.charCodeAt(i)) return false;
  return true;
}

/**
 * `id`, `_id`, `uuid`, `guid`, or a name ending in `Id`, `ID`, `_id`, `_uuid`, `Uuid` after a
 * lower-case letter or digit (`orderId`, `report_id`; not `paid`, `valid`).
 */
export function idName(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 2 && endsWith(text, start, end, 'id')) return true;
  if (len === 3 && endsWith(text, start, end, '_id')) return true;
  if (len === 4 && (endsWith(text, start, end, 'uuid') || endsWith(text, start, end, 'guid'))) return true;
  for (const suffix of ID_SUFFIXES) {
    if (len > suffix.length && endsWith(text, start, end, suffix) && isLowerOrDigit(text.charCodeAt(end - suffix.length - 1))) return true;
  }
  return false;
}

const ID_SUFFIXES = ['Id', 'ID', '_id', '_uuid', 'Uuid'] as const;

/** Hash of the id: the features stage's `hashRange`, so the id can be looked up in the identity's filter of ids shown to it. */
export function idHash(id: IdRange): number {
  return hashRange(id.text, id.start, id.end);
}

/** The same hash over a whole string (client IPs for the spread count). */
export function textHash(text: string): number {
  return hashString(text);
}

/** Longest all-digit id read as a number (beyond, doubles lose integers). */
const MAX_NUMERIC_DIGITS = 15;

/** The id as a non-negative integer when it is all digits (at most 15), else NaN. */
export function numericId(id: IdRange): number {
  const len = id.end - id.start;
  if (len === 0 || len > MAX_NUMERIC_DIGITS) return NaN;
  let v = 0;
  for (let i = id.start; i < id.end; i++) {
    const c = id.text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return NaN;
    v = v * 10 + (c - DIGIT_0);
  }
  return v;
}
