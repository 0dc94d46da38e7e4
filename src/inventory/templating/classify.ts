// Per-segment classifier and path normalisation. Pure functions, no state.
//
// A path is split on '/' *before* percent-decoding, so an encoded slash (%2F) stays inside its segment.
// Each segment is decoded as UTF-8; an invalid sequence (e.g. Latin-1 `%F1`) leaves the segment in its
// raw form with escapes upper-cased. Literal segments are re-encoded canonically (unreserved and
// sub-delim characters plain, everything else percent-encoded, `{` `}` always encoded so a literal can
// never look like a placeholder), so `/a%7Eb` and `/a~b` give the same template.
import type { SegmentType } from './types';

export interface Segment {
  /** Decoded value (raw when decoding failed). */
  value: string;
  /** Canonical literal form used in templates. */
  literal: string;
  decodeOk: boolean;
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

/** Decode one segment's percent escapes as UTF-8. */
export function decodeSegment(raw: string): { value: string; ok: boolean } {
  if (!raw.includes('%')) return { value: raw, ok: true };
  const bytes: number[] = [];
  let valid = true;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      if (ch === '%') valid = false;
      for (const b of enc.encode(ch)) bytes.push(b);
    }
  }
  if (valid) {
    try {
      return { value: utf8.decode(Uint8Array.from(bytes)), ok: true };
    } catch {
      /* fall through: not UTF-8 */
    }
  }
  return { value: raw.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => `%${h.toUpperCase()}`), ok: false };
}

const PLAIN = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

