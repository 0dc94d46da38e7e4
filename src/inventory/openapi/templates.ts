// Spec paths as fixed templates for the path templater (issue 4 §1: "templates from a provided
// OpenAPI spec are known in advance and win"): each operation's path under each of its servers'
// base paths, and also without a base path that is only a version prefix (Docker's `/v1.41`),
// since such clients often call unversioned paths (`/_ping`). Servers on placeholder hosts or
// relative URLs apply to any host.
import { DEFAULT_WILDCARD_HOSTS } from './match';
import type { ImportedSpec } from './types';

export interface SpecTemplateEntry {
  host?: string;
  method: string;
  path: string;
}

const VERSION_BASE = /^(?:\/api)?\/v\d+(?:\.\d+)?$/i;

export function specTemplateEntries(specs: readonly ImportedSpec[], wildcardHosts: readonly string[] = DEFAULT_WILDCARD_HOSTS): SpecTemplateEntry[] {
  const wildcard = new Set(wildcardHosts.map((h) => h.toLowerCase()));
  const seen = new Set<string>();
  const out: SpecTemplateEntry[] = [];
  const add = (host: string | undefined, method: string, path: string): void => {
    const key = `${host ?? '*'} ${method} ${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(host === undefined ? { method, path } : { host, method, path });
  };
  for (const spec of specs) {
    for (const op of spec.operations) {
      const method = op.method.toUpperCase();
      const servers = op.servers.length > 0 ? op.servers : [{ url: '/', basePath: '' }];
      for (const server of servers) {
        const bare = server.host?.replace(/:\d+$/, '');
        const host = server.host === undefined || server.host.includes('{') || wildcard.has(bare ?? '') ? undefined : server.host;
        add(host, method, `${server.basePath}${op.path}`);
        if (server.basePath !== '' && VERSION_BASE.test(server.basePath)) add(host, method, op.path);
      }
    }
  }
  return out;
}
