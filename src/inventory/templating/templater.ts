// PathTemplater: observed (host, method, path) → endpoint template. Pure, synchronous, no I/O.
// Design and placeholder syntax: ./README.md.
import { classifySegment, decodeSegment, hostLabel, normalizeHost, PARAM_NAMES, splitPath, type Segment, type SegmentClass } from './classify';
import { compareScores, compileFixed, coverScore, fixedParamAt, matchFixed, type CompiledFixed } from './fixed';
import { junkKind } from './junk';
import {
  DEFAULT_TEMPLATING_OPTIONS,
  type FixedTemplate,
  type HostGateData,
  type HostStateData,
  type JunkValue,
  type NodeState,
  type Observation,
  type Remap,
  type SegmentType,
  type TemplateParam,
  type TemplateResult,
  type TemplaterState,
  type TemplatingOptions,
} from './types';

interface Node {
  terminal: boolean;
  children: Map<string, Node>;
  /** Evidence keys when this node is a literal *candidate* under its parent; null otherwise. */
  ev: Set<string> | null;
  /** Key signature of the parent-level `{str}` child once the evidence gate merged siblings. */
  merged: string[] | null;
  /** A merge here was undone by the user: never merge again. */
  noMerge: boolean;
  /** Number of literal candidate children (bounded by maxPendingPerParent). */
  candidates: number;
  /**
   * Evidence keys (union over its values, bounded by maxKeysPerValue) when this node is a typed
   * parameter (`{alnum}`) or a `{str}` that typed parameters folded into; null otherwise.
   */
  paramEv: Set<string> | null;
  /** Typed keys whose values go to this node's `{str}` child: one parameter per position. */
  foldedTypes: Set<string> | null;
  /** A literal candidate only ever answered 404/410 without keys: a lookup miss, not an endpoint. */
  notFoundOnly: boolean;
}

interface HostState {
  host: string;
  methods: Map<string, Node>;
  templates: number;
  /** `METHOD template` set while this host waits for tenant folding; null when not a candidate. */
  ev: Set<string> | null;
}

interface HostGate {
  suffix: string;
  members: Set<string>;
  merged: string[] | null;
  pinned: Set<string>;
}

const STR = '{str}';
const OVERFLOW = '{overflow}';
const NO_REMAPS: Remap[] = [];

function newNode(candidate: boolean, typed = false): Node {
  return {
    terminal: false,
    children: new Map(),
    ev: candidate ? new Set() : null,
    merged: null,
    noMerge: false,
    candidates: 0,
    paramEv: typed ? new Set() : null,
    foldedTypes: null,
    notFoundOnly: false,
  };
}

/** A whole-segment typed parameter (`{int}`, `{alnum}`), the kind that can fold into `{str}`; file names (`{int}.gif`) stay apart. */
function isTypedKey(k: string): boolean {
  return k !== STR && k !== OVERFLOW && /^\{[a-z0-9]+\}$/.test(k);
}

function addBounded(dst: Set<string>, src: Iterable<string>, max: number): boolean {
  let grew = false;
  for (const k of src) {
    if (dst.size >= max) break;
    if (!dst.has(k)) {
      dst.add(k);
      grew = true;
    }
  }
  return grew;
}

/** Jaccard distance of two key sets (0 = identical). */
export function jaccardDistance(a: ReadonlySet<string>, b: ReadonlySet<string> | readonly string[]): number {
  const bs = b instanceof Set ? (b as ReadonlySet<string>) : new Set(b as readonly string[]);
  if (a.size === 0 && bs.size === 0) return 0;
  let inter = 0;
  const [small, big] = a.size <= bs.size ? [a, bs] : [bs, a];
  for (const k of small) if (big.has(k)) inter++;
  return 1 - inter / (a.size + bs.size - inter);
}

/** Evidence tokens are `<suffix shape>#<key>`; a suffix shape never contains '#' (literals are encoded). */
function suffixOf(token: string): string {
  const i = token.indexOf('#');
  return i < 0 ? '' : token.slice(0, i);
}

function commonSuffixTokens(a: Iterable<string>, b: Iterable<string>): [Set<string>, Set<string>] | null {
  const sa = new Set<string>();
  const sb = new Set<string>();
  for (const t of a) sa.add(suffixOf(t));
  for (const t of b) sb.add(suffixOf(t));
  const fa = new Set<string>();
  const fb = new Set<string>();
  for (const t of a) if (sb.has(suffixOf(t))) fa.add(t);
  for (const t of b) if (sa.has(suffixOf(t))) fb.add(t);
  return fa.size === 0 && fb.size === 0 ? null : [fa, fb];
}

/**
 * Distance between two values' evidence, compared only over the path suffixes both were seen with
 * (`/users/alice` and `/users/bob/email` say nothing about each other). null: nothing comparable.
 */
export function evidenceDistance(a: Iterable<string>, b: Iterable<string>): number | null {
  const c = commonSuffixTokens(a, b);
  return c ? jaccardDistance(c[0], c[1]) : null;
}

/**
 * Does one observation fit a merged signature? Over the common suffixes, the share of the
 * observation's keys unknown to the signature must stay within the tolerance (optional keys that
 * are absent do not count against it). No common suffix: no contradiction, it fits.
 */
export function observationFits(obs: ReadonlySet<string>, signature: readonly string[], tol: number): boolean {
  const c = commonSuffixTokens(obs, signature);
  if (!c) return true;
  const [o, s] = c;
  if (o.size === 0) return true;
  let known = 0;
  for (const t of o) if (s.has(t)) known++;
  return 1 - known / o.size <= tol;
}

/** > 0 when fixed template `a` (scored `sa`) wins over `b`: user-approved first, then the most literal, then the oldest. */
function preferFixed(a: CompiledFixed, sa: number[], b: CompiledFixed, sb: number[]): number {
  const userA = a.def.source === 'approved';
  const userB = b.def.source === 'approved';
  return userA !== userB ? (userA ? 1 : -1) : compareScores(sa, sb) || b.order - a.order;
}

