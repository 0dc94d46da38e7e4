// The object ids of a call: the values in the path where its endpoint template has parameters
// (`/api/users/{id:int}/orders/{id2:int}` on `/api/users/7/orders/42` gives 7 and 42). The template
// is compiled once per endpoint; each call is then walked from the end of its path, because a spec
// template may lack the base path the traffic carries (`/pet/{petId}` for `/api/v3/pet/5`). Values
// are hashed in place (hashing.ts), never cut out or kept.
import { hashRange } from '../core/hashing';

/** At most this many ids per call (templates with more parameters keep the last ones). */
export const MAX_IDS_PER_CALL = 8;

interface IdParam {
  /** Segment position counted from the end of the path (1 = last segment). */
  fromEnd: number;
  /** Literal characters before and after the parameter within its segment (`{id:int}.gif`: 0 and 4). */
  prefix: number;
  suffix: number;
}

export interface CompiledTemplate {
  /** Parameters, nearest the end of the path first. */
  readonly params: readonly IdParam[];
}

const SLASH = 47;
const NO_IDS: CompiledTemplate = { params: [] };

export function compileTemplate(template: string): CompiledTemplate {
  // `{overflow}` stands for the rest of an over-long path: no position can be trusted
  if (template.includes('{overflow}')) return NO_IDS;
  const segments = template.split('/').filter((s) => s !== '');
  const params: IdParam[] = [];
  for (let i = segments.length - 1; i >= 0 && params.length < MAX_IDS_PER_CALL; i--) {
    const seg = segments[i] as string;
    const open = seg.indexOf('{');
    if (open < 0) continue;
    const close = seg.lastIndexOf('}');
    // several parameters in one segment (`{name}.{ext}`): the whole segment is the id
    const single = seg.indexOf('{', open + 1) < 0;
    params.push({ fromEnd: segments.length - i, prefix: single ? open : 0, suffix: single ? seg.length - close - 1 : 0 });
  }
  return params.length === 0 ? NO_IDS : { params };
}

/** Writes the hashes of the call's ids into `out`; returns how many. */
export function extractIdHashes(path: string, compiled: CompiledTemplate, out: Uint32Array): number {
  const params = compiled.params;
  if (params.length === 0) return 0;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  let position = 1;
  let p = 0;
  let found = 0;
  while (end > 0 && p < params.length) {
    const start = path.lastIndexOf('/', end - 1) + 1;
    const param = params[p] as IdParam;
    if (position === param.fromEnd) {
      const s = start + param.prefix;
      const e = end - param.suffix;
      if (e > s) out[found++] = hashRange(path, s, e);
      p++;
    }
    end = start - 1;
    while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
    position++;
  }
  return found;
}
