// Where a spec's operations are served: OpenAPI 3.x `servers` (variables filled with their defaults,
// a variable that is a whole host label kept as a wildcard label) and Swagger 2.0 host, basePath and
// schemes, each as a host (default ports dropped) and a normalised base path.
import { isObject, SpecError, strList } from './refs';
import type { ServerInfo } from './types';

function splitServerUrl(url: string): ServerInfo {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/([^/?#]*)([^?#]*)/i.exec(url);
  let host: string | undefined;
  let basePath: string;
  if (m) {
    host = (m[2] ?? '').toLowerCase();
    const scheme = (m[1] ?? '').toLowerCase();
    // Default ports are implied: http://h:80 and http://h match "h".
    if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443'))) host = host.replace(/:\d+$/, '');
    if (host === '') host = undefined;
    basePath = m[3] ?? '';
  } else {
    basePath = url.replace(/[?#].*$/, '');
  }
  basePath = normaliseBase(basePath);
  return { url, ...(host !== undefined ? { host } : {}), basePath };
}

function normaliseBase(p: string): string {
  let b = p.trim();
  if (b !== '' && !b.startsWith('/')) b = '/' + b;
  b = b.replace(/\/+$/, '');
  return b;
}

export function servers3(raw: unknown, file: string, pointer: string): ServerInfo[] {
  if (raw === undefined) return [{ url: '/', basePath: '' }];
  if (!Array.isArray(raw)) throw new SpecError(file, pointer, '`servers` is not an array');
  const out: ServerInfo[] = [];
  raw.forEach((s, i) => {
    if (!isObject(s) || typeof s['url'] !== 'string') throw new SpecError(file, `${pointer}/${i}`, 'server has no `url`');
    const vars = isObject(s['variables']) ? s['variables'] : {};
    const raw = s['url'];
    const url = raw.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const v = vars[name];
      return isObject(v) && v['default'] !== undefined ? String(v['default']) : whole;
    });
    const info = splitServerUrl(url);
    // A variable that is a whole host label (`{tenant}.api.example.com`) stays a wildcard label.
    const rawHost = /^(?:[^:/?#]*:)?\/\/([^/?#]*)/.exec(raw)?.[1];
    if (rawHost !== undefined && info.host !== undefined && /(^|\.)\{[^}]+\}(?=\.|:|$)/.test(rawHost)) {
      const labels = rawHost.toLowerCase().split('.');
      const hostLabels = info.host.split('.');
      if (labels.length === hostLabels.length) info.host = labels.map((l, j) => (/^\{[^}]+\}(:\d+)?$/.test(l) ? l.replace(/:.*$/, '') + (hostLabels[j]?.match(/:\d+$/)?.[0] ?? '') : hostLabels[j])).join('.');
    }
    out.push(info);
  });
  return out.length > 0 ? out : [{ url: '/', basePath: '' }];
}

export function servers2(doc: Record<string, unknown>): ServerInfo[] {
  const host = typeof doc['host'] === 'string' && doc['host'] !== '' ? doc['host'].toLowerCase() : undefined;
  const basePath = normaliseBase(typeof doc['basePath'] === 'string' ? doc['basePath'] : '');
  if (host === undefined) return [{ url: basePath || '/', basePath }];
  const schemes = strList(doc['schemes'], ['http']);
  return schemes.map((sc) => ({ ...splitServerUrl(`${sc}://${host}${basePath}`), url: `${sc}://${host}${basePath}` }));
}
