// JWT header and claims read without verification (DESIGN §6: tokens are never kept; what they say
// about the client is). Used by the HTTP stage (signing algorithm, identity claims) and by the
// classifiers for values.
const B64URL_PART = /^[A-Za-z0-9_-]+$/;

/** Decodes base64url (no padding needed) to a string, or null. */
function b64urlDecode(s: string): string | null {
  if (!B64URL_PART.test(s)) return null;
  try {
    return Buffer.from(s, 'base64url').toString('utf8');
  } catch {
    return null;
  }
}

export interface JwtHeader {
  readonly alg: string;
  readonly typ: string | null;
  readonly kid: string | null;
}

/** Header of a JWT (three base64url parts, header JSON with a string `alg`), read without verification. */
export function decodeJwtHeader(token: string): JwtHeader | null {
  if (token.length < 16 || token.length > 16384 || !token.startsWith('eyJ')) return null;
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return null;
  const payload = token.slice(dot1 + 1, dot2);
  const sig = token.slice(dot2 + 1);
  if (payload.length === 0 || !B64URL_PART.test(payload) || (sig.length > 0 && !B64URL_PART.test(sig))) return null;
  const headerText = b64urlDecode(token.slice(0, dot1));
  if (headerText === null) return null;
  try {
    const h: unknown = JSON.parse(headerText);
    if (typeof h !== 'object' || h === null || Array.isArray(h)) return null;
    const rec = h as Record<string, unknown>;
    if (typeof rec.alg !== 'string' || rec.alg.length === 0 || rec.alg.length > 32) return null;
    return {
      alg: rec.alg,
      typ: typeof rec.typ === 'string' ? rec.typ : null,
      kid: typeof rec.kid === 'string' ? rec.kid.slice(0, 128) : null,
    };
  } catch {
    return null;
  }
}

/** Identity claims of a JWT payload, read without verification; strings and lists bounded. */
export interface JwtClaims {
  readonly sub: string | null;
  readonly iss: string | null;
  readonly aud: readonly string[] | null;
  /** Seconds since the epoch, as the token says. */
  readonly exp: number | null;
  readonly iat: number | null;
  readonly jti: string | null;
  /** `scope` (space-separated, OAuth) or `scp` (string or list), as a list. */
  readonly scope: readonly string[] | null;
  /** `role` or `roles`, as a list. */
  readonly role: readonly string[] | null;
}

/** A claim longer than this is cut: a token may carry anything, a record must stay small. */
export const MAX_CLAIM_CHARS = 256;
/** List claims (`aud`, `scope`, `role`) keep this many items, each cut to MAX_LIST_ITEM_CHARS. */
export const MAX_CLAIM_ITEMS = 16;
export const MAX_LIST_ITEM_CHARS = 128;

function claimString(v: unknown): string | null {
  if (typeof v === 'string') return v.length > MAX_CLAIM_CHARS ? v.slice(0, MAX_CLAIM_CHARS) : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function claimNumber(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function claimList(v: unknown, splitSpaces: boolean): string[] | null {
  let items: unknown[];
  if (typeof v === 'string') items = splitSpaces ? v.split(' ', MAX_CLAIM_ITEMS + 1) : [v];
  else if (Array.isArray(v)) items = v.slice(0, MAX_CLAIM_ITEMS);
  else return null;
  const out: string[] = [];
  for (const item of items) {
    if (out.length >= MAX_CLAIM_ITEMS) break;
    if (typeof item === 'string' && item !== '') out.push(item.length > MAX_LIST_ITEM_CHARS ? item.slice(0, MAX_LIST_ITEM_CHARS) : item);
  }
  return out.length > 0 ? out : null;
}

/**
 * Claims of a token that `decodeJwtHeader` accepted (same length bound), or null when the payload is
 * not a JSON object. The signature is not checked: these say who the client claims to be.
 */
export function readJwtClaims(token: string): JwtClaims | null {
  if (token.length > 16384) return null;
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0) return null;
  const payloadText = b64urlDecode(token.slice(dot1 + 1, dot2));
  if (payloadText === null) return null;
  let p: unknown;
  try {
    p = JSON.parse(payloadText);
  } catch {
    return null;
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
  const rec = p as Record<string, unknown>;
  return {
    sub: claimString(rec.sub),
    iss: claimString(rec.iss),
    aud: claimList(rec.aud, false),
    exp: claimNumber(rec.exp),
    iat: claimNumber(rec.iat),
    jti: claimString(rec.jti),
    scope: claimList(rec.scope, true) ?? claimList(rec.scp, true),
    role: claimList(rec.role, false) ?? claimList(rec.roles, false),
  };
}
