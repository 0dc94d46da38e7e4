// Redaction: what a person may see of a sensitive value (`redactedSample`), and body samples
// with detected values replaced by `<kind>` tags (`redactText`, `redactSample`). Split from pii.ts:
// kept samples are redacted here, detection happens in pii-scan.ts.
import { fieldHint, HINT_CREDENTIAL, HINT_PHONE, HINT_SENSITIVE, HINT_SSN, isMaskedValue } from './pii-field-hints';
import { DEFAULT_PII_OPTIONS, findPii, type PiiOptions } from './pii-scan';

/**
 * What a person may see of a sensitive value: at most its first 4 characters and its length
 * (`U2+x…, 44 chars`), 2 for values under 16 characters and none under 8, so the value cannot be
 * recovered from it.
 */
export function redactedSample(value: string): string {
  const len = value.length;
  const shown = len >= 16 ? 4 : len >= 8 ? 2 : 0;
  let head = '';
  for (let i = 0; i < shown; i++) {
    const c = value.charCodeAt(i);
    // a control character or half a surrogate pair would garble the record
    head += c < 32 || c === 127 || (c >= 0xd800 && c <= 0xdfff) ? '?' : value[i];
  }
  return `${head}…, ${len} chars`;
}

/** Replaces each detected value by `<kind>` (`<email>`, `<card>` ...). */
export function redactText(text: string, hint = 0, opts: PiiOptions = DEFAULT_PII_OPTIONS): string {
  const spans = findPii(text, hint, opts).sort((a, b) => a.start - b.start);
  if (spans.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + `<${s.kind}>`;
    pos = s.end;
  }
  return out + text.slice(pos);
}

const KV_STRING_RE = /"([^"\\]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.){0,4096})"/g;

/**
 * Redacts a body sample: detected values everywhere, and the string values of credential /
 * sensitive-named JSON keys (`"password":"<credential-field>"`).
 */
export function redactSample(text: string, opts: PiiOptions = DEFAULT_PII_OPTIONS): string {
  const byName = text.replace(KV_STRING_RE, (all, key: string, colon: string, value: string) => {
    const h = fieldHint(key);
    if (h & HINT_CREDENTIAL && !isMaskedValue(value)) return `"${key}"${colon}"<credential-field>"`;
    if (h & HINT_SENSITIVE && !isMaskedValue(value)) return `"${key}"${colon}"<sensitive-field>"`;
    if (h & (HINT_PHONE | HINT_SSN)) return `"${key}"${colon}"${redactText(value, h, opts)}"`;
    return all;
  });
  return redactText(byName, 0, opts);
}
