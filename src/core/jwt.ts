// JWT header read without verification (DESIGN §6: tokens are never kept; what they say about the
// client is). Used by the HTTP stage for the signing algorithm and by the classifiers for values.
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