/** The parameter child a junk value at this node folds into: `{str}` first, else the first typed one. */
function paramChildKey(node: Node): string | null {
  if (node.children.has(STR)) return STR;
  for (const k of node.children.keys()) if (isTypedKey(k)) return k;
  return null;
}

/** No value of this method at this position has shown any key (empty bodies, no query). */
function ownKeyless(node: Node): boolean {
  for (const [k, c] of node.children) {
    if (c.ev && c.ev.size > 0) return false;
    if (k !== STR && c.paramEv && c.paramEv.size > 0) return false;
  }
  return true;
}

/** Another method's node for the same prefix: its literal or typed values may sit in its `{str}`. */
function siblingNode(root: Node, keys: readonly string[]): Node | null {
  let n = root;
  for (const k of keys) {
    let c = n.children.get(k);
    if (!c && n.children.has(STR) && (isTypedKey(k) ? n.foldedTypes?.has(k) : k.charCodeAt(0) !== 123 && n.merged)) c = n.children.get(STR);
    if (!c) return null;
    n = c;
  }
  return n;
}

/** Junk values at the parameters of a fixed-template match. */
function junkAtParams(segs: readonly Segment[], params: readonly TemplateParam[]): JunkValue[] | undefined {
  let out: JunkValue[] | undefined;
  for (const p of params) {
    const s = segs[p.position];
    if (!s?.decodeOk) continue;
    const kind = junkKind(s.value);
    if (kind && !out?.some((j) => j.position === p.position)) (out ??= []).push({ position: p.position, kind, value: s.value });
  }
  return out;
}

/** What derive's walk needs to ask sibling methods and fixed templates. */
interface WalkContext {
  host: string;
  hs: HostState;
  method: string;
  segs: readonly Segment[];
  tokens: readonly string[];
  qualified: (i: number) => Set<string>;
}

/** Render tree keys to a template string and its params; repeated names get a suffix (`id`, `id2`). */
export function renderKeys(keys: readonly string[]): { template: string; params: TemplateParam[] } {
  if (keys.length === 0) return { template: '/', params: [] };
  const counts = new Map<string, number>();
  const params: TemplateParam[] = [];
  let template = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k.charCodeAt(0) !== 123 /* { */) {
      template += '/' + k;
      continue;
    }
    const close = k.indexOf('}');
    const type = k.slice(1, close) as SegmentType;
    const rest = k.slice(close + 1);
    if (type === 'overflow') {
      template += '/{overflow}' + rest;
      params.push({ name: 'overflow', type, position: i });
      continue;
    }
    const base = PARAM_NAMES[type] ?? 'param';
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    const name = n === 1 ? base : `${base}${n}`;
    template += `/{${name}:${type}}${rest}`;
    params.push({ name, type, position: i });
  }
  return { template, params };
}

/** Inverse of renderKeys for one template string (`{id:int}.gif` → `{int}.gif`). */
export function templateToKeys(template: string): string[] {
  return template
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/^\{[^{}:]*:([a-z0-9]+)\}/, '{$1}'));
}

function collectTerminals(n: Node, prefix: string[], out: string[][]): void {
  if (n.terminal) out.push(prefix.slice());
  for (const [k, c] of n.children) {
    prefix.push(k);
    collectTerminals(c, prefix, out);
    prefix.pop();
  }
}

export interface TemplaterCounters {
  /** observe() calls. */
  observations: number;
  /** Evidence-gate merges of sibling literals into `{name:str}`. */
  evidenceMerges: number;
  /** Tenant host folds into `{tenant}.suffix`. */
  hostFolds: number;
  /** Observations answered `/{overflow}` because maxTemplatesPerHost was reached. */
  overflowTemplates: number;
  /** Observations sent to host `{overflow}` because maxHosts was reached. */
  overflowHosts: number;
  /** New literals sent to `{overflow}` (or hosts not tracked) because maxPendingPerParent was reached. */
  overflowPending: number;
  /** Paths longer than maxSegments. */
  truncatedPaths: number;
  specMatches: number;
  approvedMatches: number;
  /** Segments whose percent-escapes are not UTF-8 (kept raw). */
  undecodableSegments: number;
  /** Junk values (`NaN`, `null`, `{id}`...) seen at a parameter position (folded into it, or in a fixed template's parameter). */
  junkValues: number;
  /** Typed parameters (`{alnum}`, `{int}`...) folded into the `{str}` parameter at their position. */
  typedFolds: number;
  /** Key-less values of one method joined to the parameter a sibling method (or a fixed template) has at that position. */
  borrowedValues: number;
  hosts: number;
  templates: number;
  fixedTemplates: number;
}

export class PathTemplater {
  readonly opts: Readonly<TemplatingOptions>;
  private readonly hosts = new Map<string, HostState>();
  private readonly gates = new Map<string, HostGate>();
  private readonly fixed: CompiledFixed[] = [];
  /** Fixed templates indexed by normalised host (or `*`). */
  private readonly fixedByHost = new Map<string, CompiledFixed[]>();
  private readonly ctr = {
    observations: 0,
    evidenceMerges: 0,
    hostFolds: 0,
    overflowTemplates: 0,
    overflowHosts: 0,
    overflowPending: 0,
    truncatedPaths: 0,
    specMatches: 0,
    approvedMatches: 0,
    undecodableSegments: 0,
    junkValues: 0,
    typedFolds: 0,
    borrowedValues: 0,
  };

  constructor(opts: Partial<TemplatingOptions> = {}) {
    const o = { ...DEFAULT_TEMPLATING_OPTIONS, ...opts };
    if (!(o.minDistinctValues >= 2)) throw new RangeError('minDistinctValues must be >= 2');
    if (!(o.maxKeyDistance >= 0 && o.maxKeyDistance <= 1)) throw new RangeError('maxKeyDistance must be in [0, 1]');
    if (o.maxPendingPerParent < o.minDistinctValues) throw new RangeError('maxPendingPerParent must be >= minDistinctValues');
    if (!(o.maxSegments >= 2)) throw new RangeError('maxSegments must be >= 2');
    if (!(o.maxTemplatesPerHost >= 1) || !(o.maxHosts >= 1) || !(o.maxKeysPerValue >= 1)) throw new RangeError('bounds must be >= 1');
    this.opts = Object.freeze(o);
  }

