// The headers each client app sets on its requests (the HTTP client adds its own: Host, Connection,
// Content-Length, and fetch its Accept-Language and Sec-Fetch-Mode).
import type { PlannedVisit, Request } from '../plan/types';

export const WEB_ORIGIN = 'https://app.carworks.example';

export function appHeaders(visit: PlannedVisit, req: Request): Record<string, string> {
  const h: Record<string, string> = {};
  const app = visit.device.app;
  if (visit.userAgent !== null) h['User-Agent'] = visit.userAgent;
  if (app === 'web' || app === 'portal') {
    h['Accept'] = 'application/json, text/plain, */*';
    h['Origin'] = WEB_ORIGIN;
    h['Referer'] = `${WEB_ORIGIN}/`;
    h['Accept-Language'] = 'en-US,en;q=0.9';
  } else if (app === 'mobile') {
    h['Accept'] = 'application/json';
    h['Accept-Encoding'] = 'gzip';
  } else if (app === 'service') {
    h['Accept'] = 'application/json';
  } else if (visit.device.client !== 'fetch') {
    h['Accept'] = '*/*';
  }
  if (req.auth?.kind === 'bearer') h['Authorization'] = `Bearer ${req.auth.token}`;
  else if (req.auth?.kind === 'api-key') h[req.auth.header] = req.auth.key;
  if (req.body !== null) h['Content-Type'] = app === 'mobile' ? 'application/json; charset=UTF-8' : 'application/json';
  return h;
}
