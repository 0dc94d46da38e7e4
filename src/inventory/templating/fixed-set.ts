// The fixed templates a templater holds (from specs, and approved by the user): adding them,
// finding the one that wins for a path (user beats spec, then the most literal, then the oldest),
// and retiring the derived templates they capture. Compiling and matching one template is in
// fixed.ts. Split from templater.ts: fixed templates apart from derived ones.
import { normalizeHost, type Segment } from './classify';
import { compareScores, compileFixed, coverScore, matchFixed, type CompiledFixed } from './fixed';
import { junkKind } from './junk';
import type { TemplaterCore } from './templater-core';
import { renderKeys, type Node } from './tree';
import type { FixedTemplate, JunkValue, Remap, TemplateParam } from './types';

/** > 0 when fixed template `a` (scored `sa`) wins over `b`: user-approved first, then the most literal, then the oldest. */
function preferFixed(a: CompiledFixed, sa: number[], b: CompiledFixed, sb: number[]): number {
  const userA = a.def.source === 'approved';
  const userB = b.def.source === 'approved';
  return userA !== userB ? (userA ? 1 : -1) : compareScores(sa, sb) || b.order - a.order;
}

/** Junk values at the parameters of a fixed-template match. */
export function junkAtParams(segs: readonly Segment[], params: readonly TemplateParam[]): JunkValue[] | undefined {
  let out: JunkValue[] | undefined;
  for (const p of params) {
    const s = segs[p.position];
    if (!s?.decodeOk) continue;
    const kind = junkKind(s.value);
    if (kind && !out?.some((j) => j.position === p.position)) (out ??= []).push({ position: p.position, kind, value: s.value });
  }
  return out;
}

export function matchFixedAll(
  t: TemplaterCore,
  host: string,
  hostKey: string,
  method: string,
  segs: Segment[],
): { template: string; params: TemplateParam[]; source: 'approved' | 'spec' } | null {
  if (t.fixed.length === 0) return null;
  const best = bestFixed(t, host, hostKey, segs, (f) => f.method === '*' || f.method === method);
  return best ? { template: best.f.def.template, params: best.params, source: best.f.def.source } : null;
}

/** The fixed template that wins for this path among those `accept` allows: user beats spec, then most literal, then oldest. */
export function bestFixed(
  t: TemplaterCore,
  host: string,
  hostKey: string,
  segs: readonly Segment[],
  accept: (f: CompiledFixed) => boolean,
): { f: CompiledFixed; score: number[]; params: TemplateParam[] } | null {
  let best: { f: CompiledFixed; score: number[]; params: TemplateParam[] } | null = null;
  const lists = [t.fixedByHost.get('*'), t.fixedByHost.get(host), hostKey !== host ? t.fixedByHost.get(hostKey) : undefined];
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

export function addFixed(t: TemplaterCore, def: FixedTemplate): CompiledFixed {
  const existing = t.fixed.find(
    (f) => f.def.source === def.source && f.def.host === def.host && f.def.method === def.method && f.def.template === def.template,
  );
  if (existing) return existing;
  const c = compileFixed(def, t.fixed.length, normalizeHost);
  t.fixed.push(c);
  let list = t.fixedByHost.get(c.host);
  if (!list) {
    list = [];
    t.fixedByHost.set(c.host, list);
  }
  list.push(c);
  return c;
}

/**
 * Remove derived templates that the new fixed templates capture. Each is reported as a remap to the
 * fixed template that would win for it among all that cover it, so a derived `/user/login` goes to
 * a spec's `/user/login`, not to its `/user/{username}` listed earlier.
 */
export function retireCovered(t: TemplaterCore, added: readonly CompiledFixed[]): Remap[] {
  const out: Remap[] = [];
  if (added.length === 0) return out;
  for (const hs of t.hosts.values()) {
    const applies = (c: CompiledFixed, m: string): boolean => (c.host === '*' || c.host === hs.host) && (c.method === '*' || c.method === m);
    for (const [m, root] of hs.methods) {
      if (!added.some((c) => applies(c, m))) continue;
      const visit = (n: Node, keys: string[]): void => {
        if (n.terminal && added.some((c) => applies(c, m) && coverScore(c, keys) !== null)) {
          let best: { c: CompiledFixed; score: number[] } | null = null;
          for (const c of t.fixed) {
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
