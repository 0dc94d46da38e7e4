// Server-side request forgery in a parameter: a URL the server is asked to fetch that points inside
// (a cloud metadata endpoint, loopback, a private range, an internal name, an IP written in decimal
// or hex to slip past filters) or a scheme that is never a web request (file:, gopher:, dict:,
// php:// …). A URL that starts the value is what a fetch parameter carries; one buried in prose
// ("try http://localhost:3000 on your machine") weighs less.
import type { Rule } from './injection-rules';

function ssrf(id: string, weight: number, what: string): Rule {
  return { id: `ssrf.${id}`, cls: 'ssrf', weight, form: 'text', re: /$^/, what };
}

export const SSRF_METADATA = ssrf('metadata-endpoint', 0.95, 'a cloud metadata endpoint');
export const SSRF_LOOPBACK = ssrf('loopback', 0.85, 'a loopback address');
export const SSRF_ENCODED_IP = ssrf('encoded-ip', 0.9, 'an IP address in decimal/hex/octal form');
export const SSRF_PRIVATE = ssrf('private-address', 0.7, 'a private address');
export const SSRF_INTERNAL_NAME = ssrf('internal-name', 0.5, 'an internal host name');
export const SSRF_SCHEME = ssrf('non-web-scheme', 0.85, 'a non-web URL scheme (file:, gopher: …)');
export const SSRF_METADATA_PATH = ssrf('metadata-path', 0.8, 'a metadata API path');

export const SSRF_RULES: readonly Rule[] = [SSRF_METADATA, SSRF_LOOPBACK, SSRF_ENCODED_IP, SSRF_PRIVATE, SSRF_INTERNAL_NAME, SSRF_SCHEME, SSRF_METADATA_PATH];

/** Less weight for a URL that does not start the value (prose, not a fetch target). */
const EMBEDDED_PENALTY = 0.3;
const MAX_URLS = 4;

const SCHEME = /(?:^|[\s"'=(<,;])(?:gopher|dict|file|ldap|ldaps|tftp|jar|netdoc|phar|expect|php|glob|ogg|zip|compress\.zlib):\//g;
const URL_HOST = /\b(?:https?|ftp|wss?):\/\/+([^/?#\s"'<>\\]+)/g;
const METADATA_PATH = /\/latest\/(?:meta-data|user-data|api\/token)\b|\/computemetadata\/v1\b|\/metadata\/(?:instance|identity)\b|\/openstack\/latest\b/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const METADATA_HOSTS = new Set(['169.254.169.254', 'metadata.google.internal', 'metadata', '100.100.100.200', 'fd00:ec2::254', 'instance-data', 'instance-data.ec2.internal', '169.254.170.2']);
const INTERNAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.svc', '.cluster.local', '.corp', '.lan', '.intranet', '.home.arpa'];

export interface SsrfHit {
  readonly rule: Rule;
  readonly at: number;
  readonly len: number;
}

/** The host part of an authority: without user info and port, brackets kept off IPv6. */
function hostOf(authority: string): string {
  const at = authority.lastIndexOf('@');
  let host = at >= 0 ? authority.slice(at + 1) : authority;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host.slice(1);
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host.replace(/\.$/, '');
}

function classifyV4(a: number, b: number): Rule | null {
  if (a === 127 || a === 0) return SSRF_LOOPBACK;
  if (a === 169 && b === 254) return SSRF_PRIVATE;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return SSRF_PRIVATE;
  return null;
}

/** What kind of inside address a host names, or null for an ordinary outside one. */
export function classifyHost(host: string): Rule | null {
  if (host === '') return null;
  if (METADATA_HOSTS.has(host)) return SSRF_METADATA;
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '::' || host.startsWith('::ffff:127.') || host === '0:0:0:0:0:0:0:1') return SSRF_LOOPBACK;
  const quad = DOTTED_QUAD.exec(host);
  if (quad !== null) {
    // a leading zero is octal to many resolvers (0177.0.0.1)
    if (quad.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return SSRF_ENCODED_IP;
    return classifyV4(Number(quad[1]), Number(quad[2]));
  }
  if (/^(?:0x[0-9a-f]{1,8}|\d{8,10})$/.test(host)) return SSRF_ENCODED_IP;
  if (/^0x[0-9a-f]{1,2}(?:\.0x[0-9a-f]{1,2}){3}$/.test(host)) return SSRF_ENCODED_IP;
  if (host.includes(':')) return /^f[cd][0-9a-f]{2}:|^fe[89ab][0-9a-f]:/.test(host) ? SSRF_PRIVATE : null;
  if (INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) return SSRF_INTERNAL_NAME;
  // a single-label name (no dot) only resolves inside a network: `http://redis:6379/`
  if (!host.includes('.') && /^[a-z][a-z0-9-]*$/.test(host)) return SSRF_INTERNAL_NAME;
  return null;
}

/** Where a URL starts the value (after quotes and spaces): that is a fetch target, not prose. */
function startsValue(text: string, at: number): boolean {
  for (let i = 0; i < at; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '"' && c !== "'" && c !== '\t') return false;
  }
  return true;
}

/** The SSRF shapes in a lower-cased decoded value; `out` receives them (weights already reduced for prose). */
export function ssrfHits(text: string, out: SsrfHit[]): void {
  if (!text.includes(':') && !text.includes('/latest/') && !text.includes('/computemetadata')) return;
  SCHEME.lastIndex = 0;
  const scheme = SCHEME.exec(text);
  if (scheme !== null) out.push({ rule: SSRF_SCHEME, at: scheme.index, len: Math.min(scheme[0].length + 12, text.length - scheme.index) });
  URL_HOST.lastIndex = 0;
  for (let n = 0; n < MAX_URLS; n++) {
    const m = URL_HOST.exec(text);
    if (m === null) break;
    const found = classifyHost(hostOf(m[1] ?? ''));
    if (found === null) continue;
    const rule = startsValue(text, m.index) ? found : { ...found, weight: Math.max(0, found.weight - EMBEDDED_PENALTY) };
    out.push({ rule, at: m.index, len: m[0].length });
  }
  const path = METADATA_PATH.exec(text);
  if (path !== null) out.push({ rule: SSRF_METADATA_PATH, at: path.index, len: path[0].length });
}
