// Sensitive-data detection in values (issue 4 §2): emails, phones, payment cards, US SSN, CN
// resident id, IBAN, JWTs, API keys/secrets, private IPs. Cheap per-value statistics decide which
// linear, bounded regexes run; each match names its rule (validators: pii-validators.ts).
// Entropy alone is weak evidence: in free text (HTML, text bodies, text inside a value) a
// high-entropy token counts only when it is assigned to a credential name (`api_key=…`,
// `"secret": "…"`, `<input name="token" value="…">`) or follows an auth scheme (`Bearer …`);
// site-verification meta tags, subresource integrity hashes, nonces and CSRF tokens are public by
// design and never count.
import { decodeJwtHeader, mixedClasses } from './format';
import { fieldHint, HINT_CREDENTIAL, HINT_FREE_TEXT, HINT_PHONE, HINT_PUBLIC_TOKEN, HINT_SSN } from './pii-field-hints';
import { IBAN_LENGTHS, isCardNumber, isCnResidentId, isIban, isPrivateIpv4, isPrivateIpv6, isValidSsn, shannonBits } from './pii-validators';
import type { PiiKind, PiiRule } from './types';

export interface PiiOptions {
  /** Flag high-entropy tokens (no known prefix) as secrets. Default true. */
  readonly entropySecrets: boolean;
  /** Shortest high-entropy token considered. Default 32. */
  readonly entropyMinLength: number;
  /** Longest one (longer runs are data blobs, not keys). Default 256. */
  readonly entropyMaxLength: number;
  /** Minimum Shannon entropy, bits per character. Default 4.3. */
  readonly entropyMinBits: number;
  /** Longest prefix of one value that is scanned. Default 16384. */
  readonly maxValueChars: number;
  /** Scan budget per message (characters); values after it are not scanned (counted). Default 65536. */
  readonly maxScanChars: number;
  /** Count `credential-field` / `sensitive-field` from field names. Default true. */
  readonly fieldNameKinds: boolean;
}

export const DEFAULT_PII_OPTIONS: PiiOptions = {
  entropySecrets: true,
  entropyMinLength: 32,
  entropyMaxLength: 256,
  entropyMinBits: 4.3,
  maxValueChars: 16384,
  maxScanChars: 65536,
  fieldNameKinds: true,
};

export interface PiiSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: PiiKind;
  readonly rule: PiiRule;
}

// ---------------------------------------------------------------------------------------------
// Scanners (all global regexes are reset through `lastIndex = 0` before use)

const JWT_RE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SECRET_RE =
  /(?<![A-Za-z0-9])(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}|xox[baprs]-[A-Za-z0-9-]{10,250}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,64}|-----BEGIN (?:[A-Z]{2,10} )?PRIVATE KEY-----)(?![A-Za-z0-9])/g;
