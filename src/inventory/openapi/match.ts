// Matching an observed (host, method, path) to a spec operation.
//
// Rules, in order of preference (a lower rank wins before specificity is compared):
//  rank 0  the path starts with one of the operation's server base paths, which is stripped
//          (a server without a base path matches the path as is);
//  rank 1  the server base path is itself a version prefix (Docker's 2.0 `basePath: /v1.41`, a 3.x
//          server `/api/v2`) and the path does not carry it: the base path is optional, since clients of
//          such APIs often call unversioned paths (`HEAD /_ping`);
//  rank 2  "optional version prefix": after the base path, the path starts with a version prefix that
//          the spec paths omit (a gateway or client adding `/v1` or `/api/v2` by itself). Prefixes come
//          from `versionPrefixes` patterns, where `{name}` stands for a decimal number. Only where the
//          server base path carries no version itself: when it does (`/api/v3`, Docker's `/v1.41`), the
//          spec names its version, and `/api/v2/...` is another version of the API still answering (a
//          shadow API, see `matchOtherVersion`), not a call of the v3 operation.
// Then: an exact method beats HEAD served by a GET operation; then templates are compared segment by
// segment from the left: a literal segment beats a mixed one (`{id}.json`), which beats a bare `{param}`.
// A `{param}` matches exactly one non-empty segment. Observed template segments (`{id:int}`) match only
// spec parameters. Trailing slashes and empty segments are ignored; segments compare after
// percent-decoding, case-sensitively.
//
// Hosts: a server URL with a host restricts the operation to that host (ports compared when both sides
// have one; `{x}` labels on either side match any label). Servers on loopback / placeholder hosts
// (`wildcardHosts`, default localhost, 127.0.0.1, ::1, 0.0.0.0) and relative server URLs match any host.
import type { ImportedSpec, OperationMatch, ServerInfo, SpecOperation } from './types';

export const DEFAULT_VERSION_PREFIXES: readonly string[] = ['/v{major}.{minor}', '/v{major}', '/api/v{major}.{minor}', '/api/v{major}'];
export const DEFAULT_WILDCARD_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0'];

export interface MatchOptions {
  /** Optional version prefix patterns (rank 2 above). Default `DEFAULT_VERSION_PREFIXES`; [] disables. */
  versionPrefixes?: readonly string[];
  /** Match operations on any host. Default false. */
  ignoreHosts?: boolean;
  /** Server hostnames treated as "any host". Default `DEFAULT_WILDCARD_HOSTS`. */
  wildcardHosts?: readonly string[];
  /** HEAD requests match a GET operation when the spec has no HEAD one. Default true. */
  headMatchesGet?: boolean;
}

type Seg = { kind: 'lit'; value: string } | { kind: 'param'; name: string } | { kind: 'mixed'; re: RegExp; names: string[] };

interface CompiledServer {
  server: ServerInfo;
  base: string[];
  baseOptional: boolean;
  /** The base path names a version (`/api/v3`): no other version prefix is stripped after it. */
  baseVersioned: boolean;
  hostAny: boolean;
  host?: string;
}

interface CompiledOp {
  op: SpecOperation;
  spec: ImportedSpec;
  segs: Seg[];
  servers: CompiledServer[];
}

const PARAM_SEG = /^\{[^{}]*\}$/;
const VERSION_SEG = /^v\d+(?:\.\d+)*$/i;

/** A match with what ranked it: lower `rank` wins, then the higher `score` (literal segments first). */
export interface RankedMatch {
  rank: number;
  score: number[];
  match: OperationMatch;
}

/** A path that would match an operation if its version prefix were the spec's (`/api/v2` vs `/api/v3`). */
export interface OtherVersionMatch {
  match: OperationMatch;
  /** The version prefix the traffic used, e.g. `/api/v2`. */
  seen: string;
  /** The spec's versioned base path, e.g. `/api/v3`. */
  specBase: string;
}

