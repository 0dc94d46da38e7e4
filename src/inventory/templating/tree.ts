// The per-host template tree: one tree of path-segment keys per (host, method), whose terminal
// nodes are templates, and the operations on its shape that every templating step uses (fold
// children into a parameter, union two subtrees, list and render templates). Split from
// templater.ts: the data structure apart from the rules that grow it.
import { PARAM_NAMES } from './classify';
import type { Remap, SegmentType, TemplateParam } from './types';

export interface Node {
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

export interface HostState {
  host: string;
  methods: Map<string, Node>;
  templates: number;
  /** `METHOD template` set while this host waits for tenant folding; null when not a candidate. */
  ev: Set<string> | null;
}

export interface HostGate {
  suffix: string;
  members: Set<string>;
  merged: string[] | null;
  pinned: Set<string>;
}

export const STR = '{str}';
export const OVERFLOW = '{overflow}';

export function newNode(candidate: boolean, typed = false): Node {
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
export function isTypedKey(k: string): boolean {
  return k !== STR && k !== OVERFLOW && /^\{[a-z0-9]+\}$/.test(k);
}

export function addBounded(dst: Set<string>, src: Iterable<string>, max: number): boolean {
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

export function collectTerminals(n: Node, prefix: string[], out: string[][]): void {
  if (n.terminal) out.push(prefix.slice());
  for (const [k, c] of n.children) {
    prefix.push(k);
    collectTerminals(c, prefix, out);
    prefix.pop();
  }
}

/** Union `src` into `dst` (evidence sets bounded by `maxKeysPerValue`); returns how many terminal templates collapsed into existing ones. */
export function mergeInto(dst: Node, src: Node, maxKeysPerValue: number): number {
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
    } else collapsed += mergeInto(dc, sc, maxKeysPerValue);
  }
  if (src.ev && dst.ev) addBounded(dst.ev, src.ev, maxKeysPerValue);
  if (src.paramEv && dst.paramEv) addBounded(dst.paramEv, src.paramEv, maxKeysPerValue);
  if (src.foldedTypes) for (const k of src.foldedTypes) (dst.foldedTypes ??= new Set()).add(k);
  if (!dst.merged && src.merged) dst.merged = src.merged;
  dst.noMerge ||= src.noMerge;
  return collapsed;
}

/** Move children `fromKeys` of `parent` under its child `toKey` (created if absent), reporting every folded template. */
export function foldInto(
  hs: HostState,
  method: string,
  parent: Node,
  fromKeys: string[],
  toKey: string,
  prefix: string[],
  remaps: Remap[],
  maxKeysPerValue: number,
): void {
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
    hs.templates -= mergeInto(target, c, maxKeysPerValue);
  }
}