const EMAIL_DOMAIN_RE = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-])/y;
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'css', 'js', 'ico', 'bmp', 'tif', 'tiff', 'avif']);
const IBAN_RE = /(?<![A-Za-z0-9])([A-Z]{2})(\d{2})((?: ?[A-Z0-9]){11,30})/g;
const CARD_RE = /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?![\w+-]|\.\d)/g;
const CNID_RE = /(?<![\w-])[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\w-])/g;
const SSN_RE = /(?<![\w-])(\d{3})([ -])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const E164_RE = /(?<![\w+])\+[1-9][\d ().-]{6,22}\d(?![\w]|\.\d)/g;
const US_PHONE_RE = /(?<![\w-])(?:\((\d{3})\) ?|(\d{3})[-. ])(\d{3})[-. ](\d{4})(?![\w-]|\.\d)/g;
const PHONE_WHOLE_RE = /^\+?[\d ().-]{7,24}$/;
const IPV4_RE = /(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)/g;
const IPV6_RE = /(?<![\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]{1,38}(?:%[A-Za-z0-9.]{1,16})?(?![\w:])/g;
// `=` only as base64 padding, so `api_key=TOKEN` is a name and a token, not one token
const TOKEN_RE = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g;
const B64_TEXT_RE = /^[A-Za-z0-9+/]+={0,2}$/;
/** Subresource integrity (`sha384-…`): a public hash of a script, not a key. */
const SRI_RE = /^sha(?:256|384|512)-/;

/** The rule of a `SECRET_RE` match, from its prefix. */
export function secretRuleOf(match: string): PiiRule {
  const c = match.charCodeAt(0);
  if (c === 45 /* - */) return 'private-key-pem';
  if (match.startsWith('AIza')) return 'google-api-key';
  if (c === 65 /* A */) return 'aws-access-key';
  if (match.startsWith('gh') || match.startsWith('github_pat_')) return 'github-token';
  if (match.startsWith('xox')) return 'slack-token';
  if (match.startsWith('glpat-')) return 'gitlab-token';
  return 'stripe-key';
}

/**
 * The credential format of a whole value, if it has one: a JWT (with a decodable header) or a
 * vendor key format. Used for values that are credentials by format wherever they appear (URLs).
 */
export function credentialFormat(value: string): { readonly kind: PiiKind; readonly rule: PiiRule } | null {
  if (value.length < 20) return null;
  if (value.includes('eyJ')) {
    JWT_RE.lastIndex = 0;
    for (let m = JWT_RE.exec(value); m; m = JWT_RE.exec(value)) if (decodeJwtHeader(m[0]) !== null) return { kind: 'jwt', rule: 'jwt' };
  }
  SECRET_RE.lastIndex = 0;
  const m = SECRET_RE.exec(value);
  return m ? { kind: 'secret', rule: secretRuleOf(m[0]) } : null;
}

class SpanList {
  readonly spans: PiiSpan[] = [];
  add(start: number, end: number, kind: PiiKind, rule: PiiRule): boolean {
    for (const s of this.spans) if (start < s.end && s.start < end) return false;
    this.spans.push({ start, end, kind, rule });
    return true;
  }
}

const ASSIGN_NAME_RE = /[A-Za-z0-9_.-]/;
/** In an HTML tag, the `name=` (or `id=`, `property=`) that a `value=` / `content=` attribute belongs to. */
const TAG_NAME_RE = /\b(?:name|id|property)\s*=\s*["']?([^"'\s>]{1,64})/i;

/**
 * The name a token at `start` is assigned to in free text (`api_key=TOKEN`, `"secret": "TOKEN"`,
 * `token => 'TOKEN'`, `<input name="api_key" value="TOKEN">`), or null when it is not assigned.
 */
export function assignedName(t: string, start: number): string | null {
  let i = start;
  const quote = (c: string | undefined): boolean => c === '"' || c === "'" || c === '`';
  if (quote(t[i - 1])) i--;
  const spaces = (): void => {
    for (let k = 0; k < 8 && (t[i - 1] === ' ' || t[i - 1] === '\t'); k++) i--;
  };
  spaces();
  if (t[i - 1] === '>' && t[i - 2] === '=') i -= 2;
  else if (t[i - 1] === '=' || t[i - 1] === ':') i--;
  else return null;
  if (t[i - 1] === ':') i--; // `:=`
  spaces();
  if (quote(t[i - 1])) i--;
  const end = i;
  while (i > 0 && end - i < 64 && ASSIGN_NAME_RE.test(t[i - 1] ?? '')) i--;
  if (i === end) return null;
  const name = t.slice(i, end);
  const lower = name.toLowerCase();
  if (lower !== 'value' && lower !== 'content') return name;
  const open = t.lastIndexOf('<', i);
  if (open < 0 || i - open > 512) return null;
  return TAG_NAME_RE.exec(t.slice(open, i))?.[1] ?? null;
}

const AUTH_SCHEME_BEFORE_RE = /\b(?:bearer|basic|token)[ \t]{1,4}$/i;

/** A high-entropy token in free text is a secret only when assigned to a credential name or after an auth scheme. */
function assignedToCredential(t: string, start: number): boolean {
  if (AUTH_SCHEME_BEFORE_RE.test(t.slice(Math.max(0, start - 12), start))) return true;
  const name = assignedName(t, start);
  if (name === null) return false;
  const h = fieldHint(name);
  return (h & HINT_CREDENTIAL) !== 0 && (h & HINT_PUBLIC_TOKEN) === 0;
}

function scanEmails(t: string, out: SpanList): void {
  let at = t.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64) {
      const c = t.charCodeAt(s - 1);
      const ok =
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
      if (!ok) break;
      s--;
    }
    while (s < at && t.charCodeAt(s) === 46) s++;
    if (s < at && t.charCodeAt(at - 1) !== 46) {
      EMAIL_DOMAIN_RE.lastIndex = at + 1;
      const m = EMAIL_DOMAIN_RE.exec(t);
      if (m && !FILE_TLDS.has((m[1] ?? '').toLowerCase())) {
        out.add(s, at + 1 + m[0].length, 'email', 'email');
        at = t.indexOf('@', at + 1 + m[0].length);
        continue;
      }
    }
    at = t.indexOf('@', at + 1);
  }
}

