// The field names and value types of one request body, for the mass-assignment detector: a JSON
// object (nested fields as `a.b`, the first element of an array as `a[]`, up to three levels) or a
// form-encoded body (`user[role]` read as `user.role`; form values carry no type). Keys that are data
// rather than names (numbers, hex ids, e-mails, long or odd strings: a map keyed by ids) collapse to
// `*`, so `items.*` is one stable field and no value leaves as a field name. Values are never kept.
// One reader is reused for every body (its arrays are overwritten), so reading allocates little.
import { bodyJson, NOT_JSON } from '../core/body-json';

/** JSON type classes of a field's value (form values are T_UNTYPED: never judged for type). */
export const T_NULL = 0;
export const T_BOOLEAN = 1;
export const T_NUMBER = 2;
export const T_STRING = 3;
export const T_OBJECT = 4;
export const T_ARRAY = 5;
export const T_UNTYPED = 6;
export const TYPE_CLASSES = 7;
export const TYPE_NAMES = ['null', 'boolean', 'number', 'string', 'object', 'array', 'untyped'] as const;

/** Nesting below the top object that is still read (`a.b.c`). */
const MAX_DEPTH = 2;
const NAME_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,39}$/;
const HEXISH = /^[0-9a-fA-F_-]{8,}$/;

/** A key that names a field, or `*` when it is data (an id, a date, an address used as a key). */
export function fieldKey(key: string): string {
  if (!NAME_KEY.test(key)) return '*';
  // `a1b2c3d4e5`, `3f2a-...`: hex with a digit is an id, not a name
  return HEXISH.test(key) && /[0-9]/.test(key) ? '*' : key;
}

export type BodyKind = 'json' | 'form';

export class BodyFields {
  /** Field names of the last body read (the first `count` entries). */
  readonly names: string[] = [];
  /** Their value types (T_*). */
  readonly types: Uint8Array;
  /** Their depth: 0 for a field of the top object (or of the top array's elements). */
  readonly depths: Uint8Array;
  count = 0;
  /** More fields were there than `max`. */
  truncated = false;

  constructor(private readonly max: number) {
    this.types = new Uint8Array(max);
    this.depths = new Uint8Array(max);
  }

  /**
   * Reads `body`; false when it is not a JSON object/array or form body it can read. `owner` (the
   * transaction) shares the JSON parse with the injection detector (core/body-json.ts).
   */
  read(body: Uint8Array, kind: BodyKind, owner: object = body): boolean {
    this.count = 0;
    this.truncated = false;
    if (kind === 'json') return this.readJson(bodyJson(owner, body));
    return this.readForm(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'));
  }

  private readJson(parsed: unknown): boolean {
    if (parsed === NOT_JSON) return false;
    let doc = parsed;
    if (Array.isArray(doc)) doc = doc[0];
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
    this.walk(doc as Record<string, unknown>, '', 0);
    return true;
  }

  private walk(node: Record<string, unknown>, prefix: string, depth: number): void {
    for (const key in node) {
      if (this.count >= this.max) {
        this.truncated = true;
        return;
      }
      const value = node[key];
      const name = prefix + fieldKey(key);
      let type = typeOf(value);
      if (this.add(name, type, depth) && depth < MAX_DEPTH) {
        let inner: unknown = value;
        let path = name;
        if (type === T_ARRAY) {
          inner = (value as unknown[])[0];
          path = `${name}[]`;
          type = typeOf(inner);
        }
        if (type === T_OBJECT) this.walk(inner as Record<string, unknown>, `${path}.`, depth + 1);
      }
    }
  }

  private readForm(text: string): boolean {
    for (const pair of text.split('&')) {
      const eq = pair.indexOf('=');
      // a part without `=` may be a raw token: never taken as a name
      if (eq <= 0) continue;
      let raw = pair.slice(0, eq);
      try {
        raw = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: the name as sent
      }
      const parts = raw.replace(/\[\]/g, '.[]').replace(/\[([^\]]*)\]/g, '.$1').split('.');
      const name = parts.map((p) => (p === '[]' ? p : fieldKey(p))).join('.').replace(/\.\[\]/g, '[]');
      if (this.count >= this.max) {
        this.truncated = true;
        break;
      }
      this.add(name, T_UNTYPED, Math.min(MAX_DEPTH, parts.length - 1));
    }
    return true;
  }

  /** Adds a field unless this body already has it (keys collapsed to `*` repeat); true when added. */
  private add(name: string, type: number, depth: number): boolean {
    if (name.includes('*')) for (let i = 0; i < this.count; i++) if (this.names[i] === name) return false;
    const i = this.count++;
    this.names[i] = name;
    this.types[i] = type;
    this.depths[i] = depth;
    return true;
  }
}

function typeOf(v: unknown): number {
  if (v === null) return T_NULL;
  switch (typeof v) {
    case 'boolean':
      return T_BOOLEAN;
    case 'number':
      return T_NUMBER;
    case 'string':
      return T_STRING;
    case 'object':
      return Array.isArray(v) ? T_ARRAY : T_OBJECT;
    default:
      return T_UNTYPED;
  }
}
