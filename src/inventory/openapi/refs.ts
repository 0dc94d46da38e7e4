// JSON pointers and local `$ref` resolution for spec import: bounded inlining, cycle-safe, errors
// that name the file and the pointer; also the two readers of raw document values every part of the
// import uses (`isObject`, `strList`).

export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'SpecError';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The strings of a raw list, or `dflt` when it has none. */
export function strList(v: unknown, dflt: string[]): string[] {
  const l = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return l.length > 0 ? l : dflt;
}

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(...tokens: string[]): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}

/** '#/a/b~1c' → ['a', 'b/c']; undefined for a non-local reference. */
export function parseLocalRef(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  let frag = ref.slice(1);
  try {
    frag = decodeURIComponent(frag);
  } catch {
    // keep the raw fragment
  }
  if (frag === '') return [];
  if (!frag.startsWith('/')) return undefined;
  return frag
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function getAt(doc: unknown, tokens: string[]): unknown {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(t)) return undefined;
      cur = cur[Number(t)];
    } else if (isObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return undefined;
      cur = cur[t];
    } else {
      return undefined;
    }
  }
  return cur;
}

export interface ResolverOptions {
  /** Nested `$ref`s inlined into one schema before a `x-tapwatch-ref` marker replaces the rest. Default 8. */
  maxRefDepth?: number;
  /** Schema nodes created per document before inlining stops (markers instead). Default 200000. */
  maxNodes?: number;
}

export interface Issue {
  pointer: string;
  message: string;
}

export class RefResolver {
  readonly warnings: Issue[] = [];
  private readonly cache = new Map<string, unknown>();
  private truncations = 0;
  private nodes = 0;
  private readonly maxRefDepth: number;
  private readonly maxNodes: number;
  private budgetWarned = false;

  constructor(
    readonly doc: unknown,
    readonly file: string,
    opts: ResolverOptions = {},
  ) {
    this.maxRefDepth = opts.maxRefDepth ?? 8;
    this.maxNodes = opts.maxNodes ?? 200_000;
  }

  /** Follows a chain of `$ref`s on a component (parameter, response, path item ...). */
  deref(node: unknown, pointer: string): { value: unknown; pointer: string } {
    let cur = node;
    let ptr = pointer;
    for (let hops = 0; hops < 32; hops++) {
      if (!isObject(cur) || typeof cur['$ref'] !== 'string') return { value: cur, pointer: ptr };
      const ref = cur['$ref'];
      const tokens = parseLocalRef(ref);
      if (tokens === undefined) {
        this.warnings.push({ pointer: ptr, message: `external $ref ${ref} not resolved` });
        return { value: {}, pointer: ptr };
      }
      const target = getAt(this.doc, tokens);
      if (target === undefined) throw new SpecError(this.file, ptr, `$ref ${ref} points to nothing`);
      cur = target;
      ptr = pointerOf(...tokens);
    }
    throw new SpecError(this.file, pointer, '$ref chain too long or circular');
  }

  /** A schema with local `$ref`s inlined; cycles and the depth bound leave `{ 'x-tapwatch-ref': ref }`. */
  schema(node: unknown, pointer: string): Record<string, unknown> | undefined {
    if (!isObject(node)) return undefined;
    const out = this.inline(node, pointer, []);
    return isObject(out) ? out : undefined;
  }

  private inline(node: unknown, pointer: string, stack: string[]): unknown {
    if (Array.isArray(node)) return node.map((v, i) => this.inline(v, `${pointer}/${i}`, stack));
    if (!isObject(node)) return node;
    this.nodes++;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const resolved = this.inlineRef(ref, pointer, stack);
      const siblings = Object.keys(node).filter((k) => k !== '$ref');
      if (siblings.length === 0) return resolved;
      const merged: Record<string, unknown> = isObject(resolved) ? { ...resolved } : {};
      for (const k of siblings) merged[k] = this.inline(node[k], `${pointer}/${escapeToken(k)}`, stack);
      return merged;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = this.inline(v, `${pointer}/${escapeToken(k)}`, stack);
    return out;
  }

  private inlineRef(ref: string, pointer: string, stack: string[]): unknown {
    const tokens = parseLocalRef(ref);
    if (tokens === undefined) {
      this.warnings.push({ pointer, message: `external $ref ${ref} not resolved` });
      return { 'x-tapwatch-ref': ref, 'x-tapwatch-unresolved': 'external' };
    }
    if (stack.includes(ref)) {
      this.truncations++;
      return { 'x-tapwatch-ref': ref, 'x-tapwatch-unresolved': 'cycle' };
    }
    if (stack.length >= this.maxRefDepth) {
      this.truncations++;
      return { 'x-tapwatch-ref': ref, 'x-tapwatch-unresolved': 'depth' };
    }
    const cached = this.cache.get(ref);
    if (cached !== undefined) return cached;
    if (this.nodes > this.maxNodes) {
      if (!this.budgetWarned) this.warnings.push({ pointer, message: `schema inlining stopped after ${this.maxNodes} nodes` });
      this.budgetWarned = true;
      this.truncations++;
      return { 'x-tapwatch-ref': ref, 'x-tapwatch-unresolved': 'budget' };
    }
    const target = getAt(this.doc, tokens);
    if (target === undefined) throw new SpecError(this.file, pointer, `$ref ${ref} points to nothing`);
    const before = this.truncations;
    const result = this.inline(target, pointerOf(...tokens), [...stack, ref]);
    if (this.truncations === before) this.cache.set(ref, result);
    return result;
  }
}