  // ---------------------------------------------------------------- observe

  /**
   * Template one request. The returned template is the *current* one: a literal path seen before the
   * evidence gate merges its siblings keeps its literal template until then; the call that merges lists
   * every folded (host, method, template) in `remapped` so the caller can re-key its stats.
   */
  observe(obs: Observation): TemplateResult {
    this.ctr.observations++;
    const method = obs.method.toUpperCase();
    const host = normalizeHost(obs.host);
    let path = obs.path;
    const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
    if (abs) path = path.slice(abs[0].length) || '/';
    let remaps: Remap[] = NO_REMAPS;
    const addRemaps = (r: Remap[]): void => {
      if (r.length === 0) return;
      if (remaps === NO_REMAPS) remaps = [];
      for (const x of r) remaps.push(x);
    };

    let hostKey = this.resolveHost(host);
    if (path === '*') return { hostTemplate: hostKey, template: '*', params: [], source: 'derived', remapped: remaps };
    const segs = splitPath(path);
    for (const s of segs) if (!s.decodeOk) this.ctr.undecodableSegments++;

    let res: { template: string; params: TemplateParam[]; source: TemplateResult['source']; junk?: JunkValue[] };
    const fx = this.matchFixedAll(host, hostKey, method, segs);
    if (fx) {
      if (fx.source === 'spec') this.ctr.specMatches++;
      else this.ctr.approvedMatches++;
      res = { ...fx, junk: junkAtParams(segs, fx.params) };
    } else {
      const hs = this.hosts.get(hostKey) as HostState;
      const tokens: string[] = [];
      const status = obs.status ?? null;
      if (obs.requestKeys) for (const k of obs.requestKeys) tokens.push('q:' + k);
      // an error body has the error's shape, not the endpoint's
      if (obs.responseKeys && !(status !== null && status >= 400)) for (const k of obs.responseKeys) tokens.push('r:' + k);
      const r: Remap[] = [];
      res = this.derive(host, hs, method, segs, tokens, status === 404 || status === 410, r);
      addRemaps(r);
    }

    const hs = this.hosts.get(hostKey);
    if (hs && hs.ev && res.source !== 'overflow') {
      const tok = `${method} ${res.template}`;
      if (!hs.ev.has(tok) && hs.ev.size < this.opts.maxKeysPerValue) {
        hs.ev.add(tok);
        const r: Remap[] = [];
        const folded = this.hostGateCheck(hs, r);
        if (folded) hostKey = folded;
        addRemaps(r);
      }
    }
    const out: TemplateResult = { hostTemplate: hostKey, template: res.template, params: res.params, source: res.source, remapped: remaps };
    if (res.junk && res.junk.length > 0) {
      this.ctr.junkValues += res.junk.length;
      out.junk = res.junk;
    }
    return out;
  }

  /**
   * The template `observe` would answer for this request when no new node is needed: the host is
   * known, every segment walks an existing node to a terminal one, and the host's tenant gate has
   * nothing to learn from it. Null otherwise (the caller then observes with the message's keys).
   * Lets the inventory sample calls of a known endpoint on new ids; what such a call could add is
   * evidence for literal siblings already seen, which the endpoint's analysed calls keep feeding.
   */
  peek(rawHost: string, rawMethod: string, rawPath: string): { hostTemplate: string; template: string } | null {
    const method = rawMethod.toUpperCase();
    const host = normalizeHost(rawHost);
    let path = rawPath;
    const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
    if (abs) path = path.slice(abs[0].length) || '/';
    if (path === '*') return null;
    const hs = this.hosts.get(host);
    if (!hs) return null;
    const segs = splitPath(path);
    if (segs.length > this.opts.maxSegments) return null;
    // a junk value is reported by observe, so the caller counts it on the endpoint
    for (const s of segs) if (s.decodeOk && junkKind(s.value)) return null;
    let template: string;
    const fx = this.matchFixedAll(host, host, method, segs);
    if (fx) template = fx.template;
    else {
      let node = hs.methods.get(method);
      if (!node) return null;
      const keys: string[] = [];
      for (let i = 0; i < segs.length; i++) {
        const c = classifySegment(segs[i] as Segment, i > 0 ? (segs[i - 1] as Segment).value : undefined, i);
        let key = c.key;
        if (c.kind === 'param' && !node.children.has(key) && node.foldedTypes?.has(key)) key = STR;
        const child: Node | undefined = node.children.get(key);
        // an unknown literal needs the message's keys for the evidence gate
        if (!child || key === OVERFLOW) return null;
        keys.push(key);
        node = child;
      }
      if (!node.terminal) return null;
      template = renderKeys(keys).template;
    }
    if (hs.ev && hs.ev.size < this.opts.maxKeysPerValue && !hs.ev.has(`${method} ${template}`)) return null;
    return { hostTemplate: host, template };
  }

  private resolveHost(host: string): string {
    if (this.hosts.has(host)) return host;
    const lab = hostLabel(host);
    const gate = lab ? this.gates.get(lab.suffix) : undefined;
    if (lab && gate && gate.merged && !gate.pinned.has(lab.label)) {
      const key = `{tenant}.${lab.suffix}`;
      if (!this.hosts.has(key)) this.hosts.set(key, { host: key, methods: new Map(), templates: 0, ev: null });
      return key;
    }
    if (this.hosts.size >= this.opts.maxHosts) {
      this.ctr.overflowHosts++;
      if (!this.hosts.has(OVERFLOW)) this.hosts.set(OVERFLOW, { host: OVERFLOW, methods: new Map(), templates: 0, ev: null });
      return OVERFLOW;
    }
    const hs: HostState = { host, methods: new Map(), templates: 0, ev: null };
    this.hosts.set(host, hs);
    if (lab && !(gate && gate.pinned.has(lab.label))) {
      let g = gate;
      if (!g) {
        g = { suffix: lab.suffix, members: new Set(), merged: null, pinned: new Set() };
        this.gates.set(lab.suffix, g);
      }
      if (g.members.size < this.opts.maxPendingPerParent) {
        g.members.add(lab.label);
        hs.ev = new Set();
      } else this.ctr.overflowPending++;
    }
    return host;
  }

