// Undoes the encodings attackers wrap payloads in before the injection patterns look at a value:
// URL (and double/triple URL), %uXXXX, \uXXXX and \xXX escapes, HTML entities, and base64 where a
// value has the shape of base64 and decodes to readable text. Each layer found is recorded, since an
// encoded or double-encoded payload is itself part of the explanation. Malformed escapes stay as
// they are (a lone `%` in "50% off" is text), and bytes that are not UTF-8 are read as Latin-1.

export const LAYER_URL = 1;
export const LAYER_DOUBLE_URL = 2;
export const LAYER_UNICODE = 4;
export const LAYER_HTML = 8;
export const LAYER_BASE64 = 16;

/** The layers of a bitmask, named for an analyst. */
export function layerNames(layers: number): string[] {
  const names: string[] = [];
  if (layers & LAYER_URL) names.push('URL');
  if (layers & LAYER_DOUBLE_URL) names.push('double URL');
  if (layers & LAYER_UNICODE) names.push('unicode escapes');
  if (layers & LAYER_HTML) names.push('HTML entities');
  if (layers & LAYER_BASE64) names.push('base64');
  return names;
}

export interface Decoded {
  readonly text: string;
  readonly layers: number;
}

const PERCENT = /%(?:[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/;
const BACKSLASH_ESCAPE = /\\(?:u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2})/;
const BACKSLASH_ESCAPES = /\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|x([0-9a-fA-F]{2}))/g;
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?/;
const ENTITIES = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));?/g;
/** Standard or URL-safe base64, padded or not: long enough that a word or an id rarely has the shape. */
const BASE64_SHAPE = /^[A-Za-z0-9+/_-]{12,}={0,2}$/;
const HAS_LOWER = /[a-z]/;
const HAS_UPPER = /[A-Z]/;
/** Percent-decoding rounds: URL, then double, then triple encoding. */
const MAX_URL_ROUNDS = 3;

const NAMED: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', nbsp: ' ', sol: '/', bsol: '\\', colon: ':', semi: ';',
  lpar: '(', rpar: ')', lbrace: '{', rbrace: '}', lsqb: '[', rsqb: ']', equals: '=', num: '#', period: '.',
  comma: ',', excl: '!', grave: '`', tab: '\t', newline: '\n', plus: '+', percnt: '%', dollar: '$', ast: '*', vert: '|',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hexAt(s: string, at: number, digits: number): number {
  let v = 0;
  for (let i = 0; i < digits; i++) {
    const h = hexValue(s.charCodeAt(at + i));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

function pushUtf8(bytes: number[], text: string): void {
  for (const b of Buffer.from(text, 'utf8')) bytes.push(b);
}

/** One round of percent-decoding (`+` as space when asked); %uXXXX sets `unicode.found`. */
export function percentDecode(s: string, plusIsSpace: boolean, unicode?: { found: boolean }): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const b = hexAt(s, i + 1, 2);
      if (b >= 0) {
        bytes.push(b);
        i += 2;
        continue;
      }
      if ((s.charCodeAt(i + 1) | 0x20) === 0x75) {
        const u = hexAt(s, i + 2, 4);
        if (u >= 0) {
          pushUtf8(bytes, String.fromCharCode(u));
          if (unicode) unicode.found = true;
          i += 5;
          continue;
        }
      }
      bytes.push(c);
    } else if (c === 0x2b && plusIsSpace) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else pushUtf8(bytes, s[i] ?? '');
  }
  const buf = Uint8Array.from(bytes);
  try {
    return utf8.decode(buf);
  } catch {
    return Buffer.from(buf).toString('latin1');
  }
}

function unescapeBackslashes(s: string): string {
  return s.replace(BACKSLASH_ESCAPES, (_m, u4: string | undefined, ux: string | undefined, x2: string | undefined) => {
    const code = parseInt(u4 ?? ux ?? x2 ?? '0', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

function unescapeEntities(s: string): string {
  return s.replace(ENTITIES, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name.toLowerCase()] ?? m;
    const code = dec !== undefined ? parseInt(dec, 10) : parseInt(hex ?? '0', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** Readable text: printable ASCII or common whitespace, nearly all of it. */
function readable(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  let ok = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) ok++;
  return ok >= bytes.length * 0.95;
}

/** The text a base64-shaped value decodes to, or null when it is not base64 of readable text. */
export function base64Text(s: string): string | null {
  // both cases: all-lower words and all-digit ids do not qualify (the readable test does the rest)
  if (!BASE64_SHAPE.test(s) || !HAS_LOWER.test(s) || !HAS_UPPER.test(s)) return null;
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return readable(bytes) ? bytes.toString('latin1') : null;
}

function unwrap(s: string, plusIsSpace: boolean, layers: number): Decoded {
  let text = s;
  const unicode = { found: false };
  if (plusIsSpace && !PERCENT.test(text) && text.includes('+')) text = text.replace(/\+/g, ' ');
  for (let round = 0; round < MAX_URL_ROUNDS && PERCENT.test(text); round++) {
    text = percentDecode(text, plusIsSpace && round === 0, unicode);
    layers |= round === 0 ? LAYER_URL : LAYER_DOUBLE_URL;
  }
  if (unicode.found) layers |= LAYER_UNICODE;
  if (BACKSLASH_ESCAPE.test(text)) {
    text = unescapeBackslashes(text);
    layers |= LAYER_UNICODE;
  }
  if (ENTITY.test(text)) {
    text = unescapeEntities(text);
    layers |= LAYER_HTML;
  }
  return { text, layers };
}

/**
 * The value with every encoding layer removed. `plusIsSpace` for query strings and form bodies.
 * Base64 is tried on the URL-decoded value; its text is decoded again (a payload may nest encodings).
 */
export function decodeValue(raw: string, plusIsSpace: boolean): Decoded {
  const first = unwrap(raw, plusIsSpace, 0);
  const b64 = base64Text(first.text.trim());
  if (b64 === null) return first;
  return unwrap(b64, false, first.layers | LAYER_BASE64);
}
