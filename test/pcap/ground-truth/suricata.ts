// Suricata-verify tests (../shared/data/pcaps/suricata-verify/tests/<name>/test.yaml): their checks
// on `event_type: http` eve events, and how an eve http event's fields map to our HttpRecord.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { captureKind } from '../../helpers/corpus';
import type { HttpRecord } from './replay';

export interface SvCheck {
  /** Index of the check in the test's `checks:` list (all checks, not only http ones). */
  index: number;
  /** Expected number of matching events; null = at least one. */
  count: number | null;
  /** Flattened match fields other than event_type (nested maps become dotted keys). */
  match: Record<string, unknown>;
}

export interface SvTest {
  /** Test directory relative to suricata-verify/tests, e.g. http-connect/http-connect-simple */
  name: string;
  dir: string;
  /** Captures replayed for the test ([] when the test has none or `pcap: false`). */
  pcaps: string[];
  args: string[];
  requires: unknown;
  checks: SvCheck[];
}

function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key + '.', out);
    else out[key] = v;
  }
  return out;
}

function findTestYamls(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'test.yaml') out.push(full);
    }
  };
  walk(root);
  return out;
}

/** The captures a test replays: `pcap:` when given, else the capture files in its directory. */
function testPcaps(dir: string, y: Record<string, unknown>): string[] {
  const pcap = y['pcap'];
  if (pcap === false) return [];
  if (typeof pcap === 'string') return [path.resolve(dir, pcap)];
  return readdirSync(dir)
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => statSync(f).isFile() && statSync(f).size >= 4 && captureKind(f) !== null);
}

/** Every test with at least one check whose filter matches `event_type: http`. */
export function httpTests(testsRoot: string): SvTest[] {
  const tests: SvTest[] = [];
  for (const file of findTestYamls(testsRoot)) {
    const y = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    const rawChecks = Array.isArray(y['checks']) ? (y['checks'] as unknown[]) : [];
    const checks: SvCheck[] = [];
    rawChecks.forEach((c, index) => {
      const filter = (c as Record<string, unknown> | null)?.['filter'] as Record<string, unknown> | undefined;
      const match = filter?.['match'] as Record<string, unknown> | undefined;
      if (!match || match['event_type'] !== 'http') return;
      const flat = flatten(match);
      delete flat['event_type'];
      if (filter?.['requires'] !== undefined) flat['@requires'] = filter['requires'];
      checks.push({ index, count: typeof filter?.['count'] === 'number' ? filter['count'] : null, match: flat });
    });
    if (checks.length === 0) continue;
    const dir = path.dirname(file);
    const args = (Array.isArray(y['args']) ? (y['args'] as unknown[]) : y['args'] ? [y['args']] : []).map(String);
    tests.push({ name: path.relative(testsRoot, dir), dir, pcaps: testPcaps(dir, y), args, requires: y['requires'], checks });
  }
  return tests;
}

/** Canonical text of an IP address (IPv6 compressed, lower case). */
export function canonicalIp(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (!bare.includes(':')) return bare;
  try {
    return new URL(`http://[${bare}]/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return bare.toLowerCase();
  }
}

/** Splits our "ip:port" / "[ip]:port" endpoint. */
export function splitEndpoint(ep: string): { ip: string; port: number | null } {
  const m = /^\[(.*)\]:(\d+)$/.exec(ep) ?? /^([^:]*):(\d+)$/.exec(ep);
  if (!m) return { ip: ep, port: null };
  return { ip: m[1] ?? '', port: Number(m[2]) };
}

/** Suricata's http.hostname: the Host header (or absolute-URI host) without port, lower case. */
export function suricataHostname(host: string | null): string | null {
  if (host === null) return null;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end >= 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/**
 * eve http event fields that our record carries, as functions of the record. A check that uses any
 * other field must be covered by test/pcap/expected/suricata-verify-skips.tsv.
 */
export const FIELD_MAP: Record<string, (r: HttpRecord) => string | number | null> = {
  'http.url': (r) => r.uri,
  'http.http_method': (r) => r.method,
  'http.status': (r) => r.status,
  'http.hostname': (r) => suricataHostname(r.host),
  'http.protocol': (r) => (r.version === null ? null : r.version.startsWith('HTTP/') ? r.version : `HTTP/${r.version}`),
  'http.http_user_agent': (r) => r.userAgent,
  // Suricata logs the response Content-Type without parameters.
  'http.http_content_type': (r) => (r.respContentType === null ? null : (r.respContentType.split(';')[0] ?? '').trim().toLowerCase()),
  'http.length': (r) => r.respBodyLen,
  src_ip: (r) => canonicalIp(splitEndpoint(r.client).ip),
  dest_ip: (r) => canonicalIp(splitEndpoint(r.server).ip),
  src_port: (r) => splitEndpoint(r.client).port,
  dest_port: (r) => splitEndpoint(r.server).port,
  proto: () => 'TCP',
};

function normalise(key: string, v: unknown): string {
  if (v === null || v === undefined) return '\u0000null';
  if (key === 'src_ip' || key === 'dest_ip') return canonicalIp(String(v));
  if (key === 'http.http_content_type') return String(v).toLowerCase();
  return String(v);
}

/** Whether our record satisfies every listed (mapped) field of a check. */
export function recordMatches(rec: HttpRecord, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).every(([k, want]) => {
    const get = FIELD_MAP[k];
    return get !== undefined && normalise(k, get(rec)) === normalise(k, want);
  });
}

/** Compact text of a record for messages: METHOD uri status. */
export function renderRecord(r: HttpRecord): string {
  return `${r.method ?? '-'} ${r.uri ?? '-'} ${r.status ?? '-'}`;
}

export function renderMatch(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? parts.join(' ') : '(any)';
}

export function existsAll(files: string[]): boolean {
  return files.every((f) => existsSync(f));
}