  private hostGateCheck(hs: HostState, remaps: Remap[]): string | null {
    const lab = hostLabel(hs.host);
    const ev = hs.ev;
    if (!lab || !ev) return null;
    const gate = this.gates.get(lab.suffix);
    if (!gate) return null;
    const tol = this.opts.maxKeyDistance;
    if (gate.merged) {
      if (jaccardDistance(ev, gate.merged) <= tol) return this.foldHosts(gate, [lab.label], remaps);
      return null;
    }
    const members: string[] = [];
    for (const label of gate.members) {
      const o = this.hosts.get(`${label}.${lab.suffix}`);
      if (o?.ev && o.ev.size > 0 && jaccardDistance(o.ev, ev) <= tol) members.push(label);
    }
    if (members.length < this.opts.minDistinctValues) return null;
    gate.merged = [...ev];
    return this.foldHosts(gate, members, remaps);
  }

  private foldHosts(gate: HostGate, labels: string[], remaps: Remap[]): string {
    const target = `{tenant}.${gate.suffix}`;
    let ths = this.hosts.get(target);
    if (!ths) {
      ths = { host: target, methods: new Map(), templates: 0, ev: null };
      this.hosts.set(target, ths);
    }
    for (const label of labels) {
      const host = `${label}.${gate.suffix}`;
      const hs = this.hosts.get(host);
      gate.members.delete(label);
      if (!hs) continue;
      let collapsed = 0;
      for (const [m, root] of hs.methods) {
        const terms: string[][] = [];
        collectTerminals(root, [], terms);
        for (const keys of terms) {
          const t = renderKeys(keys).template;
          remaps.push({ fromHost: host, toHost: target, method: m, from: t, to: t });
        }
        const troot = ths.methods.get(m);
        if (troot) collapsed += this.mergeInto(troot, root);
        else ths.methods.set(m, root);
      }
      ths.templates += hs.templates - collapsed;
      this.hosts.delete(host);
    }
    this.ctr.hostFolds++;
    return target;
  }

  // ---------------------------------------------------------------- fixed templates

  private matchFixedAll(
    host: string,
    hostKey: string,
    method: string,
    segs: Segment[],
  ): { template: string; params: TemplateParam[]; source: 'approved' | 'spec' } | null {
    if (this.fixed.length === 0) return null;
    const best = this.bestFixed(host, hostKey, segs, (f) => f.method === '*' || f.method === method);
    return best ? { template: best.f.def.template, params: best.params, source: best.f.def.source } : null;
  }

  /** The fixed template that wins for this path among those `accept` allows: user beats spec, then most literal, then oldest. */
  private bestFixed(
    host: string,
    hostKey: string,
    segs: readonly Segment[],
    accept: (f: CompiledFixed) => boolean,
  ): { f: CompiledFixed; score: number[]; params: TemplateParam[] } | null {
    let best: { f: CompiledFixed; score: number[]; params: TemplateParam[] } | null = null;
    const lists = [this.fixedByHost.get('*'), this.fixedByHost.get(host), hostKey !== host ? this.fixedByHost.get(hostKey) : undefined];
    for (const list of lists) {
      if (!list) continue;
      for (const f of list) {
        if (f.segs.length !== segs.length || !accept(f)) continue;
        const m = matchFixed(f, segs as Segment[]);
        if (!m) continue;
        if (!best || preferFixed(f, m.score, best.f, best.score) > 0) best = { f, ...m };
      }
    }
    return best;
  }

  private addFixed(def: FixedTemplate): CompiledFixed {
    const existing = this.fixed.find(
      (f) => f.def.source === def.source && f.def.host === def.host && f.def.method === def.method && f.def.template === def.template,
    );
    if (existing) return existing;
    const c = compileFixed(def, this.fixed.length, normalizeHost);
    this.fixed.push(c);
    let list = this.fixedByHost.get(c.host);
    if (!list) {
      list = [];
      this.fixedByHost.set(c.host, list);
    }
    list.push(c);
    return c;
  }

  /**
   * Remove derived templates that the new fixed templates capture. Each is reported as a remap to the
   * fixed template that would win for it among all that cover it, so a derived `/user/login` goes to
   * a spec's `/user/login`, not to its `/user/{username}` listed earlier.
   */
  private retireCovered(added: readonly CompiledFixed[]): Remap[] {
    const out: Remap[] = [];
    if (added.length === 0) return out;
    for (const hs of this.hosts.values()) {
      const applies = (c: CompiledFixed, m: string): boolean => (c.host === '*' || c.host === hs.host) && (c.method === '*' || c.method === m);
      for (const [m, root] of hs.methods) {
        if (!added.some((c) => applies(c, m))) continue;
        const visit = (n: Node, keys: string[]): void => {
          if (n.terminal && added.some((c) => applies(c, m) && coverScore(c, keys) !== null)) {
            let best: { c: CompiledFixed; score: number[] } | null = null;
            for (const c of this.fixed) {
              if (!applies(c, m)) continue;
              const score = coverScore(c, keys);
              if (score && (!best || preferFixed(c, score, best.c, best.score) > 0)) best = { c, score };
            }
            if (best) {
              n.terminal = false;
              hs.templates--;
              out.push({ fromHost: hs.host, toHost: hs.host, method: m, from: renderKeys(keys).template, to: best.c.def.template });
            }
          }
          for (const [k, ch] of n.children) {
            keys.push(k);
            visit(ch, keys);
            keys.pop();
          }
        };
        visit(root, []);
      }
    }
    return out;
  }

  /**
   * Templates from an OpenAPI spec (paths already joined with the server base path), per host or `*`,
   * per method or `*`. They win over derived templates (not over user-approved ones).
   */
  addSpecTemplates(entries: readonly { host?: string; method?: string; path: string }[]): Remap[] {
    const added = entries.map((e) => this.addFixed({ host: e.host ?? '*', method: e.method ?? '*', template: e.path, source: 'spec' }));
    return this.retireCovered(added);
  }

