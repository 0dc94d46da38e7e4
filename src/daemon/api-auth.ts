// Who may use which route of the local API (issue 17): `Authorization: Bearer <token>` checked
// against the token file, the token's role against the route, and a per-address limit on failed
// checks so a token cannot be guessed at line rate. Connections on the unix socket carry the
// socket's role instead (its file permissions decided who could connect). Tokens are never logged.
import type { Counters } from '../core/counters';
import { BoundedTable } from '../core/bounded-table';
import type { ApiRole, ApiTokens } from './api-tokens';

/** What a route needs: nothing (health probes), a read token, or an admin token. */
export type RouteAccess = 'open' | 'read' | 'admin';

export interface Principal {
  readonly kind: 'token' | 'unix-socket';
  /** The token's name, or 'unix-socket'. */
  readonly name: string;
  readonly role: ApiRole;
  /** Remote address ('unix-socket' on the socket). */
  readonly address: string;
}

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal | null }
  | { readonly ok: false; readonly status: 401 | 403 | 429; readonly message: string; readonly headers: Readonly<Record<string, string>> };

export interface ApiAuthOptions {
  readonly maxFailuresPerMinute: number;
  readonly maxTrackedClients: number;
}

const WINDOW_MS = 60_000;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="tapwatch"' };

interface FailureWindow {
  /** Wall seconds of the latest failure (BoundedTable's clock). */
  touched: number;
  startMs: number;
  failures: number;
}

const RANK: Readonly<Record<ApiRole, number>> = { read: 1, admin: 2 };

/** `::ffff:127.0.0.2` and `127.0.0.2` are one client. */
function clientKey(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ApiAuth {
  private readonly failures: BoundedTable<FailureWindow>;

  constructor(
    private readonly opts: ApiAuthOptions,
    private readonly tokens: ApiTokens,
    private readonly counters: Counters,
    private readonly nowMs: () => number = Date.now,
  ) {
    // the oldest window goes first (recentSec 0: no second chances; every entry here is recent)
    this.failures = new BoundedTable<FailureWindow>(opts.maxTrackedClients, () => counters.inc('api.auth.clients_evicted'), 0);
  }

  /** Remote addresses with failures remembered. */
  get trackedClients(): number {
    return this.failures.size;
  }

  /** A socket connection: its role, no token. */
  socket(role: ApiRole, need: RouteAccess): AuthResult {
    const principal: Principal = { kind: 'unix-socket', name: 'unix-socket', role, address: 'unix-socket' };
    if (need !== 'open' && RANK[role] < RANK[need]) return this.forbidden(principal, need);
    return { ok: true, principal };
  }

  /** A TCP (or TLS) request with its Authorization header. */
  check(authorization: string | undefined, address: string, need: RouteAccess): AuthResult {
    if (need === 'open') return { ok: true, principal: null };
    const key = clientKey(address);
    const now = this.nowMs();
    const window = this.failures.get(key);
    if (window && now - window.startMs < WINDOW_MS && window.failures >= this.opts.maxFailuresPerMinute) {
      // the token is not even looked at: guessing gains nothing until the window is over
      this.counters.inc('api.auth.rate_limited');
      const retry = Math.max(1, Math.ceil((window.startMs + WINDOW_MS - now) / 1000));
      return { ok: false, status: 429, message: `too many failed token checks from ${key}; retry in ${retry} s`, headers: { 'retry-after': String(retry) } };
    }
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    const holder = match ? this.tokens.authenticate(match[1]!) : null;
    if (!holder) {
      this.fail(key, now);
      return {
        ok: false,
        status: 401,
        message: authorization === undefined ? 'this route needs a token: Authorization: Bearer <token> (tapwatch token show)' : 'the token is not valid',
        headers: CHALLENGE,
      };
    }
    const principal: Principal = { kind: 'token', name: holder.name, role: holder.role, address: key };
    if (RANK[holder.role] < RANK[need]) return this.forbidden(principal, need);
    return { ok: true, principal };
  }

  private forbidden(principal: Principal, need: RouteAccess): AuthResult {
    this.counters.inc('api.auth.forbidden');
    return { ok: false, status: 403, message: `${principal.kind === 'token' ? `token ${principal.name}` : 'the unix socket'} has role ${principal.role}; this route needs ${need}`, headers: {} };
  }

  private fail(key: string, now: number): void {
    this.counters.inc('api.auth.failures');
    const window = this.failures.get(key);
    if (window && now - window.startMs < WINDOW_MS) {
      window.failures++;
      window.touched = now / 1000;
      return;
    }
    if (window) this.failures.delete(key);
    this.failures.insert(key, { touched: now / 1000, startMs: now, failures: 1 }, now / 1000);
  }
}
