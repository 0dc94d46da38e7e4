// The one text the payload model reads for a request, built the same way for training (CSIC raw
// requests, HttpParamsDataset values placed in requests), `tapwatch classify` and live traffic:
// `METHOD path?query` percent-decoded once, then a newline and the body prefix. JSON bodies are
// flattened to the `key=value&...` shape of form bodies so a JSON API reads like the forms the model
// was trained on. Headers are left out: CSIC's are constant, so the model could learn nothing from them.
import type { HttpTransaction } from '../../http/types';

/** Bumped whenever the text of a request changes: a model is scored only with the text it was trained on. */
export const REQUEST_TEXT_VERSION = 'text-v1';
/** Characters of text kept (the model reads at most its own maxLen of them). */
export const MAX_TEXT_CHARS = 1024;
/** Body bytes read before flattening. */
export const BODY_PREFIX_BYTES = 2048;
/** JSON values flattened per body, and nesting followed. */
const MAX_JSON_VALUES = 128;
const MAX_JSON_DEPTH = 8;

export interface RequestParts {
  readonly method: string;
  /** The request target: origin form (`/a?b=1`) or absolute form (`http://h/a?b=1`). */
  readonly target: string;
  readonly contentType: string | null;
  readonly body: Uint8Array | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Bytes as UTF-8 when they are, else Latin-1 (CSIC encodes its Spanish forms in Latin-1). */
function bytesToText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** One round of percent-decoding (`+` as a space in queries and forms); malformed escapes stay. */
export function percentDecodeOnce(text: string, plusIsSpace: boolean): string {
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length && hex(text.charCodeAt(i + 1)) >= 0 && hex(text.charCodeAt(i + 2)) >= 0) {
      bytes.push(hex(text.charCodeAt(i + 1)) * 16 + hex(text.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) {
      bytes.push(0x20);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(text[i] as string, 'utf8')) bytes.push(b);
    }
  }
  return bytesToText(Uint8Array.from(bytes));
}

/** Path and query of a target in origin or absolute form (`http://host:port/p?q` → `/p`, `q`). */
export function splitTarget(target: string): { path: string; query: string | null } {
  let rest = target;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q < 0 ? { path: rest, query: null } : { path: rest.slice(0, q), query: rest.slice(q + 1) };
}

/** A JSON document as `a=1&b.c=x&items=1&items=2`: keys joined by dots, arrays repeat their key. */
export function flattenJson(doc: unknown): string {
  const pairs: string[] = [];
  const visit = (node: unknown, key: string, depth: number): void => {
    if (pairs.length >= MAX_JSON_VALUES) return;
    if (node !== null && typeof node === 'object') {
      if (depth >= MAX_JSON_DEPTH) return;
      if (Array.isArray(node)) {
        for (const item of node) visit(item, key, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) visit(v, key === '' ? k : `${key}.${k}`, depth + 1);
      return;
    }
    pairs.push(`${key}=${node === null ? 'null' : String(node as string | number | boolean)}`);
  };
  visit(doc, '', 0);
  return pairs.join('&');
}

function startsLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/** The body as text: a form decoded once, JSON flattened, other text as it is; multipart and binary bodies give ''. */
export function bodyText(contentType: string | null, body: Uint8Array | null): string {
  if (body === null || body.length === 0) return '';
  const ct = contentType === null ? '' : contentType.toLowerCase();
  if (ct.includes('multipart/') || ct.includes('octet-stream') || ct.startsWith('image/') || ct.startsWith('audio/') || ct.startsWith('video/')) return '';
  const full = body.length <= BODY_PREFIX_BYTES;
  const text = bytesToText(full ? body : body.subarray(0, BODY_PREFIX_BYTES));
  if (ct.includes('x-www-form-urlencoded')) return percentDecodeOnce(text, true);
  if (ct.includes('json') || ((ct === '' || ct.startsWith('text/')) && startsLikeJson(text))) {
    if (full) {
      try {
        return flattenJson(JSON.parse(text) as unknown);
      } catch {
        // not JSON after all: read as text below
      }
    }
    return text;
  }
  // untyped `a=1&b=2` is how many clients send forms
  if (ct === '' && /^[^\s=&]+=[^\s]*$/.test(text.slice(0, 256))) return percentDecodeOnce(text, true);
  return text;
}

/** Parameter names whose values are secrets: random by design, so the model reads only their punctuation. */
const SECRET_NAME = /(?:^|[._-])(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?token|auth|key|otp|pin)$/i;
const LETTERS_AND_DIGITS = /[\p{L}\p{N}]+/gu;

/**
 * `a=1&password=Summer2024!` → `a=1&password=x!`: the letters and digits of secret values become one
 * `x` per run, so a password or API key is neither learned nor mistaken for a payload, while the
 * quotes and operators of an injection through a password field stay.
 */
export function maskSecrets(pairs: string): string {
  if (!/pass|pwd|secret|token|key|auth|otp|pin/i.test(pairs)) return pairs;
  return pairs
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || !SECRET_NAME.test(pair.slice(0, eq))) return pair;
      return `${pair.slice(0, eq + 1)}${pair.slice(eq + 1).replace(LETTERS_AND_DIGITS, 'x')}`;
    })
    .join('&');
}

/** The canonical text of a request (see the file comment), at most MAX_TEXT_CHARS characters. */
export function requestText(parts: RequestParts): string {
  const { path, query } = splitTarget(parts.target);
  let text = `${parts.method.toUpperCase()} ${percentDecodeOnce(path, false)}`;
  if (query !== null && query !== '') text += `?${maskSecrets(percentDecodeOnce(query, true))}`;
  if (text.length < MAX_TEXT_CHARS) {
    const body = bodyText(parts.contentType, parts.body);
    if (body !== '') text += `\n${maskSecrets(body)}`;
  }
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

/** A path with nothing a payload needs: no query, no odd characters, no `..`. */
const PLAIN_PATH = /^[A-Za-z0-9_.,~@/:-]*$/;

/** Whether a transaction carries something to score: a query, a body, or a path with odd characters. */
export function hasPayload(tx: HttpTransaction): boolean {
  if (tx.method === null || tx.uri === null) return false;
  if (tx.query !== null && tx.query !== '') return true;
  if (tx.reqBodyLen > 0) return true;
  const path = tx.path ?? '';
  return !PLAIN_PATH.test(path) || path.includes('..');
}

/**
 * The text of a transaction; reads the body (decompressing it on first read) only when it is at
 * most `maxBodyBytes` long. Null when the transaction has no request line.
 */
export function transactionText(tx: HttpTransaction, maxBodyBytes: number): string | null {
  if (tx.method === null || tx.uri === null) return null;
  const body = tx.reqBodyLen > 0 && tx.reqBodyLen <= maxBodyBytes ? tx.reqBody : null;
  return requestText({ method: tx.method, target: tx.uri, contentType: tx.reqContentType, body });
}