function scanCards(t: string, out: SpanList): void {
  CARD_RE.lastIndex = 0;
  for (let m = CARD_RE.exec(t); m; m = CARD_RE.exec(t)) {
    const raw = m[0];
    let digits = raw;
    if (raw.length > 19 || /[ -]/.test(raw)) {
      const groups = raw.split(/[ -]/);
      const seps = raw.replace(/\d/g, '');
      if (seps.length > 0 && (seps !== seps[0]!.repeat(seps.length) || groups[0]?.length !== 4 || groups.some((g) => g.length < 3 || g.length > 6)))
        continue;
      digits = groups.join('');
    }
    if (isCardNumber(digits)) out.add(m.index, m.index + raw.length, 'card', 'luhn-card');
  }
}

function scanIbans(t: string, out: SpanList): void {
  IBAN_RE.lastIndex = 0;
  for (let m = IBAN_RE.exec(t); m; m = IBAN_RE.exec(t)) {
    const len = IBAN_LENGTHS[m[1] ?? ''];
    if (len === undefined) continue;
    // Take exactly `len` alphanumerics (spaces allowed between them).
    let n = 0;
    let end = m.index;
    let compact = '';
    while (end < t.length && n < len) {
      const c = t[end]!;
      if (c !== ' ') {
        compact += c;
        n++;
      }
      end++;
    }
    if (n === len && isIban(compact) && !/[A-Za-z0-9]/.test(t[end] ?? '')) out.add(m.index, end, 'iban', 'iban-mod97');
  }
}

function scanPhones(t: string, hint: number, out: SpanList): void {
  if (hint & HINT_PHONE) {
    const v = t.trim();
    if (PHONE_WHOLE_RE.test(v)) {
      const d = v.replace(/\D/g, '').length;
      if (d >= 7 && d <= 15) {
        const off = t.indexOf(v);
        out.add(off, off + v.length, 'phone', 'phone-field');
        return;
      }
    }
  }
  if (t.includes('+')) {
    E164_RE.lastIndex = 0;
    for (let m = E164_RE.exec(t); m; m = E164_RE.exec(t)) {
      const raw = m[0];
      const d = raw.replace(/\D/g, '').length;
      if (d < 8 || d > 15 || /[ .-]{2}/.test(raw.replace(/ ?\( ?| ?\) ?/g, ''))) continue;
      out.add(m.index, m.index + raw.length, 'phone', 'e164-phone');
    }
  }
  US_PHONE_RE.lastIndex = 0;
  for (let m = US_PHONE_RE.exec(t); m; m = US_PHONE_RE.exec(t)) {
    const area = m[1] ?? m[2] ?? '';
    const exch = m[3] ?? '';
    const nanp = area[0] !== '0' && area[0] !== '1' && exch[0] !== '0' && exch[0] !== '1';
    if (!nanp && !(hint & HINT_PHONE)) continue;
    // "555.123.4567"-style only with a consistent separator
    out.add(m.index, m.index + m[0].length, 'phone', 'nanp-phone');
  }
}

function scanIps(t: string, hasDot: boolean, hasColon: boolean, out: SpanList): void {
  if (hasDot) {
    IPV4_RE.lastIndex = 0;
    for (let m = IPV4_RE.exec(t); m; m = IPV4_RE.exec(t)) {
      if (isPrivateIpv4(m[0])) out.add(m.index, m.index + m[0].length, 'private-ip', 'private-ipv4');
    }
  }
  if (hasColon) {
    IPV6_RE.lastIndex = 0;
    for (let m = IPV6_RE.exec(t); m; m = IPV6_RE.exec(t)) {
      const c = m[0];
      const l = c.charCodeAt(0) | 0x20;
      if (c.startsWith('::1') || l === 102 /* f */) {
        if (isPrivateIpv6(c)) out.add(m.index, m.index + c.length, 'private-ip', 'private-ipv6');
      }
    }
  }
}

function looksLikeText(b64: string): boolean {
  if (b64.length % 4 !== 0 || !B64_TEXT_RE.test(b64)) return false;
  const bytes = Buffer.from(b64, 'base64');
  let printable = 0;
  for (const b of bytes) if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable++;
  return bytes.length > 0 && printable / bytes.length > 0.95;
}

