// The evidence gate: sibling literals under one parent merge into a `{name:str}` parameter once
// enough of them (minDistinctValues) were seen with agreeing request/response keys, and typed
// parameters at one position (`{alnum}`, `{email}`) fold into one when their keys agree. Each fold
// is reported as remaps so the caller can re-key its stats. Split from templater.ts: the merge
// rules apart from the walk (derive.ts) that feeds them evidence.
import { foldBorrowers } from './borrowing';
import { evidenceDistance, observationFits } from './evidence';
import type { TemplaterCore } from './templater-core';
import { addBounded, foldInto, isTypedKey, newNode, STR, type HostState, type Node } from './tree';
import type { Remap } from './types';

/** The literal child `litKey` of `parent` learned new keys: merge it (and its agreeing siblings) into `{str}`? */
export function gateCheck(t: TemplaterCore, hs: HostState, method: string, parent: Node, litKey: string, prefix: string[], remaps: Remap[]): boolean {
  const child = parent.children.get(litKey);
  const ev = child?.ev;
  if (!child || !ev || ev.size === 0 || parent.noMerge) return false;
  const tol = t.opts.maxKeyDistance;
  if (parent.merged) {
    // the rule a new value meets: its keys fit the signature (optional keys it lacks do not count)
    if (!observationFits(ev, parent.merged, tol)) return false;
    foldInto(hs, method, parent, [litKey], STR, prefix, remaps, t.opts.maxKeysPerValue);
    return true;
  }
  const members: string[] = [];
  for (const [k, c] of parent.children) {
    if (!c.ev || c.ev.size === 0) continue;
    const d = evidenceDistance(c.ev, ev);
    if (d !== null && d <= tol) members.push(k);
  }
  if (members.length < t.opts.minDistinctValues) return false;
  // The signature is every member's keys, so a value lacking an optional field still fits it.
  const signature = new Set<string>();
  for (const k of members) addBounded(signature, parent.children.get(k)?.ev ?? [], t.opts.maxKeysPerValue);
  parent.merged = [...signature];
  t.ctr.evidenceMerges++;
  // Every waiting value that meets the rule a new value meets joins now, and so do lookup misses.
  const joining: string[] = [];
  for (const [k, c] of parent.children) {
    if (!c.ev) continue;
    if (c.ev.size === 0 ? c.notFoundOnly : observationFits(c.ev, parent.merged, tol)) joining.push(k);
  }
  foldInto(hs, method, parent, joining, STR, prefix, remaps, t.opts.maxKeysPerValue);
  // Typed parameters at this position join when their keys fit, or when they have none.
  const typed: string[] = [];
  for (const [k, c] of parent.children) {
    if (isTypedKey(k) && c.paramEv && (c.paramEv.size === 0 || observationFits(c.paramEv, parent.merged, tol))) typed.push(k);
  }
  if (typed.length > 0) foldTyped(t, hs, method, parent, typed, prefix, remaps);
  else foldBorrowers(t, hs, method, parent, prefix, remaps);
  return true;
}

/**
 * Two parameters at one position under one parent are one parameter when their keys agree: a typed
 * parameter folds into the position's `{str}` when its keys fit the evidence merge's signature or
 * agree with the typed parameters already folded there, or, with no `{str}` yet, together with the
 * typed siblings it agrees with (`/user/{id:alnum}` and `/user/{email:email}`).
 */
export function typedGateCheck(t: TemplaterCore, hs: HostState, method: string, parent: Node, key: string, prefix: string[], remaps: Remap[]): boolean {
  const child = parent.children.get(key);
  const ev = child?.paramEv;
  if (!child || !ev || ev.size === 0 || parent.noMerge) return false;
  const tol = t.opts.maxKeyDistance;
  const str = parent.children.get(STR);
  const fitsMerged = parent.merged !== null && observationFits(ev, parent.merged, tol);
  const strDistance = str?.paramEv && str.paramEv.size > 0 ? evidenceDistance(str.paramEv, ev) : null;
  if (fitsMerged || (strDistance !== null && strDistance <= tol)) {
    foldTyped(t, hs, method, parent, [key], prefix, remaps);
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
  foldTyped(t, hs, method, parent, members, prefix, remaps);
  return true;
}

function foldTyped(t: TemplaterCore, hs: HostState, method: string, parent: Node, keys: string[], prefix: string[], remaps: Remap[]): void {
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
    t.ctr.typedFolds++;
  }
  foldInto(hs, method, parent, keys, STR, prefix, remaps, t.opts.maxKeysPerValue);
  foldBorrowers(t, hs, method, parent, prefix, remaps);
}
