// Tenant host folding: hosts that differ only in their first label (`acme.api.example.com`,
// `globex.api.example.com`) and serve the same templates fold into `{tenant}.api.example.com`.
// Each host suffix has a gate that collects its member hosts' `METHOD template` sets as evidence,
// like the evidence gate does for path segments. Also where a new host gets its tree (or the
// `{overflow}` host past maxHosts). Split from templater.ts: hosts apart from paths.
import { hostLabel, normalizeHost } from './classify';
import { jaccardDistance } from './evidence';
import type { TemplaterCore } from './templater-core';
import { collectTerminals, mergeInto, OVERFLOW, renderKeys, type HostGate, type HostState } from './tree';
import type { Remap } from './types';

/** The host key whose tree templates this host: itself, its folded `{tenant}` host, or `{overflow}`; a new host gets a tree. */
export function resolveHost(t: TemplaterCore, host: string): string {
  if (t.hosts.has(host)) return host;
  const lab = hostLabel(host);
  const gate = lab ? t.gates.get(lab.suffix) : undefined;
  if (lab && gate && gate.merged && !gate.pinned.has(lab.label)) {
    const key = `{tenant}.${lab.suffix}`;
    if (!t.hosts.has(key)) t.hosts.set(key, { host: key, methods: new Map(), templates: 0, ev: null });
    return key;
  }
  if (t.hosts.size >= t.opts.maxHosts) {
    t.ctr.overflowHosts++;
    if (!t.hosts.has(OVERFLOW)) t.hosts.set(OVERFLOW, { host: OVERFLOW, methods: new Map(), templates: 0, ev: null });
    return OVERFLOW;
  }
  const hs: HostState = { host, methods: new Map(), templates: 0, ev: null };
  t.hosts.set(host, hs);
  if (lab && !(gate && gate.pinned.has(lab.label))) {
    let g = gate;
    if (!g) {
      g = { suffix: lab.suffix, members: new Set(), merged: null, pinned: new Set() };
      t.gates.set(lab.suffix, g);
    }
    if (g.members.size < t.opts.maxPendingPerParent) {
      g.members.add(lab.label);
      hs.ev = new Set();
    } else t.ctr.overflowPending++;
  }
  return host;
}

/** After `hs` learned a new template: fold it (and the members agreeing with it) into `{tenant}.suffix`; returns that host key, or null. */
export function hostGateCheck(t: TemplaterCore, hs: HostState, remaps: Remap[]): string | null {
  const lab = hostLabel(hs.host);
  const ev = hs.ev;
  if (!lab || !ev) return null;
  const gate = t.gates.get(lab.suffix);
  if (!gate) return null;
  const tol = t.opts.maxKeyDistance;
  if (gate.merged) {
    if (jaccardDistance(ev, gate.merged) <= tol) return foldHosts(t, gate, [lab.label], remaps);
    return null;
  }
  const members: string[] = [];
  for (const label of gate.members) {
    const o = t.hosts.get(`${label}.${lab.suffix}`);
    if (o?.ev && o.ev.size > 0 && jaccardDistance(o.ev, ev) <= tol) members.push(label);
  }
  if (members.length < t.opts.minDistinctValues) return null;
  gate.merged = [...ev];
  return foldHosts(t, gate, members, remaps);
}

function foldHosts(t: TemplaterCore, gate: HostGate, labels: string[], remaps: Remap[]): string {
  const target = `{tenant}.${gate.suffix}`;
  let ths = t.hosts.get(target);
  if (!ths) {
    ths = { host: target, methods: new Map(), templates: 0, ev: null };
    t.hosts.set(target, ths);
  }
  for (const label of labels) {
    const host = `${label}.${gate.suffix}`;
    const hs = t.hosts.get(host);
    gate.members.delete(label);
    if (!hs) continue;
    let collapsed = 0;
    for (const [m, root] of hs.methods) {
      const terms: string[][] = [];
      collectTerminals(root, [], terms);
      for (const keys of terms) {
        const tpl = renderKeys(keys).template;
        remaps.push({ fromHost: host, toHost: target, method: m, from: tpl, to: tpl });
      }
      const troot = ths.methods.get(m);
      if (troot) collapsed += mergeInto(troot, root, t.opts.maxKeysPerValue);
      else ths.methods.set(m, root);
    }
    ths.templates += hs.templates - collapsed;
    t.hosts.delete(host);
  }
  t.ctr.hostFolds++;
  return target;
}

/** Keep this host literal: it never folds into `{tenant}.suffix` (already folded history stays). */
export function pinHost(t: TemplaterCore, host: string): void {
  const lab = hostLabel(normalizeHost(host));
  if (!lab) return;
  let g = t.gates.get(lab.suffix);
  if (!g) {
    g = { suffix: lab.suffix, members: new Set(), merged: null, pinned: new Set() };
    t.gates.set(lab.suffix, g);
  }
  g.pinned.add(lab.label);
  g.members.delete(lab.label);
  const hs = t.hosts.get(normalizeHost(host));
  if (hs) hs.ev = null;
}
