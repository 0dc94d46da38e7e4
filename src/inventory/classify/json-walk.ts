// Tolerant, bounded JSON walker. Reads a (possibly truncated) captured body prefix and JSON-like text
// (`;` separators, single quotes, bare words) without building objects, emitting one event per value
// with its path (`items[].id`). Work is bounded: containers deeper than `maxDepth` are skipped by a
// character scan, and after `maxNodes` values the rest is skipped (array elements are still counted
// so record counts stay right). Every loop iteration advances, so the cost is linear in the text.

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface WalkSink {
  /** A scalar at `path`; `value` is the decoded string or the literal text of a number/boolean/null. */
  scalar(path: string, type: ScalarType, value: string): void;
  /** A container at `path`, reported when it closes (or the text ends); `length` is the element count of arrays. */
  container(path: string, type: 'object' | 'array', length: number, complete: boolean, depth: number): void;
  /** Text in key position not followed by `:` (malformed JSON-like input): not a field, still content. */
  stray?(path: string, text: string): void;
}

export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  /** Object keys longer than this are cut. */
  readonly maxKeyLength: number;
}

export interface WalkResult {
  readonly rootType: 'object' | 'array' | 'scalar' | 'none';
  readonly nodes: number;
  readonly depthSkipped: number;
  readonly nodeLimit: boolean;
  /** Text ended inside a container, or there was malformed input. */
  readonly incomplete: boolean;
}

