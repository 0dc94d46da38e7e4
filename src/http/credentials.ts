// Credential material of a request, without the secret (DESIGN §6): each credential becomes a keyed
// fingerprint (HMAC-SHA256 with the installation key) plus its non-secret parts (header, parameter
// or cookie name, Basic user name, JWT claims read without verification). Runs on the hot path:
// nothing is allocated or hashed unless a credential is present, and one HMAC (and one JWT parse)
// is computed per distinct credential: the same token on the next request is a map lookup.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Counters } from '../core/counters';
import { DEFAULT_CREDENTIAL_NAMES, type CredentialNames } from '../core/credential-names';
import { processKey } from '../core/installation-key';
import { decodeJwtHeader, readJwtClaims, type JwtClaims } from '../core/jwt';
import type { CredentialKind, TransactionCredential } from './types';

/** Credentials kept per transaction; more are dropped and counted. */
export const MAX_CREDENTIALS_PER_TX = 4;
export const C_CREDENTIALS_DROPPED = 'http.credentials.dropped';
/** A Basic user name longer than this is cut. */
export const MAX_BASIC_USER_CHARS = 128;
/** Fingerprint length: 128 bits of the HMAC, as hex. */
const HASH_BYTES = 16;
/** Query parameters scanned per request (a bound on hostile queries). */
const MAX_QUERY_PARAMS = 256;
/** Distinct credentials remembered (oldest forgotten first), and the longest one remembered: at most ~4 MB. */
const MAX_RECENT = 1024;
const MAX_RECENT_SECRET_CHARS = 4096;

export const NO_CREDENTIALS: readonly TransactionCredential[] = Object.freeze([]);

export interface CredentialOptions {
  /**
   * Key of the fingerprints (`installationKeyFor`), or a function that gives it when the first
   * credential needs it (the daemon reads its key file only once the state directory exists); the
   * random per-process key when absent.
   */
  readonly installationKey?: Buffer | (() => Buffer);
  /** Where API keys and session tokens are looked for; the defaults when absent. */
  readonly names?: CredentialNames;
}

/** What collects a request's credentials (the analyzer's transaction builder); null until the first. */
export interface CredentialHolder {
  credentials: TransactionCredential[] | null;
}

/** What collects the credentials a response hands out (fingerprints); null until the first. */
export interface IssuedHolder {
  issuedCredentials: string[] | null;
}

function lowerSet(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map((n) => n.toLowerCase()));
}

