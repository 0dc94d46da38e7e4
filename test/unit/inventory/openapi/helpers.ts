// Shared helpers for the OpenAPI tests: data paths, Postman collection → requests, a naive oracle
// matcher, and the real OpenAPI validator (ESM, loaded dynamically).
import { readFileSync } from 'node:fs';
import { sharedData } from '../../../helpers/shared-data';
import type { ObservedAuth, ObservedRequest } from '../../../../src/inventory/openapi';

export const OPENAPI_DIR = sharedData('openapi');

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/**
 * Turns a Postman v2.1 collection into requests: `{{var}}` resolved from `vars` (unknown ones get a
 * concrete made-up value), `:name` path variables from the request's `url.variable`, bearer auth as a
 * JWT, noauth as none; the status from a `pm.response.to.have.status(N)` test script when present.
 */
export function postmanRequests(file: string, vars: Record<string, string>, ts0 = 1_700_000_000): (ObservedRequest & { name: string; body?: string })[] {
  let c = obj(JSON.parse(readFileSync(file, 'utf8')));
  if (c['collection']) c = obj(c['collection']);
  const out: (ObservedRequest & { name: string; body?: string })[] = [];
  let n = 0;
  const fill = (s: string): string =>
    s.replace(/\{\{([^}]+)\}\}/g, (_w, k: string) => vars[k] ?? (/id$/i.test(k) ? String(4200 + (n % 50)) : `${k.replace(/[^a-z0-9]/gi, '')}-value`));
  const walk = (items: unknown): void => {
    if (!Array.isArray(items)) return;
    for (const it0 of items) {
      const it = obj(it0);
      if (Array.isArray(it['item'])) {
        walk(it['item']);
        continue;
      }
      const r = obj(it['request']);
      const url = typeof r['url'] === 'string' ? { raw: r['url'] } : obj(r['url']);
      let raw = fill(String(url['raw'] ?? ''));
      for (const v of Array.isArray(url['variable']) ? url['variable'] : []) {
        const vv = obj(v);
        raw = raw.replace(new RegExp(`/:${String(vv['key'])}(?=/|$|\\?)`), `/${encodeURIComponent(fill(String(vv['value'] ?? 'x')))}`);
      }
      const u = new URL(raw);
      const authType = obj(r['auth'])['type'];
      const auth: ObservedAuth = authType === 'bearer' ? { kind: 'bearer', jwt: true } : { kind: 'none' };
      let status: number | undefined;
      for (const ev of Array.isArray(it['event']) ? it['event'] : []) {
        const exec = obj(obj(ev)['script'])['exec'];
        const text = Array.isArray(exec) ? exec.join('\n') : '';
        const m = /to\.have\.status\((\d{3})\)/.exec(text);
        if (m) status = Number(m[1]);
      }
      // A raw JSON body, normalised (other body modes, e.g. multipart, are left out).
      const rawBody = obj(r['body'])['raw'];
      let body: string | undefined;
      if (typeof rawBody === 'string' && fill(rawBody).trim().startsWith('{')) {
        try {
          body = JSON.stringify(JSON.parse(fill(rawBody)));
        } catch {
          body = undefined;
        }
      }
      n++;
      out.push({
        name: String(it['name'] ?? ''),
        host: u.host,
        method: String(r['method'] ?? 'GET'),
        uri: u.pathname + u.search,
        ts: ts0 + n,
        auth,
        ...(status !== undefined ? { status } : {}),
        ...(body !== undefined ? { body } : {}),
      });
    }
  };
  walk(c['item']);
  return out;
}

/** Independent oracle: spec path → regex over the whole path; fewest parameters wins. */
export function oracle(ops: { method: string; path: string }[], method: string, p: string): { method: string; path: string } | undefined {
  const clean = p.split('?')[0]!.replace(/\/+$/, '') || '/';
  let best: { method: string; path: string } | undefined;
  let bestParams = Infinity;
  for (const op of ops) {
    if (op.method !== method) continue;
    const tpl = op.path.replace(/\/+$/, '') || '/';
    const re = new RegExp('^' + tpl.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    const params = (tpl.match(/\{/g) ?? []).length;
    if (re.test(clean) && params < bestParams) {
      best = op;
      bestParams = params;
    }
  }
  return best;
}

export { validateOpenApi, type ValidationResult } from '../../../helpers/openapi-validator';
