// Type and format inference for scalar values (query/form text, JSON strings). Cheap checks first
// (length, first character), anchored regexes without nested quantifiers.
import { decodeJwtHeader, type JwtHeader } from '../../core/jwt';
import { isIPv4, isIPv6 } from 'node:net';
import type { ValueFormat, ValueType } from './types';

const INT_RE = /^-?(?:0|[1-9]\d{0,30})$/;
const NUM_RE = /^-?(?:0|[1-9]\d{0,30})(?:\.\d{1,30})?(?:[eE][+-]?\d{1,4})?$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})?$/;
const EMAIL_RE = /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}$/;
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/[^\s/?#]+[^\s]*$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
const B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[m - 1] ?? 0);
}

/** Type of a textual value (query/form/header): digits are integers, `true`/`false` booleans. */
export function inferTextType(v: string): ValueType {
  if (v.length === 0 || v.length > 40) return 'string';
  const c = v.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45) {
    if (INT_RE.test(v)) return 'integer';
    if (NUM_RE.test(v)) return 'number';
    return 'string';
  }
  if (v === 'true' || v === 'false') return 'boolean';
  return 'string';
}

export function isEmail(v: string): boolean {
  return v.length >= 6 && v.length <= 254 && v.includes('@') && EMAIL_RE.test(v);
}

/** Format of a string value, or null. */
export function inferStringFormat(v: string): ValueFormat | null {
  const n = v.length;
  if (n < 7 || n > 8192) return null;
  const c = v.charCodeAt(0);
  const digit = c >= 48 && c <= 57;
  if (n === 36 && UUID_RE.test(v)) return 'uuid';
  if (digit) {
    if (n === 10) {
      const m = DATE_RE.exec(v);
      if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return 'date';
    } else if (n >= 16 && n <= 40) {
      const m = DATETIME_RE.exec(v);
      if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) < 24 && Number(m[5]) < 60)
        return 'date-time';
    }
    if (n >= 8 && n <= 18 && v.charCodeAt(2) === 58 && TIME_RE.test(v)) return 'time';
    if (n <= 15 && isIPv4(v)) return 'ipv4';
  }
  if (v.includes('@')) return isEmail(v) ? 'email' : null;
  if (v.includes(':')) {
    if (v.includes('://')) return URI_RE.test(v) ? 'uri' : null;
    if (n <= 45 && isIPv6(v)) return 'ipv6';
    return null;
  }
  if (c === 101 /* e */ && v.startsWith('eyJ') && decodeJwtHeader(v) !== null) return 'jwt';
  if (n >= 16 && HEX_RE.test(v)) return 'hex';
  if (n >= 16 && n % 4 === 0 && B64_RE.test(v) && mixedClasses(v)) return 'base64';
  return null;
}

/** Upper, lower and digit all present. */
export function mixedClasses(v: string): boolean {
  let u = false;
  let l = false;
  let d = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 65 && c <= 90) u = true;
    else if (c >= 97 && c <= 122) l = true;
    else if (c >= 48 && c <= 57) d = true;
    if (u && l && d) return true;
  }
  return false;
}

export { decodeJwtHeader, type JwtHeader };
