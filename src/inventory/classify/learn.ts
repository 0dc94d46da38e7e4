// Parameter and schema learning for one message (issue 4 §2): query string, form and multipart
// bodies, JSON bodies (tolerant bounded walk), header and cookie names; string formats; sensitive
// data counted per field while each value is visited once; credentials in the query string; record
// counts of JSON responses.
import type { Counters } from '../../core/counters';
import type { HttpTransaction } from '../../http/types';
import { classifyAuth, DEFAULT_AUTH_OPTIONS, type AuthOptions } from './auth';
import { inferStringFormat, inferTextType } from './format';
import { walkJson, type ScalarType, type WalkSink } from './json-walk';
import { PiiCounter } from './pii';
import { DEFAULT_PII_OPTIONS, type PiiOptions } from './pii-scan';
import { findUrlCredentials } from './url-credentials';
import type {
  BodyKind,
  Direction,
  MessageClassification,
  ParamLocation,
  ParamObservation,
  TransactionClassification,
  UrlCredential,
  ValueFormat,
  ValueType,
} from './types';

export interface LearnOptions {
  /** JSON containers deeper than this are skipped (root = 0). Default 8. */
  readonly maxDepth: number;
  /** JSON values visited per body; the rest is skipped. Default 5000. */
  readonly maxNodes: number;
  /** Distinct parameters/fields kept per message. Default 256. */
  readonly maxFieldsPerMessage: number;
  /** Query/form pairs read per message. Default 256. */
  readonly maxPairs: number;
  /** Longest kept parameter name / JSON key. Default 64. */
  readonly maxNameLength: number;
  /** Keys of a root object whose arrays hold the records (`{"data":[...]}`). */
  readonly envelopeKeys: readonly string[];
  /** Scan text bodies that are not JSON/form (text/*, xml, html) for sensitive data. Default true. */
  readonly scanTextBodies: boolean;
  /** Request headers that are never reported as header parameters (lower-case). */
  readonly standardHeaders: readonly string[];
  readonly pii: PiiOptions;
  readonly auth: AuthOptions;
}

export const DEFAULT_ENVELOPE_KEYS = [
  'data', 'items', 'results', 'result', 'records', 'rows', 'hits', 'entries', 'content', 'list', 'value',
  'values', 'elements', 'objects', 'docs', 'documents', 'nodes', 'edges', 'payload', 'response',
];

export const DEFAULT_STANDARD_HEADERS = [
  'host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'connection',
  'content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'cookie', 'authorization',
  'cache-control', 'pragma', 'referer', 'origin', 'te', 'upgrade', 'upgrade-insecure-requests', 'expect',
  'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range', 'dnt',
  'keep-alive', 'proxy-connection', 'proxy-authorization', 'via', 'forwarded', 'x-forwarded-for',
  'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'sec-fetch-site',
  'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'priority', 'date', 'trailer',
];

export const DEFAULT_LEARN_OPTIONS: LearnOptions = {
  maxDepth: 8,
  maxNodes: 5000,
  maxFieldsPerMessage: 256,
  maxPairs: 256,
  maxNameLength: 64,
  envelopeKeys: DEFAULT_ENVELOPE_KEYS,
  scanTextBodies: true,
  standardHeaders: DEFAULT_STANDARD_HEADERS,
  pii: DEFAULT_PII_OPTIONS,
  auth: DEFAULT_AUTH_OPTIONS,
};

/** Options with defaults filled (nested `pii`/`auth` merged too). */
export function learnOptions(o: Partial<Omit<LearnOptions, 'pii' | 'auth'>> & { pii?: Partial<PiiOptions>; auth?: Partial<AuthOptions> } = {}): LearnOptions {
  return {
    ...DEFAULT_LEARN_OPTIONS,
    ...o,
    pii: { ...DEFAULT_PII_OPTIONS, ...o.pii },
    auth: { ...DEFAULT_AUTH_OPTIONS, ...o.auth },
  };
}

const TYPE_BIT: Record<ValueType, number> = { integer: 1, number: 2, boolean: 4, string: 8, null: 16, object: 32, array: 64 };
const TYPE_ORDER: readonly ValueType[] = ['integer', 'number', 'boolean', 'string', 'null', 'object', 'array'];

interface FieldAcc {
  location: ParamLocation;
  name: string;
  types: number;
  formats: ValueFormat[];
}

/** Collects the distinct parameters of one message, bounded. */
class ParamSet {
  // One map per location, keyed by the (interned) name: no composite key string per value.
  private readonly byLocation: Record<ParamLocation, Map<string, FieldAcc>> = { query: new Map(), body: new Map(), header: new Map(), cookie: new Map() };
  private size = 0;
  dropped = 0;

  constructor(private readonly max: number) {}

  add(location: ParamLocation, name: string, type: ValueType, format: ValueFormat | null): void {
    const fields = this.byLocation[location];
    let f = fields.get(name);
    if (!f) {
      if (this.size >= this.max) {
        this.dropped++;
        return;
      }
      f = { location, name, types: 0, formats: [] };
      fields.set(name, f);
      this.size++;
    }
    f.types |= TYPE_BIT[type];
    if (format !== null && !f.formats.includes(format) && f.formats.length < 4) f.formats.push(format);
  }

