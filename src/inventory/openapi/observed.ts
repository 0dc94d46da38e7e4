// Builds `ObservedEndpoint`s from individual requests (concrete URIs), grouping by host, method and
// path. Used by tests and by callers that have raw transactions rather than the learner's endpoint map.
import type { JsonType, ObservedAuth, ObservedEndpoint, ObservedParam } from './types';

export interface ObservedRequest {
  host: string;
  method: string;
  /** Request target: path with optional query string. */
  uri: string;
  status?: number;
  /** Epoch seconds. */
  ts?: number;
  auth?: ObservedAuth;
  /** Extra request headers worth reporting as parameters (name → value). */
  headers?: Record<string, string>;
  /** Top-level JSON body field names → inferred type. */
  bodyFields?: Record<string, JsonType>;
}

export function scalarType(v: string): JsonType {
  if (/^-?\d{1,15}$/.test(v)) return 'integer';
  if (/^-?\d+\.\d+(e[+-]?\d+)?$/i.test(v)) return 'number';
  if (v === 'true' || v === 'false') return 'boolean';
  return 'string';
}

export function aggregateRequests(reqs: readonly ObservedRequest[]): ObservedEndpoint[] {
  const map = new Map<string, { ep: ObservedEndpoint; params: Map<string, { p: ObservedParam; n: number }> }>();
  for (const r of reqs) {
    const q = r.uri.indexOf('?');
    const path = (q >= 0 ? r.uri.slice(0, q) : r.uri) || '/';
    const host = r.host.toLowerCase();
    const method = r.method.toUpperCase();
    const key = `${host} ${method} ${path}`;
    let e = map.get(key);
    if (!e) {
      e = { ep: { host, method, template: path, params: [], statusCodes: {}, auth: [], firstSeen: Infinity, lastSeen: -Infinity, calls: 0 }, params: new Map() };
      map.set(key, e);
    }
    const ep = e.ep;
    ep.calls++;
    const ts = r.ts ?? 0;
    ep.firstSeen = Math.min(ep.firstSeen, ts);
    ep.lastSeen = Math.max(ep.lastSeen, ts);
    if (r.status !== undefined) ep.statusCodes![String(r.status)] = (ep.statusCodes![String(r.status)] ?? 0) + 1;
    if (r.auth && !ep.auth!.some((a) => JSON.stringify(a) === JSON.stringify(r.auth))) ep.auth!.push(r.auth);
    const seen: ObservedParam[] = [];
    if (q >= 0) {
      for (const [name, value] of new URLSearchParams(r.uri.slice(q + 1))) seen.push({ location: 'query', name, type: scalarType(value) });
    }
    for (const [name, value] of Object.entries(r.headers ?? {})) seen.push({ location: 'header', name, type: scalarType(value) });
    for (const [name, type] of Object.entries(r.bodyFields ?? {})) seen.push({ location: 'body', name, type });
    const once = new Set<string>();
    for (const p of seen) {
      const k = `${p.location}:${p.name}`;
      if (once.has(k)) continue;
      once.add(k);
      const cur = e.params.get(k);
      if (!cur) e.params.set(k, { p: { ...p }, n: 1 });
      else {
        cur.n++;
        if (cur.p.type !== p.type) cur.p.type = cur.p.type === 'integer' && p.type === 'number' ? 'number' : 'string';
      }
    }
  }
  return [...map.values()].map(({ ep, params }) => ({
    ...ep,
    params: [...params.values()].map(({ p, n }) => ({ ...p, presence: n / ep.calls })),
  }));
}