/** Canonical literal: plain pchar characters stay, the rest is percent-encoded (UTF-8). */
export function encodeLiteral(value: string, keepEscapes = false): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (PLAIN.test(ch)) out += ch;
    else if (keepEscapes && ch === '%' && HEX.test(value.slice(i + 1, i + 3))) out += ch;
    else {
      const cp = value.codePointAt(i) as number;
      const s = String.fromCodePoint(cp);
      if (s.length === 2) i++;
      for (const b of enc.encode(s)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * Split a path into normalised segments: the query/fragment is cut, empty segments (`//`, trailing `/`)
 * are dropped, and `.` / `..` are resolved after decoding (as servers do). `/` has no segments.
 */
export function splitPath(path: string): Segment[] {
  let p = path;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  const out: Segment[] = [];
  for (const raw of p.split('/')) {
    if (raw === '') continue;
    const d = decodeSegment(raw);
    if (d.value === '.') continue;
    if (d.value === '..') {
      out.pop();
      continue;
    }
    out.push({ value: d.value, decodeOk: d.ok, literal: encodeLiteral(d.value, !d.ok) });
  }
  return out;
}

/** Words that always stay literal (never enter the evidence gate). */
const HARD_LITERALS = new Set([
  'api', 'apis', 'rest', 'graphql', 'gql', 'rpc', 'jsonrpc', 'soap', 'ws', 'public', 'private', 'internal',
  'admin', 'auth', 'oauth', 'oauth2', 'static', 'assets', 'well-known', '.well-known',
]);
// `v1`, `v2.1`, `v1beta1`, `v2alpha`, `v1p1beta1` (Google), `v3rc2`; not `v5felz5`, which is a name.
const VERSION = /^v\d+(\.\d+)*((p\d+)?(alpha|beta|rc|preview|pre|dev|ga)\d*)?$/i;
const NUM_VERSION = /^\d+\.\d+(\.\d+)?$/;
const EMAIL = /^[^@\s/]+@[^@\s/]+\.[A-Za-z]{2,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const PHONE = /^\+\d{7,15}$/;
const INT = /^-?\d+$/;
const FLOAT = /^-?\d+\.\d+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
const OID = /^[0-9a-f]{24}$/i;
const HEXS = /^[0-9a-f]{16,}$/i;
const TOKEN = /^[A-Za-z0-9+/_-]{20,}={0,2}$/;
const DASHED_SLUG = /^[a-z0-9]+([-_][a-z0-9]+)+$/;
const ALNUM = /^[A-Za-z0-9]{6,}$/;
const FILE_SPLIT = /^([^.]+)((\.[A-Za-z0-9]{1,8}){1,3})$/;

function validDate(y: string, m: string, d: string): boolean {
  const yy = Number(y);
  const mm = Number(m);
  const dd = Number(d);
  return yy >= 1970 && yy <= 2099 && mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

/** Classify a decoded value as a parameter type, or null when it is a literal candidate. */
export function classifyValue(v: string, prev?: string, index = 1): SegmentType | null {
  if (v.length === 0) return null;
  const c0 = v.charCodeAt(0);
  const startsDigit = c0 >= 48 && c0 <= 57;
  if (!startsDigit && c0 !== 45 && c0 !== 43 && !/\d/.test(v) && !v.includes('@')) return null; // fast path: words
  if (VERSION.test(v)) return null;
  if (EMAIL.test(v)) return 'email';
  if (UUID.test(v)) return 'uuid';
  let m = DATE_ISO.exec(v);
  if (m && validDate(m[1] as string, m[2] as string, m[3] as string)) return 'date';
  m = DATE_COMPACT.exec(v);
  if (m && validDate(m[1] as string, m[2] as string, m[3] as string)) return 'date';
  if (SSN.test(v)) return 'ssn';
  if (PHONE.test(v)) return 'phone';
  if (INT.test(v)) return 'int';
  if (IPV4.test(v)) return 'ipv4';
  if (FLOAT.test(v)) {
    if (NUM_VERSION.test(v) && (index === 0 || prev?.toLowerCase() === 'api')) return null;
    return 'float';
  }
  if (JWT.test(v)) return 'jwt';
  if (OID.test(v) && /\d/.test(v)) return 'oid';
  if (HEXS.test(v) && /\d/.test(v) && /[a-f]/i.test(v)) return 'hex';
  if (TOKEN.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v) && !DASHED_SLUG.test(v)) return 'token';
  if (ALNUM.test(v) && /[A-Za-z]/.test(v)) {
    const digits = v.replace(/\D/g, '').length;
    if (digits === 0) return null;
    // `oauth2`, `sha256`, `md5sum`, `Item12`: a word with a few digits stays a literal candidate.
    const wordish = /^[A-Za-z]?[a-z0-9]*$/.test(v) && digits <= 3;
    if (!wordish) return 'alnum';
  }
  return null;
}

export type SegmentClass =
  | { kind: 'param'; key: string; type: SegmentType }
  | { kind: 'literal'; key: string; hard: boolean };

/**
 * Classify one segment. Parameters get a tree key `{type}` (or `{type}.ext` when a file name's stem is
 * an id: `3.gif` → `{int}.gif`, extensions stay literal). Literals are `hard` (versions, `api`, ...: never
 * merged) or candidates for the evidence gate.
 */
export function classifySegment(seg: Segment, prev: string | undefined, index: number): SegmentClass {
  const v = seg.value;
  const t = seg.decodeOk ? classifyValue(v, prev, index) : null;
  if (t) return { kind: 'param', key: `{${t}}`, type: t };
  const lower = v.toLowerCase();
  const hard = HARD_LITERALS.has(lower) || VERSION.test(v) || (NUM_VERSION.test(v) && (index === 0 || prev?.toLowerCase() === 'api'));
  if (hard) return { kind: 'literal', key: seg.literal, hard };
  if (seg.decodeOk) {
    const f = FILE_SPLIT.exec(v);
    if (f) {
      const st = classifyValue(f[1] as string, prev, index);
      if (st && st !== 'email' && st !== 'ipv4' && st !== 'float') {
        return { kind: 'param', key: `{${st}}${encodeLiteral(f[2] as string)}`, type: st };
      }
    }
  }
  return { kind: 'literal', key: seg.literal, hard: false };
}

/** Placeholder names by type: `{id:int}`, `{name:str}`, `{tenant}`. */
export const PARAM_NAMES: Record<SegmentType, string> = {
  int: 'id', float: 'num', uuid: 'id', oid: 'id', hex: 'id', token: 'id', alnum: 'id', date: 'date',
  email: 'email', jwt: 'token', ipv4: 'ip', phone: 'phone', ssn: 'ssn', str: 'name', overflow: 'overflow', any: 'param',
};

/** Lower-case and drop a trailing dot (also before a port); the port is kept, it is part of the identity. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  const m = /^(.*[^.])\.(:\d+)$/.exec(h);
  if (m) h = (m[1] as string) + (m[2] as string);
  return h === '' ? '-' : h;
}

/** For tenant folding: `acme.api.example.com:8443` → { label: 'acme', suffix: 'api.example.com:8443' }. */
export function hostLabel(host: string): { label: string; suffix: string } | null {
  if (host.startsWith('[') || host.startsWith('{')) return null;
  const colon = host.lastIndexOf(':');
  const name = colon >= 0 ? host.slice(0, colon) : host;
  const port = colon >= 0 ? host.slice(colon) : '';
  if (IPV4.test(name) || name.includes(':')) return null;
  const labels = name.split('.');
  if (labels.length < 3) return null;
  const label = labels[0] as string;
  if (!/^[a-z0-9-]+$/.test(label)) return null;
  return { label, suffix: labels.slice(1).join('.') + port };
}