  list(): ParamObservation[] {
    const out: ParamObservation[] = [];
    for (const fields of [this.byLocation.query, this.byLocation.body, this.byLocation.header, this.byLocation.cookie]) {
      for (const f of fields.values()) {
        out.push({ location: f.location, name: f.name, types: typesOf(f.types), formats: f.formats });
      }
    }
    return out;
  }
}

// Type lists by bit set, built once: most fields have one type, so this avoids a filter per field.
const TYPE_LISTS: ValueType[][] = [];
function typesOf(bits: number): ValueType[] {
  let list = TYPE_LISTS[bits];
  if (list === undefined) {
    list = TYPE_ORDER.filter((t) => bits & TYPE_BIT[t]);
    TYPE_LISTS[bits] = list;
  }
  return list;
}

function safeDecode(s: string): string {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** `a=1&b=x&c` → pairs (names and values URL-decoded, `+` as space), at most `max`. */
export function parseUrlEncoded(text: string, max = 256): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  while (pos <= text.length && out.length < max) {
    let amp = text.indexOf('&', pos);
    if (amp < 0) amp = text.length;
    const part = text.slice(pos, amp);
    pos = amp + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    if (name.length > 0) out.push([name, value]);
  }
  return out;
}

function addTextParams(
  pairs: Array<[string, string]>,
  location: ParamLocation,
  params: ParamSet,
  pii: PiiCounter,
  maxName: number,
): void {
  for (const [rawName, value] of pairs) {
    const name = rawName.length > maxName ? rawName.slice(0, maxName) : rawName;
    const type = inferTextType(value);
    params.add(location, name, type, type === 'string' ? inferStringFormat(value) : null);
    pii.scan(location, name, value);
  }
}

const NO_URL_CREDENTIALS: readonly UrlCredential[] = Object.freeze([]);

const utf8 = new TextDecoder('utf-8', { fatal: false });

function mediaType(ct: string | null): string {
  if (ct === null) return '';
  const semi = ct.indexOf(';');
  return (semi >= 0 ? ct.slice(0, semi) : ct).trim().toLowerCase();
}

function isTextual(mt: string): boolean {
  return (
    mt.startsWith('text/') || mt.endsWith('+xml') || mt === 'application/xml' || mt === 'application/javascript' ||
    mt === 'application/graphql' || mt === 'application/x-ndjson' || mt === 'application/csv'
  );
}

function firstNonWs(b: Uint8Array): number {
  for (let i = 0; i < b.length && i < 64; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xef && c !== 0xbb && c !== 0xbf) return c;
  }
  return -1;
}

/** Body kind from the content type, sniffing JSON when the type is absent or generic. */
export function bodyKind(body: Uint8Array | null, contentType: string | null): BodyKind {
  if (body === null || body.length === 0) return 'none';
  const mt = mediaType(contentType);
  if (mt === 'application/x-www-form-urlencoded') {
    // many clients mislabel JSON as form
    const f = firstNonWs(body);
    return f === 123 || f === 91 ? 'json' : 'form';
  }
  if (mt.startsWith('multipart/form-data')) return 'multipart';
  if (mt.endsWith('json') || mt.endsWith('+json')) return 'json';
  const f = firstNonWs(body);
  if ((f === 123 || f === 91) && (mt === '' || isTextual(mt) || mt === 'application/octet-stream')) return 'json';
  if (mt === '' || isTextual(mt)) return 'text';
  return 'binary';
}

const MULTIPART_NAME_RE = /content-disposition:[ \t]*form-data;[^\r\n]*?\bname="([^"\r\n]{1,256})"([^\r\n]*)/gi;

class JsonSink implements WalkSink {
  records = -1;
  recordsComplete = true;

  constructor(
    private readonly params: ParamSet,
    private readonly pii: PiiCounter,
    private readonly envelope: ReadonlySet<string>,
  ) {}

  scalar(path: string, type: ScalarType, value: string): void {
    const name = path === '' ? '(root)' : path;
    this.params.add('body', name, type, type === 'string' ? inferStringFormat(value) : null);
    if (type === 'string' || ((type === 'integer' || type === 'number') && value.length >= 7)) this.pii.scan('body', name, value);
  }

  stray(path: string, text: string): void {
    this.pii.scanText('body', path === '' ? '(body)' : path, text);
  }

  container(path: string, type: 'object' | 'array', length: number, complete: boolean, depth: number): void {
    if (path !== '') this.params.add('body', path, type, null);
    if (type !== 'array' || length < 0) return;
    let counts = depth === 0;
    if (!counts && depth <= 2) {
      // `data`, `data.items`, `hits.hits`: every segment must be an envelope key
      counts = path.split('.').every((seg) => this.envelope.has(seg.toLowerCase()));
    }
    if (counts && length > this.records) {
      this.records = length;
      this.recordsComplete = complete;
    }
  }
}

