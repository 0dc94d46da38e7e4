// Which hosts each OpenAPI spec describes. A spec's `servers` name the host it was written for
// (`petstore3.swagger.io`), not the one the mirror sees behind a load balancer (`10.0.3.7:8080`,
// `api.internal`), and a spec with relative servers names none. So a spec (with its older versions,
// one API) is bound to a host:
//   config   the operator listed patterns for it (`inventory.specs[].hosts`): only those hosts;
//   server   the host is one of its servers' hosts (bound from its first call);
//   learned  the host's traffic calls `minOperations` distinct documented operations (or all of a
//            smaller spec), and at most `maxUndocumentedShare` of its endpoints under the spec's base
//            path are undocumented. A host serving another API shares few paths with the spec.
// Endpoints whose answers were all 404 are no evidence either way (scanners, typos). An endpoint on a
// host no spec is bound to is "no spec", never shadow: shadow means a spec claims the host and lacks
// the operation.
import type { SpecBindingConfig } from './config';
import { compileHostPattern, splitHostPort, type HostPattern } from './openapi/host-patterns';
import { DEFAULT_WILDCARD_HOSTS, hostMatches, SpecMatcher, splitPath } from './openapi/match';
import type { ImportedSpec, ObservedEndpoint } from './openapi/types';

export type BindingReason = 'config' | 'server' | 'learned';

export interface Binding {
  /** The API (specs sharing `info.title`). */
  readonly api: string;
  readonly host: string;
  readonly reason: BindingReason;
  /** Distinct operations (any version) the host's traffic calls. */
  readonly operations: number;
  /** Distinct endpoints under the API's base path that no version documents. */
  readonly undocumented: number;
  /** For `config`: the pattern that matched. */
  readonly pattern?: string;
}

/** What one endpoint says about one API: the operation it calls, or that it is undocumented there. */
export interface ApiEvidence {
  readonly api: string;
  /** `GET /pet/{petId}`; absent for an undocumented path under the API's base path. */
  readonly operation?: string;
}

export interface ApiInfo {
  readonly id: string;
  readonly title: string;
  /** Versions, oldest first (config order). */
  readonly versions: readonly ImportedSpec[];
  readonly files: readonly string[];
  /** Operations of the newest version. */
  readonly operationCount: number;
  /** Configured host patterns; empty = hosts are learned. */
  readonly patterns: readonly HostPattern[];
  /** Absolute, non-placeholder server hosts of any version. */
  readonly serverHosts: readonly string[];
}

interface CompiledApi {
  info: ApiInfo;
  matcher: SpecMatcher;
  /** Base paths (segments) of every server of every version; [] = the root. */
  bases: string[][];
}

export class SpecBinder {
  private readonly apis: CompiledApi[] = [];

  constructor(
    specs: readonly ImportedSpec[],
    readonly options: Readonly<SpecBindingConfig>,
  ) {
    const byId = new Map<string, ImportedSpec[]>();
    for (const s of specs) byId.set(s.apiId, [...(byId.get(s.apiId) ?? []), s]);
    const wildcard = new Set(DEFAULT_WILDCARD_HOSTS);
    for (const [id, versions] of byId) {
      const newest = versions[versions.length - 1] as ImportedSpec;
      const patterns = [...new Set(versions.flatMap((v) => v.hosts ?? []))].map(compileHostPattern);
      const serverHosts = new Set<string>();
      const bases = new Map<string, string[]>();
      for (const v of versions) {
        for (const op of v.operations) {
          for (const s of op.servers.length > 0 ? op.servers : v.servers) {
            bases.set(s.basePath, splitPath(s.basePath));
            if (s.host !== undefined && !s.host.includes('{') && !wildcard.has(splitHostPort(s.host).name)) serverHosts.add(s.host);
          }
        }
      }
      if (bases.size === 0) bases.set('', []);
      this.apis.push({
        info: { id, title: newest.title, versions, files: versions.map((v) => v.file), operationCount: newest.operations.length, patterns, serverHosts: [...serverHosts] },
        // the host check is what binding decides: match on paths alone
        matcher: new SpecMatcher(versions, { ignoreHosts: true }),
        bases: [...bases.values()],
      });
    }
  }

  get apiInfos(): ApiInfo[] {
    return this.apis.map((a) => a.info);
  }

  /** What an endpoint says about each API (nothing for an API whose base path it is outside of). */
  evidence(ep: ObservedEndpoint): ApiEvidence[] {
    if (!answered(ep)) return [];
    const out: ApiEvidence[] = [];
    const segs = splitPath(ep.template);
    for (const a of this.apis) {
      const m = a.matcher.match(ep.host, ep.method, ep.template);
      if (m) out.push({ api: a.info.id, operation: `${m.operation.method.toUpperCase()} ${m.operation.path}` });
      else if (a.bases.some((b) => b.every((x, i) => segs[i] === x))) out.push({ api: a.info.id });
    }
    return out;
  }

  /**
   * The APIs bound to `host`, given the evidence of all its endpoints. `serverAddress` (the server's
   * IP) lets CIDR patterns bind a host that has a name.
   */
  bindingsFor(host: string, evidence: Iterable<readonly ApiEvidence[]>, serverAddress?: string): Binding[] {
    const tally = new Map<string, { ops: Set<string>; documented: number; undocumented: number }>();
    for (const list of evidence) {
      for (const e of list) {
        let t = tally.get(e.api);
        if (!t) tally.set(e.api, (t = { ops: new Set(), documented: 0, undocumented: 0 }));
        if (e.operation !== undefined) {
          t.ops.add(e.operation);
          t.documented++;
        } else t.undocumented++;
      }
    }
    const out: Binding[] = [];
    for (const { info } of this.apis) {
      const t = tally.get(info.id);
      const operations = t?.ops.size ?? 0;
      const undocumented = t?.undocumented ?? 0;
      const base = { api: info.id, host, operations, undocumented };
      if (info.patterns.length > 0) {
        const p = info.patterns.find((x) => x.matches(host, serverAddress));
        if (p) out.push({ ...base, reason: 'config', pattern: p.text });
        continue;
      }
      // the host the spec's servers name is that API from its first call on
      if (info.serverHosts.some((s) => hostMatches(s, host))) {
        out.push({ ...base, reason: 'server' });
        continue;
      }
      if (operations === 0) continue;
      const enough = operations >= Math.min(this.options.minOperations, Math.max(1, info.operationCount));
      const share = undocumented / Math.max(1, (t?.documented ?? 0) + undocumented);
      if (enough && share <= this.options.maxUndocumentedShare) out.push({ ...base, reason: 'learned' });
    }
    return out;
  }
}

/** An endpoint whose every answer was 404 does not exist there: no evidence for any binding. */
function answered(ep: ObservedEndpoint): boolean {
  const codes = Object.entries(ep.statusCodes ?? {});
  if (codes.length === 0) return true;
  return codes.some(([code, n]) => code !== '404' && n > 0);
}

/** One line for logs and `tapwatch specs`: why the host is bound. */
export function describeBinding(b: Binding, info: ApiInfo | undefined): string {
  switch (b.reason) {
    case 'config':
      return `configured (${b.pattern ?? 'hosts'})`;
    case 'server':
      return `the spec's server host (${b.operations} operation(s) called)`;
    case 'learned':
      return `learned: ${b.operations} of ${info?.operationCount ?? '?'} operations called, ${b.undocumented} undocumented path(s) under its base path`;
  }
}