export function splitPath(p: string): string[] {
  const q = p.search(/[?#]/);
  const pathOnly = q >= 0 ? p.slice(0, q) : p;
  return pathOnly.split('/').filter((s) => s !== '');
}

function decodeSeg(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSeg(s: string): Seg {
  if (PARAM_SEG.test(s)) return { kind: 'param', name: s.slice(1, -1) };
  if (!s.includes('{')) return { kind: 'lit', value: decodeSeg(s) };
  const names: string[] = [];
  let re = '';
  let last = 0;
  for (const m of s.matchAll(/\{([^{}]*)\}/g)) {
    re += escapeRe(decodeSeg(s.slice(last, m.index))) + '(.+?)';
    names.push(m[1] ?? '');
    last = (m.index ?? 0) + m[0].length;
  }
  re += escapeRe(decodeSeg(s.slice(last)));
  return { kind: 'mixed', re: new RegExp(`^${re}$`), names };
}

/** Compiles `/v{major}.{minor}` into per-segment regexes (`{x}` = decimal number). */
export function compilePrefix(pattern: string): RegExp[] {
  return splitPath(pattern).map((seg) => {
    let re = '';
    let last = 0;
    for (const m of seg.matchAll(/\{[^{}]*\}/g)) {
      re += escapeRe(seg.slice(last, m.index)) + '\\d+';
      last = (m.index ?? 0) + m[0].length;
    }
    return new RegExp(`^${re + escapeRe(seg.slice(last))}$`, 'i');
  });
}

function prefixAt(segs: string[], at: number, prefix: RegExp[]): boolean {
  if (prefix.length === 0 || at + prefix.length > segs.length) return false;
  return prefix.every((re, i) => re.test(segs[at + i] ?? ''));
}

function splitHost(h: string): { name: string; port?: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h.trim().toLowerCase());
  if (!m) return { name: h.toLowerCase() };
  return { name: m[1] ?? '', ...(m[2] !== undefined ? { port: m[2] } : {}) };
}

function labelsMatch(a: string, b: string): boolean {
  const la = a.split('.');
  const lb = b.split('.');
  if (la.length !== lb.length) return false;
  return la.every((x, i) => x === lb[i] || PARAM_SEG.test(x) || PARAM_SEG.test(lb[i] ?? ''));
}

export function hostMatches(serverHost: string, observedHost: string): boolean {
  if (observedHost === '') return true;
  const s = splitHost(serverHost);
  const o = splitHost(observedHost);
  if (s.port !== undefined && o.port !== undefined && s.port !== o.port) return false;
  return labelsMatch(s.name, o.name);
}

export class SpecMatcher {
  private readonly byMethod = new Map<string, CompiledOp[]>();
  private readonly prefixes: RegExp[][];
  private readonly ignoreHosts: boolean;
  private readonly wildcard: Set<string>;
  private readonly headMatchesGet: boolean;

  constructor(
    readonly specs: readonly ImportedSpec[],
    opts: MatchOptions = {},
  ) {
    this.prefixes = (opts.versionPrefixes ?? DEFAULT_VERSION_PREFIXES).map(compilePrefix).filter((p) => p.length > 0);
    this.ignoreHosts = opts.ignoreHosts ?? false;
    this.wildcard = new Set((opts.wildcardHosts ?? DEFAULT_WILDCARD_HOSTS).map((h) => h.toLowerCase()));
    this.headMatchesGet = opts.headMatchesGet ?? true;
    for (const spec of specs) {
      for (const op of spec.operations) {
        const c: CompiledOp = { op, spec, segs: splitPath(op.path).map(compileSeg), servers: op.servers.map((s) => this.compileServer(s)) };
        const list = this.byMethod.get(op.method) ?? [];
        list.push(c);
        this.byMethod.set(op.method, list);
      }
    }
  }

  private compileServer(server: ServerInfo): CompiledServer {
    const base = splitPath(server.basePath).map(decodeSeg);
    const baseOptional = base.length > 0 && this.prefixes.some((p) => p.length === base.length && prefixAt(base, 0, p));
    const baseVersioned = base.some((b) => VERSION_SEG.test(b));
    const hostAny = server.host === undefined || this.ignoreHosts || this.wildcard.has(splitHost(server.host).name);
    return { server, base, baseOptional, baseVersioned, hostAny, ...(server.host !== undefined ? { host: server.host } : {}) };
  }

  /** Best operation for an observed request, or undefined. `path` may carry a query string. */
  match(host: string, method: string, path: string): OperationMatch | undefined {
    return this.matchRanked(host, method, path)?.match;
  }

  /** `match` with its rank and score, so matches from different matchers (spec versions) compare. */
  matchRanked(host: string, method: string, path: string): RankedMatch | undefined {
    const m = method.toUpperCase();
    const segs = observedSegments(path);
    let best = this.bestOf(this.byMethod.get(m), host, segs, false);
    if (m === 'HEAD' && this.headMatchesGet) {
      const viaGet = this.bestOf(this.byMethod.get('GET'), host, segs, true);
      if (viaGet && (!best || viaGet.rank < best.rank)) best = viaGet;
    }
    return best;
  }

  /**
   * For a path no operation matched: does it carry another version where an operation's server base
   * path names one (`/api/v2/pet/1` against base `/api/v3`, `/v1.40/_ping` against `/v1.41`)?
   */
  matchOtherVersion(host: string, method: string, path: string): OtherVersionMatch | undefined {
    const segs = observedSegments(path);
    const ops = this.byMethod.get(method.toUpperCase());
    for (const c of ops ?? []) {
      for (const s of c.servers) {
        if (!s.baseVersioned || segs.length < s.base.length) continue;
        if (!s.hostAny && s.host !== undefined && !hostMatches(s.host, host)) continue;
        // the same prefix with other version numbers: every segment equal but the versioned ones
        let differs = false;
        const same = s.base.every((b, i) => {
          const o = segs[i] ?? '';
          if (b === o) return true;
          if (VERSION_SEG.test(b) && VERSION_SEG.test(o)) return (differs = true);
          return false;
        });
        if (!same || !differs) continue;
        const r = matchSegs(c.segs, segs, s.base.length);
        if (!r) continue;
        return {
          match: { operation: c.op, spec: c.spec, basePath: s.server.basePath, methodFallback: false, pathParams: r.params },
          seen: '/' + segs.slice(0, s.base.length).join('/'),
          specBase: s.server.basePath,
        };
      }
    }
    return undefined;
  }

  private bestOf(ops: CompiledOp[] | undefined, host: string, segs: string[], methodFallback: boolean): RankedMatch | undefined {
    if (!ops) return undefined;
    let best: RankedMatch | undefined;
    for (const c of ops) {
      for (const s of c.servers) {
        if (!s.hostAny && s.host !== undefined && !hostMatches(s.host, host)) continue;
        for (const cand of this.candidates(s, segs)) {
          if (best && cand.rank > best.rank) continue;
          const r = matchSegs(c.segs, segs, cand.at);
          if (!r) continue;
          if (best && cand.rank === best.rank && compareScore(r.score, best.score) <= 0) continue;
          best = {
            rank: cand.rank,
            score: r.score,
            match: {
              operation: c.op,
              spec: c.spec,
              basePath: cand.base,
              ...(cand.prefix !== undefined ? { strippedPrefix: cand.prefix } : {}),
              methodFallback,
              pathParams: r.params,
            },
          };
        }
      }
    }
    return best;
  }

  private candidates(s: CompiledServer, segs: string[]): { at: number; rank: number; base: string; prefix?: string }[] {
    const out: { at: number; rank: number; base: string; prefix?: string }[] = [];
    const starts: { at: number; rank: number; base: string }[] = [];
    if (s.base.length === 0) starts.push({ at: 0, rank: 0, base: '' });
    else if (s.base.every((b, i) => segs[i] === b)) starts.push({ at: s.base.length, rank: 0, base: s.server.basePath });
    else if (s.baseOptional) starts.push({ at: 0, rank: 1, base: '' });
    for (const st of starts) {
      out.push(st);
      if (s.baseVersioned) continue;
      for (const p of this.prefixes) {
        if (prefixAt(segs, st.at, p)) out.push({ at: st.at + p.length, rank: 2, base: st.base, prefix: '/' + segs.slice(st.at, st.at + p.length).join('/') });
      }
    }
    return out;
  }
}

function observedSegments(path: string): string[] {
  return splitPath(path).map((s) => (PARAM_SEG.test(s) ? s : decodeSeg(s)));
}

/** Orders two ranked matches: negative when `a` is the better one. */
export function compareRanked(a: RankedMatch, b: RankedMatch): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  return compareScore(b.score, a.score);
}

function compareScore(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function matchSegs(tpl: Seg[], segs: string[], at: number): { score: number[]; params: Record<string, string> } | undefined {
  if (segs.length - at !== tpl.length) return undefined;
  const score: number[] = [];
  const params: Record<string, string> = {};
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i];
    const s = segs[at + i];
    if (t === undefined || s === undefined) return undefined;
    const observedParam = PARAM_SEG.test(s);
    if (t.kind === 'lit') {
      if (observedParam || t.value !== s) return undefined;
      score.push(2);
    } else if (t.kind === 'param') {
      params[t.name] = s;
      score.push(0);
    } else {
      if (observedParam) return undefined;
      const m = t.re.exec(s);
      if (!m) return undefined;
      t.names.forEach((n, j) => (params[n] = m[j + 1] ?? ''));
      score.push(1);
    }
  }
  return { score, params };
}