/** Learns one message body (and, for requests, the query string). */
export function classifyMessage(
  direction: Direction,
  body: Uint8Array | null,
  contentType: string | null,
  query: string | null,
  opts: LearnOptions = DEFAULT_LEARN_OPTIONS,
  counters?: Counters,
  extra?: { headers?: readonly string[]; cookieNames?: readonly string[] },
): MessageClassification {
  const params = new ParamSet(opts.maxFieldsPerMessage);
  const pii = new PiiCounter(opts.pii);
  let depthSkipped = 0;
  let nodeLimit = false;
  let jsonIncomplete = false;
  let recordCount: number | null = null;
  let recordCountComplete = true;
  let urlCredentials: readonly UrlCredential[] = NO_URL_CREDENTIALS;

  if (query !== null && query.length > 0) {
    const pairs = parseUrlEncoded(query, opts.maxPairs);
    addTextParams(pairs, 'query', params, pii, opts.maxNameLength);
    if (direction === 'request') urlCredentials = findUrlCredentials(pairs, opts.auth.apiKeyQueryParams);
  }
  if (extra?.headers) {
    const std = new Set(opts.standardHeaders);
    for (const h of extra.headers) if (!std.has(h)) params.add('header', h, 'string', null);
  }
  if (extra?.cookieNames) for (const c of extra.cookieNames) params.add('cookie', c.slice(0, opts.maxNameLength), 'string', null);

  const kind = bodyKind(body, contentType);
  if (body !== null && kind !== 'none' && kind !== 'binary') {
    const text = utf8.decode(body);
    if (kind === 'form') {
      addTextParams(parseUrlEncoded(text, opts.maxPairs), 'body', params, pii, opts.maxNameLength);
    } else if (kind === 'multipart') {
      MULTIPART_NAME_RE.lastIndex = 0;
      let n = 0;
      for (let m = MULTIPART_NAME_RE.exec(text); m && n < opts.maxPairs; m = MULTIPART_NAME_RE.exec(text), n++) {
        const isFile = /\bfilename=/i.test(m[2] ?? '');
        params.add('body', (m[1] ?? '').slice(0, opts.maxNameLength), 'string', isFile ? 'binary' : null);
      }
    } else if (kind === 'json') {
      const sink = new JsonSink(params, pii, new Set(opts.envelopeKeys));
      const r = walkJson(text, sink, { maxDepth: opts.maxDepth, maxNodes: opts.maxNodes, maxKeyLength: opts.maxNameLength });
      depthSkipped = r.depthSkipped;
      nodeLimit = r.nodeLimit;
      jsonIncomplete = r.incomplete;
      if (direction === 'response' && sink.records >= 0) {
        recordCount = sink.records;
        recordCountComplete = sink.recordsComplete;
      }
    } else if (opts.scanTextBodies) {
      pii.scanText('body', '(body)', text);
    }
  }

  if (counters) {
    if (depthSkipped > 0) counters.inc('inventory.classify.json.depth_skipped', depthSkipped);
    if (nodeLimit) counters.inc('inventory.classify.json.node_limit');
    if (jsonIncomplete) counters.inc('inventory.classify.json.incomplete');
    if (params.dropped > 0) counters.inc('inventory.classify.fields_dropped', params.dropped);
    if (pii.limitHit) counters.inc('inventory.classify.pii.scan_limit');
  }
  return {
    direction,
    bodyKind: kind,
    params: params.list(),
    pii: pii.results(),
    urlCredentials,
    recordCount,
    recordCountComplete,
    limits: { depthSkipped, nodeLimit, fieldsDropped: params.dropped, scanLimit: pii.limitHit, jsonIncomplete },
  };
}

/** Fields of HttpTransaction this stage reads (plus optional extras the HTTP stage may add later). */
export type ClassifiableTransaction = Pick<
  HttpTransaction,
  | 'query' | 'headers' | 'cookieNames' | 'reqBody' | 'reqContentType' | 'respBody' | 'respContentType'
  | 'status' | 'authorization' | 'completeness'
> & {
  /** Credential after the Authorization scheme, if the HTTP stage passes it (never stored). */
  readonly authCredential?: string | null;
  /** JWT `alg` of a bearer token, as the HTTP stage extracts it. */
  readonly authJwtAlg?: string | null;
};

/** Everything this module learns from one transaction. */
export function classifyTransaction(
  tx: ClassifiableTransaction,
  opts: LearnOptions = DEFAULT_LEARN_OPTIONS,
  counters?: Counters,
): TransactionClassification {
  const request = classifyMessage('request', tx.reqBody, tx.reqContentType, tx.query, opts, counters, {
    headers: tx.headers,
    cookieNames: tx.cookieNames,
  });
  const response =
    tx.status === null ? null : classifyMessage('response', tx.respBody, tx.respContentType, null, opts, counters);
  const auth = classifyAuth(tx, opts.auth);
  if (counters) counters.inc(`inventory.classify.auth.${auth.primary}`);
  return { request, response, auth };
}
