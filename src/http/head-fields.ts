// Which header fields of a request or response head go into the transaction, and how: the first Host,
// Content-Type and Content-Length, joined Content-Encoding and X-Forwarded-For, bounded lists of header
// and cookie names, the Authorization scheme (the credential itself only as a fingerprint), and whether
// the message asks to switch protocols. Also opens the body capture of each message.

import { BodyCapture } from './body';
import type { CredentialExtractor } from './credentials';
import type { TxBuilder } from './flow-state';
import type { MessageHead } from './parser-events';

/** Authorization values that are a scheme alone (a challenge-less `Negotiate`, an empty `Bearer`). */
const SCHEME_ONLY = new Set(['basic', 'bearer', 'digest', 'negotiate', 'ntlm', 'token', 'hoba', 'mutual', 'aws4-hmac-sha256']);

const MAX_HEADER_NAMES = 64;
const MAX_COOKIE_NAMES = 32;

function versionString(major: number, minor: number): string {
  if (major === 1) return minor === 1 ? '1.1' : minor === 0 ? '1.0' : `1.${minor}`;
  return `${major}.${minor}`;
}

function parseDeclared(v: string): number | null {
  const n = Number(v.trim());
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function pushName(list: string[], name: string, bound: number): void {
  if (list.length < bound && !list.includes(name)) list.push(name);
}

export class HeadFields {
  constructor(
    private readonly bodyCaptureBytes: number,
    private readonly credentials: CredentialExtractor,
  ) {}

  /** Request head into the transaction; returns the upgrade protocol asked for, if any. */
  applyRequestHead(tx: TxBuilder, head: MessageHead): string | null {
    tx.hasReq = true;
    tx.method = head.method;
    tx.uri = head.url;
    tx.version = versionString(head.versionMajor, head.versionMinor);
    tx.http09 = head.versionMajor === 0;
    tx.reqBody = new BodyCapture(this.bodyCaptureBytes);
    return this.applyRequestHeaders(tx, head.headers);
  }

  /** Request header fields into the transaction; returns the upgrade protocol asked for, if any. */
  applyRequestHeaders(tx: TxBuilder, h: readonly string[]): string | null {
    let upgradeHdr: string | null = null;
    let connUpgrade = false;
    for (let i = 0; i + 1 < h.length; i += 2) {
      const name = (h[i] as string).toLowerCase();
      const value = h[i + 1] as string;
      pushName(tx.headers, name, MAX_HEADER_NAMES);
      switch (name) {
        case 'host':
          if (tx.host === null) tx.host = value;
          break;
        case 'user-agent':
          if (tx.userAgent === null) tx.userAgent = value;
          break;
        case 'content-type':
          if (tx.reqContentType === null) tx.reqContentType = value;
          break;
        case 'content-encoding':
          tx.contentEncoding = tx.contentEncoding === null ? value : `${tx.contentEncoding}, ${value}`;
          break;
        case 'content-length':
          if (tx.reqBodyDeclared === null) tx.reqBodyDeclared = parseDeclared(value);
          break;
        case 'authorization': {
          // Scheme only: the credential never leaves this function.
          const sp = value.search(/[ \t]/);
          // without a space the value is a scheme only when it names one: a bare API key sent as
          // `Authorization: <key>` must never be kept (it would be printed as the scheme)
          tx.authorization = sp < 0 ? (SCHEME_ONLY.has(value.toLowerCase()) ? value : value === '' ? '' : 'unknown') : value.slice(0, sp);
          // the credential becomes a fingerprint; what a bearer JWT says about its signing (alg: none, HS256 ...) is kept
          if (sp > 0) {
            const alg = this.credentials.authorization(tx, tx.authorization, value.slice(sp + 1).trim());
            if (tx.authorization.toLowerCase() === 'bearer') tx.authJwtAlg = alg;
          }
          break;
        }
        case 'x-forwarded-for':
          tx.xForwardedFor = tx.xForwardedFor === null ? value : `${tx.xForwardedFor}, ${value}`;
          break;
        case 'forwarded': {
          const hops = forwardedForList(value);
          tx.forwardedFor = tx.forwardedFor === null ? hops : `${tx.forwardedFor}, ${hops}`;
          break;
        }
        case 'cookie':
          for (const part of value.split(';')) {
            const eq = part.indexOf('=');
            const cname = (eq < 0 ? part : part.slice(0, eq)).trim();
            if (cname === '') continue;
            pushName(tx.cookieNames, cname, MAX_COOKIE_NAMES);
            if (eq >= 0 && this.credentials.isSessionCookie(cname)) this.credentials.sessionCookie(tx, cname, part.slice(eq + 1));
          }
          break;
        case 'upgrade':
          upgradeHdr = value.trim().toLowerCase();
          break;
        case 'connection':
          if (/(^|,)[ \t]*upgrade[ \t]*(,|$)/i.test(value)) connUpgrade = true;
          break;
        default:
          if (this.credentials.isApiKeyHeader(name)) this.credentials.apiKeyHeader(tx, name, value);
      }
    }
    if (tx.host === null && tx.uri !== null) {
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(tx.uri);
      if (m?.[1]) tx.host = m[1].replace(/^[^@]*@/, '');
    }
    if (tx.method === 'CONNECT') return 'connect';
    if (upgradeHdr !== null && connUpgrade) return upgradeHdr.split(/[ \t,/]/)[0] || 'unknown';
    return null;
  }

  /** Response head into the transaction; returns the Upgrade header value (lower-cased) if any. */
  applyResponseHead(tx: TxBuilder, head: MessageHead): string | null {
    tx.hasResp = true;
    tx.respTs = head.ts;
    tx.status = head.statusCode;
    tx.statusMessage = head.statusMessage;
    tx.respVersion = versionString(head.versionMajor, head.versionMinor);
    tx.respBody = new BodyCapture(this.bodyCaptureBytes);
    let upgrade: string | null = null;
    const h = head.headers;
    for (let i = 0; i + 1 < h.length; i += 2) {
      const name = (h[i] as string).toLowerCase();
      const value = h[i + 1] as string;
      pushName(tx.respHeaders, name, MAX_HEADER_NAMES);
      switch (name) {
        case 'content-type':
          if (tx.respContentType === null) tx.respContentType = value;
          break;
        case 'content-encoding':
          tx.respContentEncoding = tx.respContentEncoding === null ? value : `${tx.respContentEncoding}, ${value}`;
          break;
        case 'content-length':
          if (tx.respBodyDeclared === null) tx.respBodyDeclared = parseDeclared(value);
          break;
        case 'upgrade':
          upgrade = value.trim().toLowerCase().split(/[ \t,/]/)[0] || null;
          break;
        case 'set-cookie': {
          const cookie = setCookieValue(value);
          if (cookie !== null && this.credentials.isSessionCookie(cookie.name)) this.credentials.issued(tx, cookie.value);
          break;
        }
        default:
          if (this.credentials.isApiKeyHeader(name)) this.credentials.issued(tx, value);
      }
    }
    return upgrade;
  }
}

/**
 * The `for=` node of each element of a `Forwarded` header (RFC 7239), quotes removed, comma-separated
 * in order; an element without one counts as `unknown` (a hop nothing can be said about).
 */
export function forwardedForList(value: string): string {
  const out: string[] = [];
  for (const element of value.split(',')) {
    let node = 'unknown';
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      node = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    out.push(node);
  }
  return out.join(', ');
}

/**
 * The name and value of a `Set-Cookie` header (RFC 6265 §5.2), or null when it sets nothing: no
 * name, an empty value, or a cookie being removed (`Max-Age` of 0 or less, or an `Expires` in 1970).
 */
export function setCookieValue(header: string): { name: string; value: string } | null {
  const semi = header.indexOf(';');
  const pair = semi < 0 ? header : header.slice(0, semi);
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  let value = pair.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (name === '' || value === '') return null;
  if (semi >= 0) {
    const attrs = header.slice(semi + 1).toLowerCase();
    const maxAge = /(?:^|;)\s*max-age\s*=\s*(-?\d+)/.exec(attrs);
    if (maxAge !== null && Number(maxAge[1]) <= 0) return null;
    if (/(?:^|;)\s*expires\s*=[^;]*\b1970\b/.test(attrs)) return null;
  }
  return { name, value };
}

