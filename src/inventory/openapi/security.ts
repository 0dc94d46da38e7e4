// Security schemes (3.x `components.securitySchemes`, 2.0 `securityDefinitions`) as resolved schemes,
// and each operation's security requirements as alternatives of them; a requirement naming an
// undefined scheme is a warning and an `unknown` scheme, never an error.
import { isObject, pointerOf, type RefResolver } from './refs';
import type { ResolvedScheme, SecurityAlternatives } from './types';

export function schemes3(doc: Record<string, unknown>, r: RefResolver): Record<string, ResolvedScheme> {
  const comps = isObject(doc['components']) ? doc['components'] : {};
  const raw = isObject(comps['securitySchemes']) ? comps['securitySchemes'] : {};
  const out: Record<string, ResolvedScheme> = {};
  for (const [name, s0] of Object.entries(raw)) {
    const { value: s } = r.deref(s0, pointerOf('components', 'securitySchemes', name));
    if (!isObject(s)) continue;
    out[name] = toScheme(name, s);
  }
  return out;
}

export function schemes2(doc: Record<string, unknown>): Record<string, ResolvedScheme> {
  const raw = isObject(doc['securityDefinitions']) ? doc['securityDefinitions'] : {};
  const out: Record<string, ResolvedScheme> = {};
  for (const [name, s] of Object.entries(raw)) if (isObject(s)) out[name] = toScheme(name, s);
  return out;
}

function toScheme(name: string, s: Record<string, unknown>): ResolvedScheme {
  const type = String(s['type'] ?? '');
  if (type === 'basic') return { name, kind: 'basic', scheme: 'basic' };
  if (type === 'http') {
    const scheme = String(s['scheme'] ?? '').toLowerCase();
    if (scheme === 'basic') return { name, kind: 'basic', scheme };
    if (scheme === 'bearer') return { name, kind: 'bearer', scheme, ...(typeof s['bearerFormat'] === 'string' ? { bearerFormat: s['bearerFormat'] } : {}) };
    return { name, kind: 'http', scheme };
  }
  if (type === 'apiKey') {
    const loc = s['in'];
    const inn = loc === 'query' || loc === 'cookie' ? loc : 'header';
    return { name, kind: 'apiKey', in: inn, paramName: String(s['name'] ?? '') };
  }
  if (type === 'oauth2' || type === 'openIdConnect' || type === 'mutualTLS') return { name, kind: type };
  return { name, kind: 'unknown' };
}

export function resolveSecurity(raw: unknown, schemes: Record<string, ResolvedScheme>, warnings: { pointer: string; message: string }[], pointer: string): SecurityAlternatives {
  if (!Array.isArray(raw)) return [];
  const out: SecurityAlternatives = [];
  for (const req of raw) {
    if (!isObject(req)) continue;
    const alt: ResolvedScheme[] = [];
    for (const [name, scopes] of Object.entries(req)) {
      const s = schemes[name];
      const sc = Array.isArray(scopes) ? scopes.filter((x): x is string => typeof x === 'string') : [];
      if (s === undefined) {
        warnings.push({ pointer: `${pointer}/security`, message: `security requirement names undefined scheme "${name}"` });
        alt.push({ name, kind: 'unknown' });
        continue;
      }
      alt.push(sc.length > 0 ? { ...s, scopes: sc } : s);
    }
    out.push(alt);
  }
  return out;
}