const INT_RE = /^-?\d{1,400}$/;
const NUM_RE = /^-?\d{0,400}(?:\.\d{1,400})?(?:[eE][+-]?\d{1,5})?$/;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Bare-token terminators: whitespace , ; : } ] { [ " */
function isDelim(c: number): boolean {
  return isWs(c) || c === 44 || c === 59 || c === 58 || c === 125 || c === 93 || c === 123 || c === 91 || c === 34;
}

// Child paths are interned: the same `items[].sku` string object comes back for every element and
// every body, so the consumers' Map lookups hash it once instead of flattening a fresh concatenation
// per value. Bounded: the table is emptied when it holds `MAX_INTERNED` paths.
const MAX_INTERNED = 16384;
const childPaths = new Map<string, Map<string, string>>();
const elementPaths = new Map<string, string>();
let interned = 0;
let resets = 0;

function resetInterned(): void {
  childPaths.clear();
  elementPaths.clear();
  interned = 0;
  resets++;
}

/** Times the path table was emptied because it was full (the inventory counts them). */
export function jsonPathTableResets(): number {
  return resets;
}

function childPath(path: string, key: string): string {
  let children = childPaths.get(path);
  if (children === undefined) {
    if (interned >= MAX_INTERNED) resetInterned();
    children = new Map();
    childPaths.set(path, children);
  }
  let child = children.get(key);
  if (child === undefined) {
    if (interned >= MAX_INTERNED) {
      resetInterned();
      return path === '' ? key : `${path}.${key}`;
    }
    child = path === '' ? key : `${path}.${key}`;
    children.set(key, child);
    interned++;
  }
  return child;
}

function elementPath(path: string): string {
  let child = elementPaths.get(path);
  if (child === undefined) {
    if (interned >= MAX_INTERNED) resetInterned();
    child = `${path}[]`;
    elementPaths.set(path, child);
    interned++;
  }
  return child;
}

class Walker {
  pos = 0;
  nodes = 0;
  depthSkipped = 0;
  stopped = false;
  incomplete = false;

  constructor(
    private readonly t: string,
    private readonly sink: WalkSink,
    private readonly lim: WalkLimits,
  ) {}

  private ws(): void {
    const t = this.t;
    while (this.pos < t.length && isWs(t.charCodeAt(this.pos))) this.pos++;
  }

  private wsSep(): void {
    const t = this.t;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (isWs(c) || c === 44 || c === 59) this.pos++;
      else break;
    }
  }

  /** At an opening quote; returns the decoded string and leaves pos after the closing quote. */
  private str(): string {
    const t = this.t;
    const q = t.charCodeAt(this.pos);
    const start = ++this.pos;
    let escaped = false;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 92) {
        escaped = true;
        this.pos += 2;
        continue;
      }
      if (c === q) break;
      this.pos++;
    }
    const end = Math.min(this.pos, t.length);
    if (this.pos >= t.length) this.incomplete = true;
    else this.pos++;
    const raw = t.slice(start, end);
    if (!escaped) return raw;
    if (q === 34) {
      try {
        return JSON.parse(`"${raw}"`) as string;
      } catch {
        /* fall through */
      }
    }
    return raw.replace(/\\(.)/g, '$1');
  }

  private bare(): string {
    const t = this.t;
    const start = this.pos;
    while (this.pos < t.length && !isDelim(t.charCodeAt(this.pos))) this.pos++;
    return t.slice(start, this.pos);
  }

  /** Skips one value by scanning characters; counts top-level elements if it is an array. */
  private skip(): void {
    const t = this.t;
    const c = t.charCodeAt(this.pos);
    if (c === 34 || c === 39) {
      this.str();
      return;
    }
    if (c !== 123 && c !== 91) {
      if (this.bare().length === 0) this.pos++;
      return;
    }
    let depth = 0;
    while (this.pos < t.length) {
      const d = t.charCodeAt(this.pos);
      if (d === 34) {
        this.str();
        continue;
      }
      this.pos++;
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return;
      }
    }
    this.incomplete = true;
  }

  private count(): boolean {
    if (this.stopped) return false;
    if (++this.nodes >= this.lim.maxNodes) this.stopped = true;
    return true;
  }

  value(path: string, depth: number): void {
    this.ws();
    const t = this.t;
    if (this.pos >= t.length) {
      this.incomplete = true;
      return;
    }
    const c = t.charCodeAt(this.pos);
    if (c === 123 || c === 91) {
      if (this.stopped) {
        this.skip();
        return;
      }
      if (depth >= this.lim.maxDepth) {
        this.depthSkipped++;
        this.count();
        this.skip();
        this.sink.container(path, c === 123 ? 'object' : 'array', -1, false, depth);
        return;
      }
      this.count();
      if (c === 123) this.object(path, depth);
      else this.array(path, depth);
      return;
    }
    if (c === 34 || c === 39) {
      const s = this.str();
      if (this.count()) this.sink.scalar(path, 'string', s);
      return;
    }
    const tok = this.bare();
    if (tok.length === 0) {
      // Stray delimiter (`:` or a closing bracket out of place): step over it.
      this.pos++;
      this.incomplete = true;
      return;
    }
    if (!this.count()) return;
    const f = tok.charCodeAt(0);
    if ((f >= 48 && f <= 57) || f === 45) {
      if (INT_RE.test(tok)) this.sink.scalar(path, 'integer', tok);
      else if (NUM_RE.test(tok)) this.sink.scalar(path, 'number', tok);
      else this.sink.scalar(path, 'string', tok);
    } else if (tok === 'true' || tok === 'false') this.sink.scalar(path, 'boolean', tok);
    else if (tok === 'null') this.sink.scalar(path, 'null', tok);
    else this.sink.scalar(path, 'string', tok);
  }

  private object(path: string, depth: number): void {
    const t = this.t;
    this.pos++;
    let complete = false;
    while (true) {
      this.wsSep();
      if (this.pos >= t.length) break;
      const c = t.charCodeAt(this.pos);
      if (c === 125) {
        this.pos++;
        complete = true;
        break;
      }
      if (c === 93) {
        // mismatched close: treat as the end of this object
        this.pos++;
        this.incomplete = true;
        complete = true;
        break;
      }
      const before = this.pos;
      let key = c === 34 || c === 39 ? this.str() : this.bare();
      if (key.length > this.lim.maxKeyLength) key = key.slice(0, this.lim.maxKeyLength);
      this.ws();
      if (this.pos < t.length && t.charCodeAt(this.pos) === 58) {
        this.pos++;
        const child = childPath(path, key);
        if (this.stopped) {
          this.ws();
          if (this.pos < t.length) this.skip();
        } else this.value(child, depth + 1);
      } else {
        this.incomplete = true;
        if (key.length > 0 && this.sink.stray && this.count()) this.sink.stray(path, key);
        if (this.pos === before) this.pos++;
      }
    }
    if (!complete) this.incomplete = true;
    this.sink.container(path, 'object', -1, complete, depth);
  }

  private array(path: string, depth: number): void {
    const t = this.t;
    this.pos++;
    const child = elementPath(path);
    let n = 0;
    let complete = false;
    while (true) {
      this.wsSep();
      if (this.pos >= t.length) break;
      const c = t.charCodeAt(this.pos);
      if (c === 93) {
        this.pos++;
        complete = true;
        break;
      }
      if (c === 125) {
        this.pos++;
        this.incomplete = true;
        complete = true;
        break;
      }
      const before = this.pos;
      if (this.stopped) this.skip();
      else this.value(child, depth + 1);
      if (this.pos === before) this.pos++;
      // an element that ran into the end of the text is not counted as a whole record
      if (this.pos < t.length || !this.incomplete) n++;
    }
    if (!complete) this.incomplete = true;
    this.sink.container(path, 'array', n, complete, depth);
  }
}

/** Walks JSON-like text. The root is reported with path `''`. */
export function walkJson(text: string, sink: WalkSink, limits: WalkLimits): WalkResult {
  const w = new Walker(text, sink, limits);
  let i = 0;
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  if (i >= text.length) return { rootType: 'none', nodes: 0, depthSkipped: 0, nodeLimit: false, incomplete: false };
  const c = text.charCodeAt(i);
  const rootType = c === 123 ? 'object' : c === 91 ? 'array' : 'scalar';
  w.value('', 0);
  w.pos = Math.min(w.pos, text.length);
  // trailing garbage after the root value makes it malformed
  while (w.pos < text.length && isWs(text.charCodeAt(w.pos))) w.pos++;
  if (w.pos < text.length && !w.stopped) w.incomplete = true;
  return { rootType, nodes: w.nodes, depthSkipped: w.depthSkipped, nodeLimit: w.stopped, incomplete: w.incomplete };
}
