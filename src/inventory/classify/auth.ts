// Auth classification per transaction (issue 4 §2): none, Basic, Bearer (JWT alg read without
// verification when the credential is available), Digest/other schemes, API-key header or query
// parameter (configurable names), session cookie (configurable names); unauthenticated success.
import { DEFAULT_API_KEY_HEADERS, DEFAULT_API_KEY_QUERY_PARAMS, DEFAULT_SESSION_COOKIES } from '../../core/credential-names';
import { decodeJwtHeader } from './format';
import type { AuthClassification, AuthKind } from './types';

export interface AuthOptions {
  /** Request header names carrying API keys (case-insensitive). */
  readonly apiKeyHeaders: readonly string[];
  /** Query parameter names carrying API keys (case-insensitive). */
  readonly apiKeyQueryParams: readonly string[];
  /** Session cookie names (case-insensitive). */
  readonly sessionCookies: readonly string[];
  /** Also treat cookies whose name contains `sess` / `auth` / `token` as sessions. Default true. */
  readonly sessionCookieHeuristic: boolean;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  apiKeyHeaders: DEFAULT_API_KEY_HEADERS,
  apiKeyQueryParams: DEFAULT_API_KEY_QUERY_PARAMS,
  sessionCookies: DEFAULT_SESSION_COOKIES,
  sessionCookieHeuristic: true,
};

/** What auth classification reads from a transaction. */
export interface AuthSource {
  /** Authorization scheme (`Bearer`, `Basic` ...), as HttpTransaction keeps it. */
  readonly authorization: string | null;
  /** Lower-cased request header names. */
  readonly headers: readonly string[];
  readonly cookieNames: readonly string[];
  readonly query: string | null;
  readonly status: number | null;
  /** Credential after the scheme (the bearer token), when available; only used to read the JWT header. */
  readonly authCredential?: string | null;
  /** JWT `alg` already extracted by the HTTP stage, when it does that instead of passing the credential. */
  readonly authJwtAlg?: string | null;
}

const RANK: Record<AuthKind, number> = {
  bearer: 0, basic: 1, digest: 2, 'other-scheme': 3, 'api-key-header': 4, 'api-key-query': 5, 'cookie-session': 6, none: 7,
};

function queryNames(q: string, wanted: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let pos = 0;
  let n = 0;
  while (pos < q.length && n++ < 256) {
    let amp = q.indexOf('&', pos);
    if (amp < 0) amp = q.length;
    const eq = q.indexOf('=', pos);
    const end = eq >= 0 && eq < amp ? eq : amp;
    let name = q.slice(pos, end);
    if (name.includes('%')) {
      try {
        name = decodeURIComponent(name);
      } catch {
        /* keep raw */
      }
    }
    const valueLen = eq >= 0 && eq < amp ? amp - eq - 1 : 0;
    const lower = name.toLowerCase();
    if (valueLen > 0 && wanted.has(lower) && !out.includes(lower)) out.push(lower);
    pos = amp + 1;
  }
  return out;
}

const SESSION_HINT_RE = /sess|auth|token|jwt/i;

export function classifyAuth(tx: AuthSource, opts: AuthOptions = DEFAULT_AUTH_OPTIONS): AuthClassification {
  const kinds: AuthKind[] = [];
  const scheme = tx.authorization !== null && tx.authorization.length > 0 ? tx.authorization : null;
  let jwt: boolean | null = null;
  let jwtAlg: string | null = null;
  if (scheme !== null) {
    const s = scheme.toLowerCase();
    if (s === 'bearer') {
      kinds.push('bearer');
      if (tx.authJwtAlg) {
        jwt = true;
        jwtAlg = tx.authJwtAlg;
      } else if (typeof tx.authCredential === 'string') {
        const h = decodeJwtHeader(tx.authCredential.trim());
        jwt = h !== null;
        jwtAlg = h?.alg ?? null;
      }
    } else if (s === 'basic') kinds.push('basic');
    else if (s === 'digest') kinds.push('digest');
    else kinds.push('other-scheme');
  }
  const hdrWanted = new Set(opts.apiKeyHeaders.map((h) => h.toLowerCase()));
  const apiKeyHeaders = tx.headers.filter((h) => hdrWanted.has(h.toLowerCase())).map((h) => h.toLowerCase());
  if (apiKeyHeaders.length > 0) kinds.push('api-key-header');
  const apiKeyQuery =
    tx.query !== null && tx.query.length > 0 ? queryNames(tx.query, new Set(opts.apiKeyQueryParams.map((q) => q.toLowerCase()))) : [];
  if (apiKeyQuery.length > 0) kinds.push('api-key-query');
  const cookieWanted = new Set(opts.sessionCookies.map((c) => c.toLowerCase()));
  const sessionCookies = tx.cookieNames.filter(
    (c) => cookieWanted.has(c.toLowerCase()) || (opts.sessionCookieHeuristic && SESSION_HINT_RE.test(c)),
  );
  if (sessionCookies.length > 0) kinds.push('cookie-session');
  if (kinds.length === 0) kinds.push('none');
  kinds.sort((a, b) => RANK[a] - RANK[b]);
  const unauthenticated = kinds[0] === 'none';
  return {
    kinds,
    primary: kinds[0] ?? 'none',
    scheme,
    jwt,
    jwtAlg,
    apiKeyHeaders,
    apiKeyQuery,
    sessionCookies,
    unauthenticated,
    unauthenticatedSuccess: unauthenticated && tx.status !== null && tx.status >= 200 && tx.status < 300,
  };
}
