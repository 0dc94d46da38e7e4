// Saving and loading the host trees and tenant gates of a templater as plain data (the `hosts` and
// `hostGates` of TemplaterState, version 1). Keys are one letter because every node of every host
// is written. Split from templater.ts: the saved format apart from the live structure (tree.ts).
import type { TemplaterCore } from './templater-core';
import { isTypedKey, newNode, type HostState, type Node } from './tree';
import type { HostGateData, HostStateData, NodeState, TemplaterState } from './types';

function nodeState(n: Node): NodeState {
  const s: NodeState = {};
  if (n.terminal) s.t = 1;
  if (n.children.size > 0) s.c = [...n.children].map(([k, c]) => [k, nodeState(c)]);
  if (n.ev) s.e = [...n.ev];
  if (n.merged) s.m = n.merged.slice();
  if (n.noMerge) s.n = 1;
  if (n.notFoundOnly) s.x = 1;
  if (n.paramEv && n.paramEv.size > 0) s.p = [...n.paramEv];
  if (n.foldedTypes && n.foldedTypes.size > 0) s.f = [...n.foldedTypes];
  return s;
}

/** The host trees and tenant gates as saved data. */
export function saveTrees(t: TemplaterCore): { hosts: HostStateData[]; hostGates: HostGateData[] } {
  const hosts: HostStateData[] = [...t.hosts.values()].map((hs) => {
    const h: HostStateData = { host: hs.host, methods: [...hs.methods].map(([m, r]) => [m, nodeState(r)]) };
    if (hs.ev) h.evidence = [...hs.ev];
    return h;
  });
  const hostGates: HostGateData[] = [...t.gates.values()].map((g) => {
    const d: HostGateData = { suffix: g.suffix, members: [...g.members] };
    if (g.merged) d.merged = g.merged.slice();
    if (g.pinned.size > 0) d.pinned = [...g.pinned];
    return d;
  });
  return { hosts, hostGates };
}

function nodeFromState(d: NodeState, key: string): { node: Node; terminals: number } {
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
    const r = nodeFromState(c, k);
    n.children.set(k, r.node);
    if (r.node.ev) n.candidates++;
    terminals += r.terminals;
  }
  return { node: n, terminals };
}

/** Fill an empty templater's host trees and tenant gates from saved data. */
export function loadTrees(t: TemplaterCore, s: TemplaterState): void {
  for (const h of s.hosts) {
    const hs: HostState = { host: h.host, methods: new Map(), templates: 0, ev: h.evidence ? new Set(h.evidence) : null };
    for (const [m, r] of h.methods) {
      const x = nodeFromState(r, '');
      hs.methods.set(m, x.node);
      hs.templates += x.terminals;
    }
    t.hosts.set(h.host, hs);
  }
  for (const g of s.hostGates) {
    t.gates.set(g.suffix, { suffix: g.suffix, members: new Set(g.members), merged: g.merged ? g.merged.slice() : null, pinned: new Set(g.pinned ?? []) });
  }
}