  /** Sets the spec templates to exactly `entries` (on start and when the configured specs change). */
  replaceSpecTemplates(entries: readonly { host?: string; method?: string; path: string }[]): Remap[] {
    const keep = this.fixed.filter((f) => f.def.source !== 'spec').map((f) => f.def);
    this.fixed.length = 0;
    this.fixedByHost.clear();
    for (const def of keep) this.addFixed(def);
    return this.addSpecTemplates(entries);
  }

  /** User approval: the template (literal or with `{name}` / `{name:type}` params) is fixed for good. */
  approve(t: { host?: string; method?: string; template: string }): Remap[] {
    const c = this.addFixed({ host: t.host ?? '*', method: t.method ?? '*', template: t.template, source: 'approved' });
    return this.retireCovered([c]);
  }

  /** User merge: like approve, for a template with at least one parameter (`/products/{slug}`). */
  merge(t: { host?: string; method?: string; template: string }): Remap[] {
    if (!t.template.includes('{')) throw new Error(`merge needs a parameter in the template: ${t.template}`);
    return this.approve(t);
  }

  /**
   * User split. With `path`: pin that concrete path as a literal template (it never folds into a
   * parameter again). With `template`: undo the evidence merge at the template's last `{..:str}`
   * parameter; that parent never merges again, its values re-derive as literals, and the removed
   * templates are returned with `to: null`.
   */
  split(t: { host: string; method: string; path: string } | { host: string; method: string; template: string }): Remap[] {
    if ('path' in t) {
      const segs = splitPath(t.path);
      const literal = '/' + segs.map((s) => s.literal).join('/');
      return this.approve({ host: t.host, method: t.method, template: literal });
    }
    const host = normalizeHost(t.host);
    const method = t.method.toUpperCase();
    const hs = this.hosts.get(host);
    const root = hs?.methods.get(method);
    if (!hs || !root) return [];
    const keys = templateToKeys(t.template);
    const at = keys.lastIndexOf(STR);
    if (at < 0) return [];
    let parent: Node | undefined = root;
    for (let i = 0; i < at && parent; i++) parent = parent.children.get(keys[i] as string);
    const merged = parent?.children.get(STR);
    if (!parent || !merged) return [];
    parent.noMerge = true;
    parent.merged = null;
    parent.foldedTypes = null;
    parent.children.delete(STR);
    const terms: string[][] = [];
    collectTerminals(merged, keys.slice(0, at + 1), terms);
    hs.templates -= terms.length;
    return terms.map((k) => ({ fromHost: host, toHost: host, method, from: renderKeys(k).template, to: null }));
  }

  /** Keep this host literal: it never folds into `{tenant}.suffix` (already folded history stays). */
  splitHost(host: string): void {
    const lab = hostLabel(normalizeHost(host));
    if (!lab) return;
    let g = this.gates.get(lab.suffix);
    if (!g) {
      g = { suffix: lab.suffix, members: new Set(), merged: null, pinned: new Set() };
      this.gates.set(lab.suffix, g);
    }
    g.pinned.add(lab.label);
    g.members.delete(lab.label);
    const hs = this.hosts.get(normalizeHost(host));
    if (hs) hs.ev = null;
  }

  // ---------------------------------------------------------------- derivation

