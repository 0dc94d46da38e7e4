// Adapts what the learner stored for an endpoint to the OpenAPI diff's input (ObservedEndpoint).
import type { EndpointSnapshot } from './classify';
import type { EndpointRow } from './endpoint-store';
import type { ObservedAuth, ObservedEndpoint, ObservedParam } from './openapi';

export function toObserved(row: EndpointRow): ObservedEndpoint {
  const snap = row.stats as Partial<EndpointSnapshot> | null;
  const params: ObservedParam[] = [];
  for (const p of snap?.params ?? []) {
    if (p.direction !== 'request') continue;
    params.push({ location: p.location, name: p.name, type: p.type, ...(p.format ? { format: p.format } : {}), presence: p.presence });
  }
  const auth: ObservedAuth[] = [];
  for (const kind of Object.keys(snap?.auth ?? {})) {
    // `none` drives auth drift, which means an unauthenticated call was answered: calls refused with
    // 401/403 are the spec working, not drift
    if (kind === 'none') {
      if ((snap?.unauthenticatedSuccess ?? 0) > 0) auth.push({ kind: 'none' });
    } else if (kind === 'basic') auth.push({ kind: 'basic' });
    else if (kind === 'bearer') auth.push({ kind: 'bearer', jwt: Object.keys(snap?.jwtAlgs ?? {}).length > 0 });
    else if (kind === 'api-key-header' || kind === 'api-key-query') {
      // names are stored as `header:api_key` / `query:key`
      const where = kind === 'api-key-header' ? 'header' : 'query';
      for (const key of Object.keys(snap?.apiKeyNames ?? {})) {
        const colon = key.indexOf(':');
        const loc = colon > 0 ? key.slice(0, colon) : where;
        if (loc === where) auth.push({ kind: 'apiKey', in: where, name: colon > 0 ? key.slice(colon + 1) : key });
      }
    } else if (kind === 'cookie-session') {
      for (const name of Object.keys(snap?.sessionCookies ?? {})) auth.push({ kind: 'apiKey', in: 'cookie', name });
    } else auth.push({ kind: 'other', scheme: kind });
  }
  return {
    host: row.host,
    method: row.method,
    template: row.template,
    params,
    statusCodes: { ...(snap?.statusCodes ?? {}) },
    auth,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    calls: row.calls,
  };
}
