// Deriving a template from traffic: walk the host's tree for one request segment by segment
// (classifying each segment, sending junk and key-less values to the parameter they belong to,
// bounding new literals), mark the template, then feed the request's keys to the evidence gate at
// every literal and typed position on the path and walk again if it merged. Split from
// templater.ts: the per-request walk apart from the public API around it.
import { borrowsParam, foldJunkLiterals, paramChildKey, type WalkContext } from './borrowing';
import { classifySegment, type Segment, type SegmentClass } from './classify';
import { observationFits } from './evidence';
import { gateCheck, typedGateCheck } from './evidence-gate';
import { junkKind } from './junk';
import type { TemplaterCore } from './templater-core';
import { addBounded, isTypedKey, newNode, OVERFLOW, renderKeys, STR, type HostState, type Node } from './tree';
import type { JunkValue, Remap, TemplateParam, TemplateResult } from './types';

export function derive(
  t: TemplaterCore,
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
  const max = t.opts.maxSegments;
  const tol = t.opts.maxKeyDistance;
  const truncated = segs.length > max;
  if (truncated) t.ctr.truncatedPaths++;
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
        if (isTypedKey(key) && !node.children.has(key) && typedJoinsStr(t, ctx, node, keys, key, i, create)) key = STR;
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
          } else if (tokens.length === 0 && borrowsParam(t, ctx, node, keys, i, c.key)) {
            key = STR;
            if (create) t.ctr.borrowedValues++;
          } else if (node.candidates >= t.opts.maxPendingPerParent) {
            key = OVERFLOW;
            if (create) t.ctr.overflowPending++;
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

  const full = hs.templates >= t.opts.maxTemplatesPerHost;
  let w = walk(!full);
  const last = w ? (w.nodes[w.nodes.length - 1] as Node) : null;
  if (!w || !last || (!last.terminal && full)) {
    t.ctr.overflowTemplates++;
    return { template: '/{overflow}', params: [{ name: 'overflow', type: 'overflow', position: 0 }], source: 'overflow' };
  }
  if (!last.terminal) {
    last.terminal = true;
    hs.templates++;
  }
  for (const i of junkSweeps) foldJunkLiterals(t, hs, method, w.nodes[i] as Node, w.keys.slice(0, i), remaps);
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
      if (!store || store.size >= t.opts.maxKeysPerValue) continue;
      const sfx = suffixShape(i);
      if (!addBounded(store, tokens.map((t) => sfx + '#' + t), t.opts.maxKeysPerValue)) continue;
      const prefix = w.keys.slice(0, i);
      const folded = child.ev ? gateCheck(t, hs, method, parent, key, prefix, remaps) : typedGateCheck(t, hs, method, parent, key, prefix, remaps);
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
export function typedJoinsStr(t: TemplaterCore, ctx: WalkContext, node: Node, keys: string[], key: string, i: number, create: boolean): boolean {
  if (node.noMerge) return false;
  if (node.foldedTypes?.has(key)) return true;
  if (node.merged) {
    if (ctx.tokens.length > 0 && !observationFits(ctx.qualified(i), node.merged, t.opts.maxKeyDistance)) return false;
    if (create) {
      (node.foldedTypes ??= new Set()).add(key);
      t.ctr.typedFolds++;
    }
    return true;
  }
  if (ctx.tokens.length === 0 && borrowsParam(t, ctx, node, keys, i, key)) {
    if (create) t.ctr.borrowedValues++;
    return true;
  }
  return false;
}