  private derive(
    host: string,
    hs: HostState,
    method: string,
    segs: Segment[],
    tokens: string[],
    notFound: boolean,
    remaps: Remap[],
  ): { template: string; params: TemplateParam[]; source: TemplateResult['source']; junk?: JunkValue[] } {
    let root = hs.methods.get(method);
    if (!root) {
      root = newNode(false);
      hs.methods.set(method, root);
    }
    const max = this.opts.maxSegments;
    const tol = this.opts.maxKeyDistance;
    const truncated = segs.length > max;
    if (truncated) this.ctr.truncatedPaths++;
    const n = truncated ? max : segs.length;
    const cls: SegmentClass[] = [];
    for (let i = 0; i < n; i++) {
      if (truncated && i === n - 1) {
        cls.push({ kind: 'param', key: OVERFLOW, type: 'overflow' });
        break;
      }
      cls.push(classifySegment(segs[i] as Segment, i > 0 ? (segs[i - 1] as Segment).value : undefined, i));
    }
    const suffixShape = (i: number): string => {
      let s = '';
      for (let j = i + 1; j < cls.length; j++) s += '/' + (cls[j] as SegmentClass).key;
      return s;
    };
    const qualified = (i: number): Set<string> => {
      const sfx = suffixShape(i);
      const out = new Set<string>();
      for (const t of tokens) out.add(sfx + '#' + t);
      return out;
    };
    const ctx: WalkContext = { host, hs, method, segs, tokens, qualified };

    let junk: JunkValue[] = [];
    /** Depths whose parent may hold junk literals (seen before a parameter existed there) to fold. */
    const junkSweeps: number[] = [];
    const walk = (create: boolean, afterFold = false): { keys: string[]; nodes: Node[] } | null => {
      junk = [];
      const keys: string[] = [];
      const nodes: Node[] = [root as Node];
      for (let i = 0; i < cls.length; i++) {
        const c = cls[i] as SegmentClass;
        const node = nodes[nodes.length - 1] as Node;
        let key = c.key;
        let candidate = false;
        if (c.kind === 'param') {
          if (isTypedKey(key) && !node.children.has(key) && this.typedJoinsStr(ctx, node, keys, key, i, create)) key = STR;
        } else if (!c.hard) {
          const seg = segs[i] as Segment;
          const kind = seg.decodeOk ? junkKind(seg.value) : null;
          const target = kind ? paramChildKey(node) : null;
          if (kind && target) {
            // a client bug at a parameter position: the parameter's value, not a new endpoint
            junk.push({ position: i, kind, value: seg.value });
            if (create && node.children.has(c.key)) junkSweeps.push(i);
            key = target;
          } else if (!node.children.has(c.key)) {
            if (node.merged && !node.noMerge && (afterFold || tokens.length === 0 || observationFits(qualified(i), node.merged, tol))) {
              key = STR;
            } else if (tokens.length === 0 && this.borrowsParam(ctx, node, keys, i, c.key)) {
              key = STR;
              if (create) this.ctr.borrowedValues++;
            } else if (node.candidates >= this.opts.maxPendingPerParent) {
              key = OVERFLOW;
              if (create) this.ctr.overflowPending++;
            } else candidate = true;
          }
        }
        let child = node.children.get(key);
        if (!child) {
          if (!create) return null;
          const typed = isTypedKey(key);
          child = newNode(candidate, typed);
          child.notFoundOnly = candidate && notFound && tokens.length === 0;
          node.children.set(key, child);
          if (candidate) node.candidates++;
          if (typed) junkSweeps.push(i);
        }
        keys.push(key);
        nodes.push(child);
        if (key === OVERFLOW) break; // an overflow absorbs the rest of the path
      }
      return { keys, nodes };
    };

    const full = hs.templates >= this.opts.maxTemplatesPerHost;
    let w = walk(!full);
    const last = w ? (w.nodes[w.nodes.length - 1] as Node) : null;
    if (!w || !last || (!last.terminal && full)) {
      this.ctr.overflowTemplates++;
      return { template: '/{overflow}', params: [{ name: 'overflow', type: 'overflow', position: 0 }], source: 'overflow' };
    }
    if (!last.terminal) {
      last.terminal = true;
      hs.templates++;
    }
    for (const i of junkSweeps) this.foldJunkLiterals(hs, method, w.nodes[i] as Node, w.keys.slice(0, i), remaps);
    if (!notFound || tokens.length > 0) for (const nd of w.nodes) nd.notFoundOnly = false;

    // Evidence: every literal candidate and typed parameter on the path learns this observation's keys
    // (qualified by the shape of the rest of the path), then its parent's gate is checked. A request
    // carrying junk is a client bug: its (error) response says nothing about the endpoint's shape.
    if (tokens.length > 0 && junk.length === 0) {
      let changed = false;
      for (let i = 0; i < w.keys.length; i++) {
        const child = w.nodes[i + 1] as Node;
        const parent = w.nodes[i] as Node;
        const key = w.keys[i] as string;
        if (parent.noMerge || parent.children.get(key) !== child) continue; // moved by an earlier fold
        const store = child.ev ?? (isTypedKey(key) ? child.paramEv : null);
        if (!store || store.size >= this.opts.maxKeysPerValue) continue;
        const sfx = suffixShape(i);
        if (!addBounded(store, tokens.map((t) => sfx + '#' + t), this.opts.maxKeysPerValue)) continue;
        const prefix = w.keys.slice(0, i);
        const folded = child.ev ? this.gateCheck(hs, method, parent, key, prefix, remaps) : this.typedGateCheck(hs, method, parent, key, prefix, remaps);
        if (folded) changed = true;
      }
      if (changed) {
        w = walk(false, true);
        if (!w) throw new Error('templating: path lost after merge'); // unreachable: folds keep subtrees
      }
    }
    const r = renderKeys(w.keys);
    return { template: r.template, params: r.params, source: 'derived', ...(junk.length > 0 ? { junk } : {}) };
  }

  /**
   * Does a typed value with no child of its own yet go to the `{str}` parameter at its position? Yes
   * when its type was folded there, when the position has an evidence merge and the value's keys fit
   * it (or it has none), or when it has no keys and a sibling method says so (borrowsParam).
   */
  private typedJoinsStr(ctx: WalkContext, node: Node, keys: string[], key: string, i: number, create: boolean): boolean {
    if (node.noMerge) return false;
    if (node.foldedTypes?.has(key)) return true;
    if (node.merged) {
      if (ctx.tokens.length > 0 && !observationFits(ctx.qualified(i), node.merged, this.opts.maxKeyDistance)) return false;
      if (create) {
        (node.foldedTypes ??= new Set()).add(key);
        this.ctr.typedFolds++;
      }
      return true;
    }
    if (ctx.tokens.length === 0 && this.borrowsParam(ctx, node, keys, i, key)) {
      if (create) this.ctr.borrowedValues++;
      return true;
    }
    return false;
  }

  /**
   * A method whose values at this position carry no keys at all (DELETE answered with empty bodies)
   * gives the evidence gate nothing. A key-less value there joins the parameter that a sibling method
   * of the same host merged at the same position, unless that sibling keeps this very value literal
   * (`GET /user/logout`); or the parameter of the most specific fixed (spec / approved) template of
   * another method matching the same path.
   */
  private borrowsParam(ctx: WalkContext, node: Node, keys: string[], i: number, key: string): boolean {
    if (node.merged || node.noMerge) return false;
    const typed = isTypedKey(key);
    let evidence = false;
    for (const [m, root] of ctx.hs.methods) {
      if (m === ctx.method) continue;
      const sn = siblingNode(root, keys);
      if (!sn || sn.noMerge || !sn.children.has(STR)) continue;
      if (typed ? sn.foldedTypes?.has(key) || (sn.merged && !sn.children.has(key)) : sn.merged && !sn.children.has(key)) {
        evidence = true;
        break;
      }
    }
    if (!evidence && this.fixed.length > 0) {
      const best = this.bestFixed(ctx.host, ctx.hs.host, ctx.segs, (f) => f.method !== ctx.method && f.method !== '*');
      evidence = best !== null && fixedParamAt(best.f, i);
    }
    return evidence && ownKeyless(node);
  }

