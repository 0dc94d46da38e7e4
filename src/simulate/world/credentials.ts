// Tokens and keys of the simulated API. The server and the planner sign with the same secret, so a
// token is a function of who logged in and when: the schedule knows every token before a byte is
// sent, and a seed always gives the same ones.
import { createHash, createHmac } from 'node:crypto';

export interface TokenClaims {
  readonly sub: string;
  readonly role: string;
  readonly iat: number;
  readonly exp: number;
}

/** How long a login token lives (crAPI-like: a working day). */
export const TOKEN_LIFETIME_SEC = 12 * 3600;

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenAuthority {
  private readonly secret: Buffer;

  constructor(seed: number) {
    this.secret = createHash('sha256').update(`carworks-signing-key:${seed}`).digest();
  }

  /** The JWT the API returns to `sub` logging in at `iatSec`. */
  issue(sub: string, role: string, iatSec: number): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const jti = createHmac('sha256', this.secret).update(`${sub}:${iatSec}`).digest('hex').slice(0, 16);
    const payload = b64url(JSON.stringify({ sub, role, iat: iatSec, exp: iatSec + TOKEN_LIFETIME_SEC, jti }));
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** The claims of a token this authority signed, or null when the signature does not hold. */
  verify(token: string): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    if (expected !== signature) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
      return { sub: claims.sub, role: typeof claims.role === 'string' ? claims.role : 'user', iat: claims.iat, exp: claims.exp };
    } catch {
      return null;
    }
  }
}

/** The one-time code a password reset requested at `atSec` mails to `email` (the planner knows it too). */
export function resetCode(seed: number, email: string, atSec: number): string {
  const n = createHmac('sha256', `otp:${seed}`).update(`${email}:${atSec}`).digest().readUInt32BE(0) % 10000;
  return String(n).padStart(4, '0');
}

/** A mistyped password: a dropped, doubled or swapped character, or a missed shift. */
export function mistype(password: string, pick: number): string {
  const i = Math.max(1, Math.floor(pick * (password.length - 1)));
  const kind = Math.floor(pick * 1000) % 4;
  if (kind === 0) return password.slice(0, i) + password.slice(i + 1);
  if (kind === 1) return password.slice(0, i) + password.charAt(i) + password.slice(i);
  if (kind === 2 && password.charAt(i) !== password.charAt(i - 1)) return password.slice(0, i - 1) + password.charAt(i) + password.charAt(i - 1) + password.slice(i + 1);
  const first = password.charAt(0);
  const flipped = (first === first.toLowerCase() ? first.toUpperCase() : first.toLowerCase()) + password.slice(1);
  return flipped === password ? `${password}1` : flipped;
}