/** High-entropy token that is not a hex digest, UUID, path, identifier or base64-encoded text. */
export function isHighEntropySecret(tok: string, opts: PiiOptions = DEFAULT_PII_OPTIONS): boolean {
  if (tok.length < opts.entropyMinLength || tok.length > opts.entropyMaxLength) return false;
  if (/^[0-9a-fA-F-]+$/.test(tok) || SRI_RE.test(tok)) return false;
  if (!mixedClasses(tok)) return false;
  const pieces = tok.split(/[-_/+=]+/).filter((p) => p.length > 0);
  if (pieces.length > 1) {
    const words = pieces.filter((p) => p.length >= 3 && /^[A-Za-z]+$/.test(p)).length;
    if (words * 2 >= pieces.length) return false;
  }
  // camelCase / PascalCase identifiers: mostly words of 4+ letters
  let wordChars = 0;
  for (const w of tok.match(/[A-Z]?[a-z]{3,}/g) ?? []) if (w.length >= 4) wordChars += w.length;
  if (wordChars * 2 >= tok.length) return false;
  const minBits = Math.min(opts.entropyMinBits, Math.log2(tok.length) - 0.5);
  if (shannonBits(tok) < minBits) return false;
  return !looksLikeText(tok);
}

/**
 * Sensitive values in one string. `hint` is `fieldHint(name)` of its field (0 when unknown); it lets
 * bare digit strings count as phones / SSNs and relaxes the NANP check for `phone`/`mobile` fields.
 * With `HINT_FREE_TEXT` (an HTML or text body) a high-entropy token needs an assignment context even
 * when it is the whole text; with `HINT_PUBLIC_TOKEN` (a nonce, CSRF or integrity field) entropy never counts.
 */
export function findPii(t: string, hint = 0, opts: PiiOptions = DEFAULT_PII_OPTIONS): PiiSpan[] {
  const n = t.length;
  if (n < 7) return [];
  let digits = 0;
  let upper = false;
  let lower = false;
  let hasAt = false;
  let hasDot = false;
  let hasColon = false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c === 64) hasAt = true;
    else if (c === 46) hasDot = true;
    else if (c === 58) hasColon = true;
  }
  const out = new SpanList();
  if (n >= 20) {
    if (t.includes('eyJ')) {
      JWT_RE.lastIndex = 0;
      for (let m = JWT_RE.exec(t); m; m = JWT_RE.exec(t)) {
        if (decodeJwtHeader(m[0]) !== null) out.add(m.index, m.index + m[0].length, 'jwt', 'jwt');
      }
    }
    SECRET_RE.lastIndex = 0;
    for (let m = SECRET_RE.exec(t); m; m = SECRET_RE.exec(t)) out.add(m.index, m.index + m[0].length, 'secret', secretRuleOf(m[0]));
  }
  if (hasAt) scanEmails(t, out);
  if (upper && digits >= 4 && n >= 15) scanIbans(t, out);
  if (digits >= 13) scanCards(t, out);
  if (digits >= 17) {
    CNID_RE.lastIndex = 0;
    for (let m = CNID_RE.exec(t); m; m = CNID_RE.exec(t)) {
      if (isCnResidentId(m[0])) out.add(m.index, m.index + 18, 'national-id', 'cn-resident-id');
    }
  }
  if (digits >= 9) {
    SSN_RE.lastIndex = 0;
    for (let m = SSN_RE.exec(t); m; m = SSN_RE.exec(t)) {
      if (isValidSsn(m[1] ?? '', m[3] ?? '', m[4] ?? '')) out.add(m.index, m.index + m[0].length, 'ssn', 'us-ssn');
    }
    if (hint & HINT_SSN) {
      const v = t.trim();
      if (/^\d{9}$/.test(v) && isValidSsn(v.slice(0, 3), v.slice(3, 5), v.slice(5))) {
        const off = t.indexOf(v);
        out.add(off, off + 9, 'ssn', 'ssn-field');
      }
    }
  }
  if (digits >= 7) scanPhones(t, hint, out);
  if (digits >= 2 && (hasDot || hasColon)) scanIps(t, hasDot && digits >= 4, hasColon, out);
  if (opts.entropySecrets && n >= opts.entropyMinLength && upper && lower && digits > 0 && !(hint & HINT_PUBLIC_TOKEN)) {
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(t); m; m = TOKEN_RE.exec(t)) {
      if (!isHighEntropySecret(m[0], opts)) continue;
      // a field whose whole value is the token: the field is the context; inside text, an assignment must be
      const whole = m.index === 0 && m[0].length === n && !(hint & HINT_FREE_TEXT);
      if (whole) out.add(m.index, m.index + m[0].length, 'secret', 'high-entropy-token');
      else if (assignedToCredential(t, m.index)) out.add(m.index, m.index + m[0].length, 'secret', 'secret-assignment');
    }
  }
  return out.spans;
}