  private gateCheck(hs: HostState, method: string, parent: Node, litKey: string, prefix: string[], remaps: Remap[]): boolean {
    const child = parent.children.get(litKey);
    const ev = child?.ev;
    if (!child || !ev || ev.size === 0 || parent.noMerge) return false;
    const tol = this.opts.maxKeyDistance;
    if (parent.merged) {
      // the rule a new value meets: its keys fit the signature (optional keys it lacks do not count)
      if (!observationFits(ev, parent.merged, tol)) return false;
      this.fold(hs, method, parent, [litKey], prefix, remaps);
      return true;
    }
    const members: string[] = [];
    for (const [k, c] of parent.children) {
      if (!c.ev || c.ev.size === 0) continue;
      const d = evidenceDistance(c.ev, ev);
      if (d !== null && d <= tol) members.push(k);
    }
    if (members.length < this.opts.minDistinctValues) return false;
    // The signature is every member's keys, so a value lacking an optional field still fits it.
    const signature = new Set<string>();
    for (const k of members) addBounded(signature, parent.children.get(k)?.ev ?? [], this.opts.maxKeysPerValue);
    parent.merged = [...signature];
    this.ctr.evidenceMerges++;
    // Every waiting value that meets the rule a new value meets joins now, and so do lookup misses.
    const joining: string[] = [];
    for (const [k, c] of parent.children) {
      if (!c.ev) continue;
      if (c.ev.size === 0 ? c.notFoundOnly : observationFits(c.ev, parent.merged, tol)) joining.push(k);
    }
    this.fold(hs, method, parent, joining, prefix, remaps);
    // Typed parameters at this position join when their keys fit, or when they have none.
    const typed: string[] = [];
    for (const [k, c] of parent.children) {
      if (isTypedKey(k) && c.paramEv && (c.paramEv.size === 0 || observationFits(c.paramEv, parent.merged, tol))) typed.push(k);
    }
    if (typed.length > 0) this.foldTyped(hs, method, parent, typed, prefix, remaps);
    else this.foldBorrowers(hs, method, parent, prefix, remaps);
    return true;
  }

  /**
   * Two parameters at one position under one parent are one parameter when their keys agree: a typed
   * parameter folds into the position's `{str}` when its keys fit the evidence merge's signature or
   * agree with the typed parameters already folded there, or, with no `{str}` yet, together with the
   * typed siblings it agrees with (`/user/{id:alnum}` and `/user/{email:email}`).
   */
  private typedGateCheck(hs: HostState, method: string, parent: Node, key: string, prefix: string[], remaps: Remap[]): boolean {
    const child = parent.children.get(key);
    const ev = child?.paramEv;
    if (!child || !ev || ev.size === 0 || parent.noMerge) return false;
    const tol = this.opts.maxKeyDistance;
    const str = parent.children.get(STR);
    const fitsMerged = parent.merged !== null && observationFits(ev, parent.merged, tol);
    const strDistance = str?.paramEv && str.paramEv.size > 0 ? evidenceDistance(str.paramEv, ev) : null;
    if (fitsMerged || (strDistance !== null && strDistance <= tol)) {
      this.foldTyped(hs, method, parent, [key], prefix, remaps);
      return true;
    }
    if (str) return false;
    const members = [key];
    for (const [k, c] of parent.children) {
      if (k === key || !isTypedKey(k) || !c.paramEv || c.paramEv.size === 0) continue;
      const d = evidenceDistance(c.paramEv, ev);
      if (d !== null && d <= tol) members.push(k);
    }
    if (members.length < 2) return false;
    this.foldTyped(hs, method, parent, members, prefix, remaps);
    return true;
  }

  private foldTyped(hs: HostState, method: string, parent: Node, keys: string[], prefix: string[], remaps: Remap[]): void {
    let target = parent.children.get(STR);
    if (!target) {
      target = newNode(false);
      parent.children.set(STR, target);
    }
    target.paramEv ??= new Set();
    const folded = (parent.foldedTypes ??= new Set());
    for (const k of keys) {
      if (!parent.children.has(k)) continue;
      folded.add(k);
      this.ctr.typedFolds++;
    }
    this.foldInto(hs, method, parent, keys, STR, prefix, remaps);
    this.foldBorrowers(hs, method, parent, prefix, remaps);
  }

  /**
   * `parent` (method `method`) now has a merged parameter: in sibling methods of the host, the
   * key-less values at the same position that it does not keep literal join their own `{str}`
   * (see borrowsParam; here for values seen before the merge).
   */
  private foldBorrowers(hs: HostState, method: string, parent: Node, prefix: string[], remaps: Remap[]): void {
    if (parent.noMerge || !parent.children.has(STR)) return;
    for (const [m, root] of hs.methods) {
      if (m === method) continue;
      let n: Node | undefined = root;
      for (const k of prefix) n = n?.children.get(k);
      if (!n || n.merged || n.noMerge || !ownKeyless(n)) continue;
      const join: string[] = [];
      for (const [k, c] of n.children) {
        if (k === STR || parent.children.has(k)) continue;
        if (c.ev ? parent.merged : isTypedKey(k) && (parent.foldedTypes?.has(k) || parent.merged)) join.push(k);
      }
      if (join.length === 0) continue;
      this.ctr.borrowedValues += join.length;
      this.foldInto(hs, m, n, join, STR, prefix, remaps);
    }
  }

  /** Junk literals seen before the position had a parameter fold into it now. */
  private foldJunkLiterals(hs: HostState, method: string, parent: Node, prefix: string[], remaps: Remap[]): void {
    const target = paramChildKey(parent);
    if (!target) return;
    const junkKeys: string[] = [];
    for (const k of parent.children.keys()) {
      if (k.charCodeAt(0) === 123 /* { */) continue;
      const d = decodeSegment(k);
      if (d.ok && junkKind(d.value)) junkKeys.push(k);
    }
    if (junkKeys.length > 0) this.foldInto(hs, method, parent, junkKeys, target, prefix, remaps);
  }

  private fold(hs: HostState, method: string, parent: Node, litKeys: string[], prefix: string[], remaps: Remap[]): void {
    this.foldInto(hs, method, parent, litKeys, STR, prefix, remaps);
  }

