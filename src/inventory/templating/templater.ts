// PathTemplater: observed (host, method, path) → endpoint template. Pure, synchronous, no I/O.
// Design and placeholder syntax: ./README.md. This file is the public face: observe / peek, the
// user's edits (approve, merge, split), spec templates, listings and saved state. The steps live
// apart, each given the templater as its TemplaterCore: the per-request walk (derive.ts), the
// evidence gate (evidence-gate.ts), junk and sibling-method borrowing (borrowing.ts), fixed
// templates (fixed-set.ts), tenant host folding (host-folding.ts), the tree (tree.ts) and its
// saved form (tree-state.ts).
import { classifySegment, normalizeHost, splitPath, type Segment } from './classify';
import { derive } from './derive';
import type { CompiledFixed } from './fixed';
import { addFixed, junkAtParams, matchFixedAll, retireCovered } from './fixed-set';
import { hostGateCheck, pinHost, resolveHost } from './host-folding';
import { junkKind } from './junk';
import { newTemplaterCounts, type TemplaterCore, type TemplaterCounters } from './templater-core';
import { collectTerminals, OVERFLOW, renderKeys, STR, templateToKeys, type HostGate, type HostState, type Node } from './tree';
import { loadTrees, saveTrees } from './tree-state';
import {
  DEFAULT_TEMPLATING_OPTIONS,
  type FixedTemplate,
  type JunkValue,
  type Observation,
  type Remap,
  type TemplateParam,
  type TemplateResult,
  type TemplaterState,
  type TemplatingOptions,
} from './types';

const NO_REMAPS: Remap[] = [];

export class PathTemplater implements TemplaterCore {
  readonly opts: Readonly<TemplatingOptions>;
  // The state below is read and written by the templating steps (see the header), not by callers.
  readonly hosts = new Map<string, HostState>();
  readonly gates = new Map<string, HostGate>();
  readonly fixed: CompiledFixed[] = [];
  /** Fixed templates indexed by normalised host (or `*`). */
  readonly fixedByHost = new Map<string, CompiledFixed[]>();
  readonly ctr = newTemplaterCounts();

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

    let hostKey = resolveHost(this, host);
    if (path === '*') return { hostTemplate: hostKey, template: '*', params: [], source: 'derived', remapped: remaps };
    const segs = splitPath(path);
    for (const s of segs) if (!s.decodeOk) this.ctr.undecodableSegments++;

    let res: { template: string; params: TemplateParam[]; source: TemplateResult['source']; junk?: JunkValue[] };
    const fx = matchFixedAll(this, host, hostKey, method, segs);
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
      res = derive(this, host, hs, method, segs, tokens, status === 404 || status === 410, r);
      addRemaps(r);
    }

    const hs = this.hosts.get(hostKey);
    if (hs && hs.ev && res.source !== 'overflow') {
      const tok = `${method} ${res.template}`;
      if (!hs.ev.has(tok) && hs.ev.size < this.opts.maxKeysPerValue) {
        hs.ev.add(tok);
        const r: Remap[] = [];
        const folded = hostGateCheck(this, hs, r);
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
    const fx = matchFixedAll(this, host, host, method, segs);
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

  /**
   * Templates from an OpenAPI spec (paths already joined with the server base path), per host or `*`,
   * per method or `*`. They win over derived templates (not over user-approved ones).
   */
  addSpecTemplates(entries: readonly { host?: string; method?: string; path: string }[]): Remap[] {
    const added = entries.map((e) => addFixed(this, { host: e.host ?? '*', method: e.method ?? '*', template: e.path, source: 'spec' }));
    return retireCovered(this, added);
  }

  /** Sets the spec templates to exactly `entries` (on start and when the configured specs change). */
  replaceSpecTemplates(entries: readonly { host?: string; method?: string; path: string }[]): Remap[] {
    const keep = this.fixed.filter((f) => f.def.source !== 'spec').map((f) => f.def);
    this.fixed.length = 0;
    this.fixedByHost.clear();
    for (const def of keep) addFixed(this, def);
    return this.addSpecTemplates(entries);
  }

  /** User approval: the template (literal or with `{name}` / `{name:type}` params) is fixed for good. */
  approve(t: { host?: string; method?: string; template: string }): Remap[] {
    const c = addFixed(this, { host: t.host ?? '*', method: t.method ?? '*', template: t.template, source: 'approved' });
    return retireCovered(this, [c]);
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
    pinHost(this, host);
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
    const { hosts, hostGates } = saveTrees(this);
    const { ...counters } = this.ctr;
    return { version: 1, hosts, hostGates, fixed: this.fixedTemplates(), counters };
  }

  static fromState(s: TemplaterState, opts: Partial<TemplatingOptions> = {}): PathTemplater {
    if (s.version !== 1) throw new Error(`unsupported templater state version ${String(s.version)}`);
    const p = new PathTemplater(opts);
    loadTrees(p, s);
    for (const f of s.fixed) addFixed(p, f);
    for (const [k, v] of Object.entries(s.counters)) {
      if (k in p.ctr && typeof v === 'number') (p.ctr as Record<string, number>)[k] = v;
    }
    return p;
  }
}
