// Junk path values: what a buggy client puts where an id belongs. They fold into the parameter at
// their position (see borrowing.ts) instead of becoming endpoints, and are reported per request.
//
// Only exact renderings of "no value" are junk, case-sensitive as languages print them (`null` from
// JS/Java, `None` from Python, `nil` from Ruby, `<nil>` from Go, `NULL` from SQL): a word such as
// `none` or `empty` can be a real path, so it is left to the evidence gate.
import type { JunkKind } from './types';

const NULL_LIKE = new Set(['NaN', 'nan', 'null', 'Null', 'NULL', 'undefined', 'None', 'nil', '<nil>', 'Infinity', '-Infinity']);
const OBJECT = new Set(['[object Object]', '[object Array]', '[object Undefined]', '[object Null]']);
const PLACEHOLDERS: readonly RegExp[] = [
  /^\{\{?\s*[A-Za-z_$][\w$.-]{0,63}\s*\}?\}$/, // {id} (OpenAPI), {{id}} (Postman, mustache)
  /^\$\{[^{}]{1,64}\}$/, // ${id} (JS template literal)
  /^:[A-Za-z_]\w{0,63}$/, // :id (Express, Rails routes)
  /^<(\w{1,16}:)?[A-Za-z_]\w{0,63}>$/, // <id>, <int:id> (Flask)
];

/** The kind of junk a decoded segment value is, or null for an ordinary value. */
export function junkKind(value: string): JunkKind | null {
  if (NULL_LIKE.has(value)) return 'null';
  if (OBJECT.has(value)) return 'object';
  const c = value.charCodeAt(0);
  // fast path: placeholders start with `{`, `$`, `:` or `<`
  if (c !== 123 && c !== 36 && c !== 58 && c !== 60) return null;
  for (const re of PLACEHOLDERS) if (re.test(value)) return 'placeholder';
  return null;
}
