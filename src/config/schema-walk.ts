// Walks the zod config schema: every key with its description, the schema at a data path (for
// typo suggestions and typing `${env:...}` values), and the keys tagged `secret` (masked on output).
// Wrappers (default, optional, pipe ...) are looked through; metadata sits on the outermost one.
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** The parts of a zod 4 definition the walk needs. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
}

/** Path segment standing for "any element" of an array of objects (`outputs.webhooks[].url`). */
export const ITEM = '[]';
/** Path segment standing for "any key" of a map of objects (`alerting.detectors.<name>.action`). */
export const ENTRY = '<name>';

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'nonoptional', 'readonly', 'catch']);

function def(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

/** The schema under defaults, optionals and transforms: what the input is checked against. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (WRAPPERS.has(d.type) && d.innerType) current = d.innerType;
    else if (d.type === 'pipe' && d.in) current = d.in;
    else return current;
  }
}

export function schemaType(schema: Schema): string {
  return def(unwrap(schema)).type;
}

export function meta(schema: Schema): { description?: string; secret?: boolean } {
  const m = z.globalRegistry.get(schema);
  return { description: typeof m?.description === 'string' ? m.description : undefined, secret: m?.secret === true };
}

export interface SchemaKey {
  /** Key names from the root, with ITEM / ENTRY for array elements and map values. */
  path: string[];
  /** The key's schema as declared (carries the description). */
  schema: Schema;
  /** No keys below it: a value, a list of values or a map of values. */
  leaf: boolean;
  description: string | undefined;
  secret: boolean;
}

/** The object schema inside `schema` when it holds keys (directly, per array element or per map value). */
function childObject(schema: Schema): { object: Schema; segment: string | null } | null {
  const inner = unwrap(schema);
  const d = def(inner);
  if (d.type === 'object') return { object: inner, segment: null };
  if (d.type === 'array' && d.element && def(unwrap(d.element)).type === 'object') return { object: unwrap(d.element), segment: ITEM };
  if (d.type === 'record' && d.valueType && def(unwrap(d.valueType)).type === 'object') return { object: unwrap(d.valueType), segment: ENTRY };
  return null;
}

/** Every key of `root`, sections before the keys inside them, in declaration order. */
export function schemaKeys(root: Schema): SchemaKey[] {
  const out: SchemaKey[] = [];
  const visit = (object: Schema, prefix: string[]): void => {
    for (const [name, schema] of Object.entries(def(object).shape ?? {})) {
      const path = [...prefix, name];
      const child = childObject(schema);
      out.push({ path, schema, leaf: child === null, ...meta(schema) } as SchemaKey);
      if (child) visit(child.object, child.segment ? [...path, child.segment] : path);
    }
  };
  const top = childObject(root);
  if (top) visit(top.object, []);
  return out;
}

/** `outputs.webhooks[].url` */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((segment, i) => (segment === ITEM || i === 0 ? segment : `.${segment}`)).join('');
}

/** A data path as the operator wrote it: `outputs.webhooks.0.url`; map keys with dots are quoted. */
export function formatDataPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (/^[^.\s"]+$/.test(String(segment)) ? String(segment) : JSON.stringify(String(segment)))).join('.');
}

/**
 * The declared schema of the key at a data path (`['outputs', 'webhooks', 0, 'secret']`), or
 * undefined when the path leaves the schema. The root path gives the root.
 */
export function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema = root;
  for (const segment of path) {
    const d = def(unwrap(current));
    let next: Schema | undefined;
    if (d.type === 'object') next = Object.hasOwn(d.shape ?? {}, String(segment)) ? d.shape?.[String(segment)] : undefined;
    else if (d.type === 'array' && /^\d+$/.test(String(segment))) next = d.element;
    else if (d.type === 'record') next = d.valueType;
    if (!next) return undefined;
    current = next;
  }
  return current;
}

/** Key names allowed in the object at `path` (empty when it is not an object). */
export function keysAt(root: Schema, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, path);
  if (!schema) return [];
  const d = def(unwrap(schema));
  return d.type === 'object' ? Object.keys(d.shape ?? {}) : [];
}

/** True when the key at `path` or any key above it is tagged secret. */
export function isSecretPath(root: Schema, path: readonly PropertyKey[]): boolean {
  for (let i = 1; i <= path.length; i++) {
    const schema = schemaAt(root, path.slice(0, i));
    if (schema && meta(schema).secret) return true;
  }
  return false;
}