  /** Move children `fromKeys` of `parent` under its child `toKey` (created if absent), reporting every folded template. */
  private foldInto(hs: HostState, method: string, parent: Node, fromKeys: string[], toKey: string, prefix: string[], remaps: Remap[]): void {
    let target = parent.children.get(toKey);
    if (!target) {
      target = newNode(false, isTypedKey(toKey));
      parent.children.set(toKey, target);
    }
    for (const k of fromKeys) {
      const c = parent.children.get(k);
      if (!c || c === target) continue;
      const terms: string[][] = [];
      collectTerminals(c, [], terms);
      for (const rel of terms) {
        remaps.push({
          fromHost: hs.host,
          toHost: hs.host,
          method,
          from: renderKeys([...prefix, k, ...rel]).template,
          to: renderKeys([...prefix, toKey, ...rel]).template,
        });
      }
      parent.children.delete(k);
      if (c.ev) parent.candidates--;
      c.ev = null;
      hs.templates -= this.mergeInto(target, c);
    }
  }

  /** Union `src` into `dst`; returns how many terminal templates collapsed into existing ones. */
  private mergeInto(dst: Node, src: Node): number {
    let collapsed = 0;
    if (src.terminal) {
      if (dst.terminal) collapsed++;
      else dst.terminal = true;
    }
    for (const [k, sc] of src.children) {
      const dc = dst.children.get(k);
      if (!dc) {
        dst.children.set(k, sc);
        if (sc.ev) dst.candidates++;
      } else collapsed += this.mergeInto(dc, sc);
    }
    if (src.ev && dst.ev) addBounded(dst.ev, src.ev, this.opts.maxKeysPerValue);
    if (src.paramEv && dst.paramEv) addBounded(dst.paramEv, src.paramEv, this.opts.maxKeysPerValue);
    if (src.foldedTypes) for (const k of src.foldedTypes) (dst.foldedTypes ??= new Set()).add(k);
    if (!dst.merged && src.merged) dst.merged = src.merged;
    dst.noMerge ||= src.noMerge;
    return collapsed;
  }

  // ---------------------------------------------------------------- inspection and state

  /** Derived templates per host and method (rendered), for listings and tests. */
  templates(): { host: string; method: string; template: string }[] {
    const out: { host: string; method: string; template: string }[] = [];
    for (const hs of this.hosts.values()) {
      for (const [m, root] of hs.methods) {
        const terms: string[][] = [];
        collectTerminals(root, [], terms);
        for (const k of terms) out.push({ host: hs.host, method: m, template: renderKeys(k).template });
      }
    }
    return out;
  }

  /** Fixed templates (spec and user), in insertion order. */
  fixedTemplates(): FixedTemplate[] {
    return this.fixed.map((f) => ({ ...f.def }));
  }

  /** Counters (plain numbers; `templates`, `hosts`, `fixedTemplates` are current sizes). */
  counters(): TemplaterCounters {
    let templates = 0;
    for (const hs of this.hosts.values()) templates += hs.templates;
    return { ...this.ctr, hosts: this.hosts.size, templates, fixedTemplates: this.fixed.length };
  }

  state(): TemplaterState {
    const toNode = (n: Node): NodeState => {
      const s: NodeState = {};
      if (n.terminal) s.t = 1;
      if (n.children.size > 0) s.c = [...n.children].map(([k, c]) => [k, toNode(c)]);
      if (n.ev) s.e = [...n.ev];
      if (n.merged) s.m = n.merged.slice();
      if (n.noMerge) s.n = 1;
      if (n.notFoundOnly) s.x = 1;
      if (n.paramEv && n.paramEv.size > 0) s.p = [...n.paramEv];
      if (n.foldedTypes && n.foldedTypes.size > 0) s.f = [...n.foldedTypes];
      return s;
    };
    const hosts: HostStateData[] = [...this.hosts.values()].map((hs) => {
      const h: HostStateData = { host: hs.host, methods: [...hs.methods].map(([m, r]) => [m, toNode(r)]) };
      if (hs.ev) h.evidence = [...hs.ev];
      return h;
    });
    const hostGates: HostGateData[] = [...this.gates.values()].map((g) => {
      const d: HostGateData = { suffix: g.suffix, members: [...g.members] };
      if (g.merged) d.merged = g.merged.slice();
      if (g.pinned.size > 0) d.pinned = [...g.pinned];
      return d;
    });
    const { ...counters } = this.ctr;
    return { version: 1, hosts, hostGates, fixed: this.fixedTemplates(), counters };
  }

  static fromState(s: TemplaterState, opts: Partial<TemplatingOptions> = {}): PathTemplater {
    if (s.version !== 1) throw new Error(`unsupported templater state version ${String(s.version)}`);
    const p = new PathTemplater(opts);
    const fromNode = (d: NodeState, key: string): { node: Node; terminals: number } => {
      // typed children of states written before typed folding get an empty evidence set to fill
      const n = newNode(d.e !== undefined, isTypedKey(key) || d.p !== undefined);
      if (d.p) for (const k of d.p) n.paramEv?.add(k);
      if (d.f) n.foldedTypes = new Set(d.f);
      if (d.x) n.notFoundOnly = true;
      let terminals = 0;
      if (d.t) {
        n.terminal = true;
        terminals++;
      }
      if (d.e) for (const k of d.e) n.ev?.add(k);
      if (d.m) n.merged = d.m.slice();
      if (d.n) n.noMerge = true;
      for (const [k, c] of d.c ?? []) {
        const r = fromNode(c, k);
        n.children.set(k, r.node);
        if (r.node.ev) n.candidates++;
        terminals += r.terminals;
      }
      return { node: n, terminals };
    };
    for (const h of s.hosts) {
      const hs: HostState = { host: h.host, methods: new Map(), templates: 0, ev: h.evidence ? new Set(h.evidence) : null };
      for (const [m, r] of h.methods) {
        const x = fromNode(r, '');
        hs.methods.set(m, x.node);
        hs.templates += x.terminals;
      }
      p.hosts.set(h.host, hs);
    }
    for (const g of s.hostGates) {
      p.gates.set(g.suffix, { suffix: g.suffix, members: new Set(g.members), merged: g.merged ? g.merged.slice() : null, pinned: new Set(g.pinned ?? []) });
    }
    for (const f of s.fixed) p.addFixed(f);
    for (const [k, v] of Object.entries(s.counters)) {
      if (k in p.ctr && typeof v === 'number') (p.ctr as Record<string, number>)[k] = v;
    }
    return p;
  }
}