function percentDecoded(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What a secret gives, whatever carried it; computed once per distinct secret. */
interface Fingerprint {
  readonly hash: string;
  /** Set when the secret is shaped like a JWT (API keys and cookies are often JWTs too). */
  readonly jwtAlg: string | null;
  readonly claims: JwtClaims | null;
  /** The last entry made from it: reused while kind and name repeat (entries are immutable). */
  last: TransactionCredential | null;
}

export class CredentialExtractor {
  private readonly keySource: Buffer | (() => Buffer);
  private keyObject: KeyObject | null = null;

  private key(): KeyObject {
    if (this.keyObject === null) this.keyObject = createSecretKey(typeof this.keySource === 'function' ? this.keySource() : this.keySource);
    return this.keyObject;
  }
  private readonly apiKeyHeaders: ReadonlySet<string>;
  private readonly queryParams: ReadonlySet<string>;
  private readonly sessionCookies: ReadonlySet<string>;
  /** Longest configured query name: longer parameter names are skipped without a copy. */
  private readonly maxQueryNameChars: number;
  /**
   * Recent credentials by secret. The raw secrets stay in this process's memory only (as they are in
   * the parser's buffers); nothing here is emitted.
   */
  private readonly recent = new Map<string, Fingerprint>();

  constructor(
    opts: CredentialOptions,
    private readonly counters: Counters,
  ) {
    this.keySource = opts.installationKey ?? processKey;
    const names = opts.names ?? DEFAULT_CREDENTIAL_NAMES;
    this.apiKeyHeaders = lowerSet(names.apiKeyHeaders);
    this.queryParams = lowerSet(names.apiKeyQueryParams);
    this.sessionCookies = lowerSet(names.sessionCookies);
    this.maxQueryNameChars = Math.max(0, ...names.apiKeyQueryParams.map((n) => n.length)) * 3; // room for %XX
  }

  /** True when `lowerName` (a lower-cased request header name) carries an API key. */
  isApiKeyHeader(lowerName: string): boolean {
    return this.apiKeyHeaders.has(lowerName);
  }

  /** True when the cookie `name` (any case) is a session cookie. */
  isSessionCookie(name: string): boolean {
    return this.sessionCookies.has(name.toLowerCase());
  }

  /**
   * The credential after an Authorization scheme (Bearer or Basic; others are not read). Returns the
   * `alg` of a Bearer JWT, so the caller need not decode it again.
   */
  authorization(holder: CredentialHolder, scheme: string, credential: string): string | null {
    const s = scheme.toLowerCase();
    if (credential === '' || (s !== 'bearer' && s !== 'basic') || this.full(holder)) return null;
    const fp = this.fingerprint(credential);
    if (s === 'bearer') {
      this.add(holder, fp.jwtAlg !== null ? 'bearer-jwt' : 'bearer-opaque', null, fp);
      return fp.jwtAlg;
    }
    this.add(holder, 'basic', fp.last?.kind === 'basic' ? fp.last.name : basicUser(credential), fp);
    return null;
  }

  /** The value of a header for which `isApiKeyHeader` held. */
  apiKeyHeader(holder: CredentialHolder, lowerName: string, value: string): void {
    const v = value.trim();
    if (v !== '' && !this.full(holder)) this.add(holder, 'api-key-header', lowerName, this.fingerprint(v));
  }

  /** The value of a cookie for which `isSessionCookie` held. */
  sessionCookie(holder: CredentialHolder, name: string, value: string): void {
    const v = value.trim();
    if (v !== '' && !this.full(holder)) this.add(holder, 'session-cookie', name.toLowerCase(), this.fingerprint(v));
  }

  /**
   * A credential the response handed out (a session cookie it set, an API-key header): only its
   * fingerprint is kept, at most MAX_CREDENTIALS_PER_TX per response (more are counted).
   */
  issued(holder: IssuedHolder, value: string): void {
    const v = value.trim();
    if (v === '') return;
    let list = holder.issuedCredentials;
    if (list === null) list = holder.issuedCredentials = [];
    else if (list.length >= MAX_CREDENTIALS_PER_TX) {
      this.counters.inc(C_CREDENTIALS_DROPPED);
      return;
    }
    const hash = this.fingerprint(v).hash;
    if (!list.includes(hash)) list.push(hash);
  }

  /** API keys among the query parameters (names and values percent-decoded). */
  query(holder: CredentialHolder, query: string): void {
    let pos = 0;
    let eq = -1;
    for (let n = 0; pos < query.length && n < MAX_QUERY_PARAMS; n++) {
      // the next '=' is searched once, not once per parameter before it (linear in the query)
      if (eq < pos) {
        eq = query.indexOf('=', pos);
        if (eq < 0) return; // no value left anywhere
      }
      let amp = query.indexOf('&', pos);
      if (amp < 0) amp = query.length;
      if (eq + 1 < amp && eq - pos <= this.maxQueryNameChars) {
        const name = percentDecoded(query.slice(pos, eq)).toLowerCase();
        if (this.queryParams.has(name) && !this.full(holder)) {
          this.add(holder, 'api-key-query', name, this.fingerprint(percentDecoded(query.slice(eq + 1, amp))));
        }
      }
      pos = amp + 1;
    }
  }

  /** True (and counted) when the holder has all the credentials it may keep. */
  private full(holder: CredentialHolder): boolean {
    const list = holder.credentials;
    if (list === null || list.length < MAX_CREDENTIALS_PER_TX) return false;
    this.counters.inc(C_CREDENTIALS_DROPPED);
    return true;
  }

  private fingerprint(secret: string): Fingerprint {
    const known = this.recent.get(secret);
    if (known !== undefined) return known;
    const header = secret.startsWith('eyJ') ? decodeJwtHeader(secret) : null;
    const fp: Fingerprint = {
      hash: createHmac('sha256', this.key()).update(secret, 'utf8').digest().toString('hex', 0, HASH_BYTES),
      jwtAlg: header?.alg ?? null,
      claims: header !== null ? readJwtClaims(secret) : null,
      last: null,
    };
    if (secret.length <= MAX_RECENT_SECRET_CHARS) {
      if (this.recent.size >= MAX_RECENT) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(secret, fp);
    }
    return fp;
  }

  private add(holder: CredentialHolder, kind: CredentialKind, name: string | null, fp: Fingerprint): void {
    let entry = fp.last;
    if (entry === null || entry.kind !== kind || entry.name !== name) entry = fp.last = { kind, name, hash: fp.hash, claims: fp.claims };
    let list = holder.credentials;
    if (list === null) list = holder.credentials = [];
    // the same credential sent twice (a repeated header or cookie) is one
    else if (list.includes(entry)) return;
    list.push(entry);
  }
}

/** The user of a Basic credential; null when the password is empty (the user part is then the secret). */
function basicUser(credential: string): string | null {
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // no colon: malformed, and the whole value may be the secret
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return decoded.slice(0, Math.min(colon, MAX_BASIC_USER_CHARS));
}
