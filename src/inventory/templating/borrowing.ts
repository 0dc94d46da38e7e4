// Values that join a parameter without evidence of their own. Junk (`NaN`, `null`, `{id}`) at a
// parameter position is the parameter's value, not an endpoint (junk.ts says what is junk). A
// method whose values carry no keys at all (DELETE with empty bodies) borrows the parameter a
// sibling method of the host (or a fixed template of another method) has at the same position.
// Split from templater.ts: the exceptions to the evidence gate (evidence-gate.ts) in one place.
import { decodeSegment, type Segment } from './classify';
import { fixedParamAt } from './fixed';
import { bestFixed } from './fixed-set';
import { junkKind } from './junk';
import type { TemplaterCore } from './templater-core';
import { foldInto, isTypedKey, STR, type HostState, type Node } from './tree';
import type { Remap } from './types';

/** What derive's walk needs to ask sibling methods and fixed templates. */
export interface WalkContext {
  host: string;
  hs: HostState;
  method: string;
  segs: readonly Segment[];
  tokens: readonly string[];
  qualified: (i: number) => Set<string>;
}

/** The parameter child a junk value at this node folds into: `{str}` first, else the first typed one. */
export function paramChildKey(node: Node): string | null {
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

/**
 * A method whose values at this position carry no keys at all (DELETE answered with empty bodies)
 * gives the evidence gate nothing. A key-less value there joins the parameter that a sibling method
 * of the same host merged at the same position, unless that sibling keeps this very value literal
 * (`GET /user/logout`); or the parameter of the most specific fixed (spec / approved) template of
 * another method matching the same path.
 */
export function borrowsParam(t: TemplaterCore, ctx: WalkContext, node: Node, keys: string[], i: number, key: string): boolean {
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
  if (!evidence && t.fixed.length > 0) {
    const best = bestFixed(t, ctx.host, ctx.hs.host, ctx.segs, (f) => f.method !== ctx.method && f.method !== '*');
    evidence = best !== null && fixedParamAt(best.f, i);
  }
  return evidence && ownKeyless(node);
}

/**
 * `parent` (method `method`) now has a merged parameter: in sibling methods of the host, the
 * key-less values at the same position that it does not keep literal join their own `{str}`
 * (see borrowsParam; here for values seen before the merge).
 */
export function foldBorrowers(t: TemplaterCore, hs: HostState, method: string, parent: Node, prefix: string[], remaps: Remap[]): void {
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
    t.ctr.borrowedValues += join.length;
    foldInto(hs, m, n, join, STR, prefix, remaps, t.opts.maxKeysPerValue);
  }
}

/** Junk literals seen before the position had a parameter fold into it now. */
export function foldJunkLiterals(t: TemplaterCore, hs: HostState, method: string, parent: Node, prefix: string[], remaps: Remap[]): void {
  const target = paramChildKey(parent);
  if (!target) return;
  const junkKeys: string[] = [];
  for (const k of parent.children.keys()) {
    if (k.charCodeAt(0) === 123 /* { */) continue;
    const d = decodeSegment(k);
    if (d.ok && junkKind(d.value)) junkKeys.push(k);
  }
  if (junkKeys.length > 0) foldInto(hs, method, parent, junkKeys, target, prefix, remaps, t.opts.maxKeysPerValue);
}
