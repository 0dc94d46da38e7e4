// Output of the HTTP/1.x analyzer (DESIGN §2, HttpTransaction). Downstream stages import only this file.
import type { JwtClaims } from '../core/jwt';

export type { JwtClaims } from '../core/jwt';

export type Completeness = 'full' | 'request-only' | 'response-only' | 'gapped';

export type CredentialKind = 'bearer-jwt' | 'bearer-opaque' | 'basic' | 'api-key-header' | 'api-key-query' | 'session-cookie';

/**
 * A credential the request carried, without the secret: a keyed fingerprint (the same secret gives
 * the same hash within one installation) plus what is not secret.
 */
export interface TransactionCredential {
  readonly kind: CredentialKind;
  /**
   * Header, query parameter or cookie name (lower-cased); for `basic` the user name, or null when the
   * password is empty (the user part is then the secret, as with API keys sent as Basic user);
   * null for bearer tokens.
   */
  readonly name: string | null;
  /** HMAC-SHA256 of the credential as sent, keyed by the installation key: 32 hex characters. */
  readonly hash: string;
  /** For a value shaped like a JWT: its claims, read without verification, bounded. */
  readonly claims: JwtClaims | null;
}

/** One request/response exchange. Plain, immutable once emitted. */
export interface HttpTransaction {
  readonly flowId: string;
  /** Per flow, 1-based, in the order requests (or unpaired responses) were seen. */
  readonly txId: number;
  /** `ip:port` of the side that sent the request (IPv6 as `[ip]:port`). */
  readonly client: string;
  readonly server: string;
  /** Address of the requesting side, without brackets or port (`10.0.0.1`, `2001:db8::1`). */
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  readonly vlanIds: readonly number[];
  readonly tunnels: readonly string[];
  /** Request time in seconds (packet time); the response time for a response-only transaction. */
  readonly ts: number;
  /** Response time (first byte of the final response), or null. */
  readonly respTs: number | null;
  /** Null when no request was seen (response-only) or it could not be parsed. */
  readonly method: string | null;
  /** Host header (or the authority of an absolute-form target), or null. */
  readonly host: string | null;
  /** Request target as sent. */
  readonly uri: string | null;
  /** Path part of the target (no query, no fragment; absolute-form reduced to its path). */
  readonly path: string | null;
  readonly query: string | null;
  /** "1.1", "1.0", "0.9" (request version, else response version). */
  readonly version: string | null;
  readonly status: number | null;
  readonly statusMessage: string | null;
  readonly userAgent: string | null;
  readonly reqContentType: string | null;
  /** Request Content-Encoding. */
  readonly contentEncoding: string | null;
  readonly respContentEncoding: string | null;
  /** Authorization scheme only ("Bearer", "Basic" ...); the credential is never kept. */
  readonly authorization: string | null;
  /** For a Bearer JWT: the `alg` of its header (the token itself is never kept). */
  readonly authJwtAlg: string | null;
  /** Credentials of the request (Authorization, API-key headers and query parameters, session cookies), at most 4. */
  readonly credentials: readonly TransactionCredential[];
  /**
   * Fingerprints of credentials the response handed out: session cookies it set (`Set-Cookie` with a
   * configured session-cookie name) and configured API-key headers; absent when none. A login binds
   * them to its user, so the next requests that carry them name that user.
   */
  readonly issuedCredentials?: readonly string[];
  readonly xForwardedFor: string | null;
  /** The `for=` addresses of the request's `Forwarded` headers (RFC 7239), comma-separated in order, or null. */
  readonly forwardedFor: string | null;
  /** Cookie names of the request (values are not kept). */
  readonly cookieNames: readonly string[];
  /** Lower-cased request header names, first occurrence order, bounded. */
  readonly headers: readonly string[];
  /** Lower-cased response header names, bounded. */
  readonly respHeaders: readonly string[];
  readonly respContentType: string | null;
  /** Body lengths after de-chunking, before decompression (as Zeek counts them). */
  readonly reqBodyLen: number;
  readonly respBodyLen: number;
  /** Content-Length as declared, or null. */
  readonly reqBodyDeclared: number | null;
  readonly respBodyDeclared: number | null;
  /**
   * Captured body prefix (bounded), decompressed when the encoding is gzip/deflate/br. The analyzer's
   * records decompress on first read (counting `http.body.decompress_limit` / `_error` then), so a
   * consumer that does not need a body should not read it.
   */
  readonly reqBody: Uint8Array | null;
  readonly respBody: Uint8Array | null;
  readonly completeness: Completeness;
  /** Protocol switched to after this exchange ("websocket", "h2c", "connect" ...), else null. */
  readonly upgrade: string | null;
  readonly anomalies: readonly string[];
}
