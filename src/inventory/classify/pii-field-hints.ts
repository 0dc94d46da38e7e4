// Field-name hints for sensitive-data detection: what a field's name says its value may be (a phone,
// an SSN, a credential, a public token), cached per name, and the placeholder values (`****`,
// `[REDACTED]`) that carry nothing. Split from pii.ts: names are judged apart from values.
export const HINT_PHONE = 1;
export const HINT_SSN = 2;
export const HINT_CREDENTIAL = 4;
export const HINT_SENSITIVE = 8;
/** Field holds a token that is public by design (nonce, CSRF token, SRI hash, site verification). */
export const HINT_PUBLIC_TOKEN = 16;
/** Not a field value but free text (HTML or text body): entropy needs an assignment context. */
export const HINT_FREE_TEXT = 32;

const CREDENTIAL_EXACT = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'apikey', 'xapikey', 'apitoken',
  'accesskey', 'secretkey', 'privatekey', 'clientsecret', 'apisecret', 'accesstoken', 'refreshtoken',
  'authtoken', 'idtoken', 'sessiontoken', 'bearertoken', 'secretaccesskey', 'awssecretaccesskey',
]);
const CREDENTIAL_SUFFIX = ['password', 'passwd', 'secret', 'apikey', 'token', 'privatekey', 'secretkey'];
const NOT_CREDENTIAL = ['page', 'cursor', 'next', 'prev', 'csrf', 'xsrf', 'type', 'expir', 'length', 'count', 'hint', 'reset', 'url', 'policy'];
const SENSITIVE_PARTS = [
  'creditcard', 'cardnumber', 'cardnum', 'cardno', 'ccnumber', 'ccnum', 'idcard', 'nationalid', 'passport',
  'socialsecurity', 'taxid', 'iban', 'cvv', 'cvc', 'driverslicense', 'dateofbirth',
];
const SENSITIVE_EXACT = new Set(['ssn', 'pan', 'dob', 'sin', 'nino']);
const PHONE_PARTS = ['phone', 'mobile', 'msisdn', 'fax', 'telephone'];
const PHONE_EXACT = new Set(['tel', 'cell', 'cellular']);
const PUBLIC_TOKEN_PARTS = ['nonce', 'csrf', 'xsrf', 'integrity', 'verification', 'verify', 'msvalidate', 'authenticity'];
/** Form fields of web frameworks that carry the CSRF token (Laravel `_token`, Rails `authenticity_token`). */
const CSRF_FIELD_NAMES = new Set(['_token', 'authenticity_token', '__requestverificationtoken', 'csrfmiddlewaretoken', '_csrf']);

const hintCache = new Map<string, number>();

/** Normalised last segment of a field name or JSON path: `user.idCard_num` → `idcardnum`. */
export function normaliseFieldName(field: string): string {
  const dot = field.lastIndexOf('.');
  const last = dot >= 0 ? field.slice(dot + 1) : field;
  return last.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Hint bits for a field name (cached). */
export function fieldHint(field: string): number {
  const cached = hintCache.get(field);
  if (cached !== undefined) return cached;
  const n = normaliseFieldName(field);
  let h = 0;
  if (n.length > 0) {
    if (PHONE_EXACT.has(n) || PHONE_PARTS.some((p) => n.includes(p))) h |= HINT_PHONE;
    if (n === 'ssn' || n.endsWith('ssn') || n.includes('socialsecurity')) h |= HINT_SSN;
    if (
      (CREDENTIAL_EXACT.has(n) || CREDENTIAL_SUFFIX.some((s) => n.endsWith(s))) &&
      !NOT_CREDENTIAL.some((p) => n.includes(p))
    )
      h |= HINT_CREDENTIAL;
    if (SENSITIVE_EXACT.has(n) || SENSITIVE_PARTS.some((p) => n.includes(p))) h |= HINT_SENSITIVE;
    if (PUBLIC_TOKEN_PARTS.some((p) => n.includes(p)) || CSRF_FIELD_NAMES.has(field.toLowerCase())) h |= HINT_PUBLIC_TOKEN;
  }
  if (hintCache.size >= 4096) hintCache.clear();
  hintCache.set(field, h);
  return h;
}

const MASKED_RE = /^(?:[*xX•#.\-_ ]+|redacted|\[redacted\]|<redacted>|hidden|null|none|nan|n\/a|undefined)$/i;

/** Placeholder values that carry nothing (`****`, `[REDACTED]`, `null`). */
export function isMaskedValue(v: string): boolean {
  return v.length === 0 || (v.length <= 64 && MASKED_RE.test(v));
}
