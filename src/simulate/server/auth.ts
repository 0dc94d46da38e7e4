// Who is calling: a login token (HS256, checked for signature and expiry on the simulated clock) or
// a service's API key with its scopes; and the limits a real API puts on callers (per-address
// request rate, failed logins per address).
import type { ServiceJob, World } from '../world/types';
import type { ApiStore, Account } from './store';
import { fail, type ApiResponse } from './types';

export type Scope = 'management' | 'orders' | 'vehicles' | 'posts';

export type Principal = { readonly kind: 'user'; readonly account: Account } | { readonly kind: 'key'; readonly service: string; readonly scopes: readonly Scope[] };

const SCOPES: Readonly<Record<ServiceJob, readonly Scope[]>> = {
  export: ['management', 'orders'],
  billing: ['orders'],
  partner: ['vehicles'],
  digest: ['posts'],
  monitor: [],
};

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="crapi", error="invalid_token"' };

export class Authenticator {
  private readonly keys = new Map<string, Principal>();

  constructor(
    private readonly world: World,
    private readonly store: ApiStore,
  ) {
    for (const s of world.services) if (s.apiKey !== '') this.keys.set(s.apiKey, { kind: 'key', service: s.id, scopes: SCOPES[s.job] });
  }

  /** The caller, or the 401 to answer. */
  identify(headers: Readonly<Record<string, string | string[] | undefined>>, query: URLSearchParams, simUs: number): Principal | ApiResponse {
    const key = headers['x-api-key'] ?? query.get('api_key') ?? undefined;
    if (typeof key === 'string') return this.keys.get(key) ?? fail(401, 'Invalid API key');
    const header = headers['authorization'];
    if (typeof header !== 'string' || header === '') return fail(401, 'JWT Token required!', { 'WWW-Authenticate': 'Bearer realm="crapi"' });
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m || m[1] === undefined) return fail(401, 'Invalid Token', BEARER_CHALLENGE);
    const claims = this.world.tokens.verify(m[1]);
    if (!claims) return fail(401, 'Invalid Token', BEARER_CHALLENGE);
    if (claims.exp * 1_000_000 <= simUs) return fail(401, 'Token expired', { 'WWW-Authenticate': 'Bearer realm="crapi", error="invalid_token", error_description="The access token expired"' });
    const account = this.store.accounts.get(claims.sub);
    return account ? { kind: 'user', account } : fail(401, 'Invalid Token', BEARER_CHALLENGE);
  }
}

export function isStaff(p: Principal): boolean {
  return p.kind === 'user' && (p.account.role === 'support' || p.account.role === 'admin');
}

export function hasScope(p: Principal, scope: Scope): boolean {
  return p.kind === 'key' && p.scopes.includes(scope);
}

/** A token bucket per client address on the simulated clock: `ratePerSec` sustained, `burst` at once. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** Seconds to wait, or 0 when the request may pass. */
  take(ip: string, simUs: number): number {
    const b = this.buckets.get(ip) ?? { tokens: this.burst, at: simUs };
    const elapsed = Math.max(0, simUs - b.at) / 1_000_000;
    b.tokens = Math.min(this.burst, b.tokens + elapsed * this.ratePerSec);
    b.at = Math.max(b.at, simUs);
    this.buckets.set(ip, b);
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSec));
    b.tokens -= 1;
    return 0;
  }
}
