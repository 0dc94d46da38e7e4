// Where the injection matcher looks: the query string, the path's segments (and the whole path for
// traversal), and request bodies — each value of a JSON document (with MongoDB operator keys) or a
// form — bounded in values, depth and characters per value. Each value that matches comes back with
// its location and parameter name; a value that does not costs one test (injection-match.ts).
import { decodeValue } from './injection-decode';
import { matchDecoded, matchName, matchValue, type ValueMatch } from './injection-match';
import { bodyJson, NOT_JSON } from '../core/body-json';
import { KEY_OPERATOR_RULE, NOSQL_OPERATORS } from './injection-rules';

export type ParamLocation = 'query' | 'path' | 'json' | 'form' | 'body';

export interface ParamHit {
  readonly location: ParamLocation;
  /** Decoded name (`status`, `address.city`, `items[]`, `path[3]` for a path segment, `path` for the whole). */
  readonly name: string;
  readonly match: ValueMatch;
}

export interface ScanLimits {
  /** Values read per request; the rest are skipped (stats.truncated). */
  readonly maxValues: number;
  /** Characters read per value. */
  readonly maxValueChars: number;
  /** JSON nesting followed. */
  readonly maxDepth: number;
}

export interface ScanStats {
  values: number;
  truncated: boolean;
}

const MAX_NAME_CHARS = 64;
/** A `..` segment (also when encoded, `%2e%2e`): the whole path is then read for traversal. */
const DOTS = /^\.{2,}$/;

function decodedName(raw: string): string {
  const name = raw.length > MAX_NAME_CHARS * 3 ? raw.slice(0, MAX_NAME_CHARS * 3) : raw;
  const text = raw.includes('%') || raw.includes('+') ? decodeValue(name, true).text : name;
  return text.length > MAX_NAME_CHARS ? text.slice(0, MAX_NAME_CHARS) : text;
}

function take(stats: ScanStats, limits: ScanLimits): boolean {
  if (stats.values >= limits.maxValues) {
    stats.truncated = true;
    return false;
  }
  stats.values++;
  return true;
}

/** `a=1&b=2` (a query string or a form body); a piece without `=` is a bare value. */
export function scanPairs(text: string, location: ParamLocation, limits: ScanLimits, out: ParamHit[], stats: ScanStats): void {
  let pos = 0;
  while (pos <= text.length) {
    let amp = text.indexOf('&', pos);
    if (amp < 0) amp = text.length;
    if (amp > pos) {
      if (!take(stats, limits)) return;
      const eq = text.indexOf('=', pos);
      const hasValue = eq >= 0 && eq < amp;
      const rawName = hasValue ? text.slice(pos, eq) : '';
      const rawValue = hasValue ? text.slice(eq + 1, amp) : text.slice(pos, amp);
      const byName = rawName === '' ? null : matchName(rawName);
      const byValue = matchValue(rawValue, true, limits.maxValueChars);
      const match = byName === null ? byValue : byValue === null || byName.classes[0]!.score >= byValue.classes[0]!.score ? byName : byValue;
      if (match !== null) out.push({ location, name: rawName === '' ? '(unnamed)' : decodedName(rawName), match });
    }
    pos = amp + 1;
  }
}

/** Each segment of the path; the whole decoded path once more for traversal (`/a/../../etc/passwd`). */
export function scanPath(path: string, limits: ScanLimits, out: ParamHit[], stats: ScanStats): void {
  let index = 0;
  let pos = 1;
  let dotSegment = false;
  while (pos <= path.length) {
    let slash = path.indexOf('/', pos);
    if (slash < 0) slash = path.length;
    index++;
    if (slash > pos) {
      if (!take(stats, limits)) return;
      const segment = path.slice(pos, slash);
      if (DOTS.test(segment) || (segment.includes('%') && DOTS.test(decodeValue(segment, false).text))) dotSegment = true;
      // `+` is a space to many path routers and to the scripts that build attack URLs
      const match = matchValue(segment, true, limits.maxValueChars);
      if (match !== null) out.push({ location: 'path', name: `path[${index}]`, match });
    }
    pos = slash + 1;
  }
  if (!dotSegment) return;
  const decoded = decodeValue(path.length > limits.maxValueChars ? path.slice(0, limits.maxValueChars) : path, false);
  const whole = matchDecoded(decoded.text, decoded.layers);
  const traversal = whole?.classes.filter((c) => c.cls === 'traversal') ?? [];
  if (traversal.length > 0) out.push({ location: 'path', name: 'path', match: { classes: traversal, layers: decoded.layers } });
}

function keyHit(name: string): ParamHit {
  const hit = { rule: KEY_OPERATOR_RULE, source: name, at: 0, len: name.length };
  return { location: 'json', name, match: { classes: [{ cls: 'nosql', score: KEY_OPERATOR_RULE.weight, hits: [hit] }], layers: 0 } };
}

/** Every string value of a JSON document, and every key that is a MongoDB operator. */
export function scanJsonDocument(doc: unknown, limits: ScanLimits, out: ParamHit[], stats: ScanStats): void {
  const visit = (node: unknown, name: string, depth: number): void => {
    if (stats.truncated) return;
    if (typeof node === 'string') {
      if (!take(stats, limits)) return;
      const match = matchValue(node, false, limits.maxValueChars);
      if (match !== null) out.push({ location: 'json', name: name === '' ? '(body)' : name, match });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= limits.maxDepth) {
      stats.truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) visit(item, `${name}[]`, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const keyName = key.length > MAX_NAME_CHARS ? key.slice(0, MAX_NAME_CHARS) : key;
      if (key.startsWith('$') && NOSQL_OPERATORS.has(key.toLowerCase())) {
        out.push(keyHit(name === '' ? keyName : name));
        continue;
      }
      visit(value, name === '' ? keyName : `${name}.${keyName}`, depth + 1);
    }
  };
  visit(doc, '', 0);
}

/**
 * A request body by its content type: JSON (or untyped text that parses as JSON), a form, or plain
 * text / XML as one value. Multipart and binary bodies are not read. `owner` (the transaction) lets
 * the JSON parse be shared with the other consumers that read the same body (core/body-json.ts).
 */
export function scanBody(contentType: string | null, body: Uint8Array, limits: ScanLimits, out: ParamHit[], stats: ScanStats, owner: object = body): void {
  const ct = contentType === null ? '' : contentType.toLowerCase();
  if (ct.includes('multipart/') || ct.includes('octet-stream') || ct.startsWith('image/') || ct.startsWith('audio/') || ct.startsWith('video/')) return;
  if (ct.includes('x-www-form-urlencoded')) {
    scanPairs(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), 'form', limits, out, stats);
    return;
  }
  if (ct.includes('json') || (ct === '' && startsLikeJson(body))) {
    const doc = bodyJson(owner, body);
    if (doc !== NOT_JSON) {
      scanJsonDocument(doc, limits, out, stats);
      return;
    }
  }
  if (ct !== '' && !ct.includes('json') && !ct.startsWith('text/') && !ct.includes('xml')) return;
  // not parseable (cut at the capture bound) or text: one value
  if (!take(stats, limits)) return;
  const match = matchValue(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), false, limits.maxValueChars);
  if (match !== null) out.push({ location: 'body', name: '(body)', match });
}

/** The first byte after leading whitespace opens an object or an array. */
function startsLikeJson(body: Uint8Array): boolean {
  for (const b of body) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}
