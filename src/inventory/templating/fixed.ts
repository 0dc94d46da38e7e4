// Fixed templates (OpenAPI spec paths and user decisions): compiled once, matched before derivation.
// Syntax: `/pets/{petId}` (any one segment), `/users/{id:int}` (segment must classify as that type;
// `str` / `any` accept everything), `/files/{name}.{ext}` (parameters inside a segment).
import { classifyValue, decodeSegment, encodeLiteral, type Segment } from './classify';
import type { FixedTemplate, SegmentType, TemplateParam } from './types';

type SegMatcher =
  | { kind: 'lit'; literal: string }
  | { kind: 'param'; name: string; type: SegmentType }
  | { kind: 'regex'; re: RegExp; names: { name: string; type: SegmentType }[] };

export interface CompiledFixed {
  def: FixedTemplate;
  /** Normalised host (or `*`) and method (or `*`). */
  host: string;
  method: string;
  segs: SegMatcher[];
  order: number;
}

const TYPES = new Set<string>([
  'int', 'float', 'uuid', 'oid', 'hex', 'token', 'alnum', 'date', 'email', 'jwt', 'ipv4', 'phone', 'ssn', 'str', 'any',
]);

function parseParam(body: string): { name: string; type: SegmentType } {
  const i = body.indexOf(':');
  const name = i >= 0 ? body.slice(0, i) : body;
  const t = i >= 0 ? body.slice(i + 1) : 'any';
  return { name, type: (TYPES.has(t) ? t : 'any') as SegmentType };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Split a template path keeping `{...}` intact (a `/` never occurs inside braces in practice). */
function templateSegments(template: string): string[] {
  const p = template.split('?')[0] as string;
  return p.split('/').filter((s) => s !== '');
}

export function compileFixed(def: FixedTemplate, order: number, normHost: (h: string) => string): CompiledFixed {
  const segs: SegMatcher[] = [];
  const raw = templateSegments(def.template);
  for (const s of raw) {
    if (!s.includes('{')) {
      if (s === '.') continue;
      const d = decodeSegment(s);
      segs.push({ kind: 'lit', literal: encodeLiteral(d.value, !d.ok) });
      continue;
    }
    const whole = /^\{([^{}]+)\}$/.exec(s);
    if (whole) {
      segs.push({ kind: 'param', ...parseParam(whole[1] as string) });
      continue;
    }
    const names: { name: string; type: SegmentType }[] = [];
    let re = '^';
    let last = 0;
    for (const m of s.matchAll(/\{([^{}]+)\}/g)) {
      re += escapeRe(decodeSegment(s.slice(last, m.index)).value) + '(.+?)';
      names.push(parseParam(m[1] as string));
      last = (m.index as number) + m[0].length;
    }
    re += escapeRe(decodeSegment(s.slice(last)).value) + '$';
    segs.push({ kind: 'regex', re: new RegExp(re), names });
  }
  return {
    def,
    host: def.host === '*' ? '*' : normHost(def.host),
    method: def.method === '*' ? '*' : def.method.toUpperCase(),
    segs,
    order,
  };
}

function typeOk(type: SegmentType, value: string, prev: string | undefined, index: number): boolean {
  if (type === 'any' || type === 'str') return true;
  return classifyValue(value, prev, index) === type;
}

/**
 * Match a split path; returns a specificity score (higher = more literal segments earlier, the OpenAPI
 * rule that `/pets/mine` beats `/pets/{id}`) and the params, or null.
 */
export function matchFixed(f: CompiledFixed, segs: Segment[]): { score: number[]; params: TemplateParam[] } | null {
  if (f.segs.length !== segs.length) return null;
  const score: number[] = [];
  const params: TemplateParam[] = [];
  for (let i = 0; i < segs.length; i++) {
    const m = f.segs[i] as SegMatcher;
    const s = segs[i] as Segment;
    const prev = i > 0 ? (segs[i - 1] as Segment).value : undefined;
    if (m.kind === 'lit') {
      if (m.literal !== s.literal) return null;
      score.push(2);
    } else if (m.kind === 'param') {
      if (!typeOk(m.type, s.value, prev, i)) return null;
      score.push(m.type === 'any' || m.type === 'str' ? 0 : 0.5);
      params.push({ name: m.name, type: m.type, position: i });
    } else {
      const r = m.re.exec(s.value);
      if (!r) return null;
      for (let k = 0; k < m.names.length; k++) {
        const n = m.names[k] as { name: string; type: SegmentType };
        if (!typeOk(n.type, r[k + 1] as string, prev, i)) return null;
        params.push({ name: n.name, type: n.type, position: i });
      }
      score.push(1);
    }
  }
  return { score, params };
}

export function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Does fixed template `f` capture every path of a derived template given as tree keys? Returns the
 * specificity score (as matchFixed scores a concrete path) or null, so a derived template retires to
 * the most literal fixed template that covers it.
 */
export function coverScore(f: CompiledFixed, keys: string[]): number[] | null {
  if (f.segs.length !== keys.length) return null;
  const score: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const m = f.segs[i] as SegMatcher;
    const k = keys[i] as string;
    const isParam = k.startsWith('{');
    if (m.kind === 'lit') {
      if (isParam || m.literal !== k) return null;
      score.push(2);
    } else if (m.kind === 'param') {
      const loose = m.type === 'any' || m.type === 'str';
      if (!loose) {
        if (isParam) {
          if (k !== `{${m.type}}`) return null;
        } else if (classifyValue(decodeSegment(k).value, undefined, i) !== m.type) return null;
      }
      score.push(loose ? 0 : 0.5);
    } else {
      if (isParam) return null;
      if (!m.re.test(decodeSegment(k).value)) return null;
      score.push(1);
    }
  }
  return score;
}

export function fixedCoversKeys(f: CompiledFixed, keys: string[]): boolean {
  return coverScore(f, keys) !== null;
}

/** Is segment `i` of the fixed template a parameter (whole or inside the segment)? */
export function fixedParamAt(f: CompiledFixed, i: number): boolean {
  const m = f.segs[i];
  return m !== undefined && m.kind !== 'lit';
}
