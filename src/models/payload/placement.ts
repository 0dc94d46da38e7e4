// A parameter value (HttpParamsDataset gives values, not requests) placed into a request: into a
// query parameter, a form field or a JSON field of a benign carrier request, URL-encoded as clients
// and scanners send it. Benign and attack values go into the same carriers, so the model learns the
// value and not the shape of the request around it.
import type { SeededRandom } from '../prng';
import type { RequestParts } from './request-text';
import { splitTarget } from './request-text';

const NAMES = ['id', 'q', 'name', 'search', 'filter', 'user', 'email', 'comment', 'page', 'file', 'path', 'title', 'status', 'city', 'address'];

/** How a value goes into a URL or form: fully encoded, `+` for spaces, or only what would break it. */
function encode(rng: SeededRandom, value: string): string {
  const style = rng.below(3);
  if (style === 0) return encodeURIComponent(value);
  if (style === 1) return encodeURIComponent(value).replace(/%20/g, '+');
  return value.replace(/[\s#&?%+]/g, (c) => encodeURIComponent(c));
}

/** Replaces the value of a random `name=value` pair of `pairs` (or adds one) with the encoded value. */
function intoPairs(rng: SeededRandom, pairs: string, value: string): string {
  const parts = pairs === '' ? [] : pairs.split('&');
  const encoded = encode(rng, value);
  if (parts.length === 0 || rng.below(4) === 0) {
    parts.splice(rng.below(parts.length + 1), 0, `${rng.pick(NAMES)}=${encoded}`);
    return parts.join('&');
  }
  const at = rng.below(parts.length);
  const part = parts[at] as string;
  const eq = part.indexOf('=');
  parts[at] = `${eq < 0 ? part : part.slice(0, eq)}=${encoded}`;
  return parts.join('&');
}

function isJson(ct: string | null): boolean {
  return ct !== null && ct.toLowerCase().includes('json');
}

function isForm(ct: string | null): boolean {
  return ct !== null && ct.toLowerCase().includes('x-www-form-urlencoded');
}

/** Sets a random string field of a JSON object (or adds one) to the value. */
function intoJson(rng: SeededRandom, body: Uint8Array, value: string): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch {
    doc = {};
  }
  const obj: Record<string, unknown> = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const keys = Object.keys(obj).filter((k) => typeof obj[k] !== 'object' || obj[k] === null);
  const key = keys.length > 0 && rng.below(4) !== 0 ? rng.pick(keys) : rng.pick(NAMES);
  obj[key] = value;
  return Buffer.from(JSON.stringify(obj));
}

/** `value` placed into a copy of `carrier`: its body when it has a form or JSON body, else its query. */
export function placeValue(rng: SeededRandom, carrier: RequestParts, value: string): RequestParts {
  const hasBody = carrier.body !== null && carrier.body.length > 0;
  if (hasBody && isJson(carrier.contentType)) return { ...carrier, body: intoJson(rng, carrier.body as Uint8Array, value) };
  if (hasBody && isForm(carrier.contentType)) {
    return { ...carrier, body: Buffer.from(intoPairs(rng, Buffer.from(carrier.body as Uint8Array).toString('latin1'), value), 'latin1') };
  }
  const { path, query } = splitTarget(carrier.target);
  return { ...carrier, target: `${path}?${intoPairs(rng, query ?? '', value)}` };
}
