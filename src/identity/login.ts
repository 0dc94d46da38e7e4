// Login requests: the user name a request logs in as, from its query (`?user=...&password=...`) or
// its small form or JSON body. A body is read (which may decompress it) only for a path with a login
// word or one still being probed (login-paths.ts), and only when it is small and a form, JSON or
// untyped; the query is scanned only when a password field name appears in it. After a successful
// login (2xx/3xx) the JSON response is read for the tokens it hands out, so they can be bound to
// the user.
import type { HttpTransaction } from '../http/types';
import type { LoginConfig } from './config';
import { formLoginUser, jsonLoginUser, jsonTokens, loginFieldNames, type LoginFieldNames } from './login-fields';
import { hasLoginWord, LoginPaths } from './login-paths';

export const C_LOGIN_BODIES_READ = 'identity.login.bodies_read';
export const C_LOGINS = 'identity.login.requests';
/** Tokens taken from one login response. */
const MAX_TOKENS_PER_RESPONSE = 4;
/** A login response longer than this (as captured) is not read for tokens. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function text(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** JSON when declared so, a form when declared so, else by its first character; null for other types. */
function bodyFormat(contentType: string | null, body: string): 'json' | 'form' | null {
  if (contentType !== null) {
    const ct = contentType.toLowerCase();
    if (ct.includes('json')) return 'json';
    if (ct.includes('x-www-form-urlencoded')) return 'form';
    if (!ct.startsWith('text/plain')) return null;
  }
  return body.trimStart().startsWith('{') ? 'json' : 'form';
}

export class LoginDetector {
  private readonly fields: LoginFieldNames;
  private readonly hints: ReadonlySet<string>;
  private readonly tokenFields: ReadonlySet<string>;
  /** `(^|&)password=`-style test for a query, without copying it. */
  private readonly passwordInQuery: RegExp;
  readonly paths: LoginPaths;

  constructor(
    private readonly config: Readonly<LoginConfig>,
    private readonly onCount: (counter: string) => void,
  ) {
    this.fields = loginFieldNames(config.userFields, config.passwordFields);
    this.hints = new Set(config.pathHints.map((h) => h.toLowerCase()));
    this.tokenFields = new Set(config.tokenFields.map((f) => f.toLowerCase()));
    this.passwordInQuery = new RegExp(`(?:^|&)(?:${config.passwordFields.map(escapeRegExp).join('|')})=`, 'i');
    this.paths = new LoginPaths(config.maxProbedPaths, config.probeCalls, () => onCount('identity.login.paths_full'));
  }

  /** The user a request logs in as, or null when it is no login. */
  userOf(tx: HttpTransaction): string | null {
    const method = tx.method;
    if (method === null) return null;
    const query = tx.query;
    if (query !== null && query.length > 0 && this.passwordInQuery.test(query)) {
      const user = formLoginUser(query, this.fields);
      if (user !== null) return this.found(user);
    }
    if (!BODY_METHODS.has(method) || tx.reqBodyLen === 0 || tx.reqBodyLen > this.config.maxBodyBytes) return null;
    const ct = tx.reqContentType;
    if (ct !== null && !/json|x-www-form-urlencoded|text\/plain/i.test(ct)) return null;
    const path = tx.path ?? '/';
    const host = tx.host ?? tx.server;
    const hinted = hasLoginWord(path, this.hints);
    if (!hinted && !this.paths.shouldRead(host, path)) return null;
    const body = tx.reqBody;
    if (body === null || body.length === 0) return null;
    this.onCount(C_LOGIN_BODIES_READ);
    const s = text(body);
    const format = bodyFormat(ct, s);
    const user = format === 'json' ? jsonLoginUser(s, this.fields) : format === 'form' ? formLoginUser(s, this.fields) : null;
    if (!hinted) this.paths.noteRead(host, path, user !== null, tx.ts);
    return user === null ? null : this.found(user);
  }

  /** Tokens a successful login's JSON response hands out (values: the caller fingerprints them at once). */
  tokensHandedOut(tx: HttpTransaction): string[] {
    const status = tx.status;
    if (status === null || status < 200 || status >= 400 || tx.respBodyLen === 0 || tx.respBodyLen > MAX_TOKEN_RESPONSE_BYTES) return [];
    const ct = tx.respContentType;
    if (ct !== null && !ct.toLowerCase().includes('json')) return [];
    const body = tx.respBody;
    if (body === null || body.length === 0) return [];
    return jsonTokens(text(body), this.tokenFields, MAX_TOKENS_PER_RESPONSE);
  }

  private found(user: string): string {
    this.onCount(C_LOGINS);
    return user;
  }
}
