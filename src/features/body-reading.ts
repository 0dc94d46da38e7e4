// What a read body tells the baselines (body-sampling.ts decides which bodies are read):
// - a JSON response: how many records it returns (a top-level array's length, or the largest array
//   directly under the top object, as in `{"data": [...], "total": 90}`; else 1) and the object ids
//   it shows (values of `id`, `_id`, `uuid`, `orderId`, `user_id` ... up to three levels deep);
// - a JSON or form request: its field names (`role`, `address.city`), for the mass-assignment check.
// Values are hashed for the seen-ids filter and never kept.
import { hashString } from '../core/hashing';

const MAX_DEPTH = 3;
const MAX_ID_CHARS = 128;
const MAX_FIELD_CHARS = 64;
const ID_KEY = /^(?:id|_id|uuid|guid)$|[a-z0-9](?:Id|ID|_id|_uuid|Uuid)$/;

export interface ResponseReading {
  records: number;
  /** Ids found (at most maxIds). */
  ids: number;
  /** More ids than maxIds were there. */
  truncated: boolean;
}

function decode(body: Uint8Array): unknown {
  return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as unknown;
}

function countRecords(doc: unknown): number {
  if (Array.isArray(doc)) return doc.length;
  if (doc === null || typeof doc !== 'object') return 1;
  let largest = -1;
  for (const v of Object.values(doc as Record<string, unknown>)) if (Array.isArray(v) && v.length > largest) largest = v.length;
  return largest >= 0 ? largest : 1;
}

/** Reads a JSON response body; null when it is not JSON (or cut short by the capture bound). */
export function readResponseBody(body: Uint8Array, maxIds: number, onId: (hash: number) => void): ResponseReading | null {
  let doc: unknown;
  try {
    doc = decode(body);
  } catch {
    return null;
  }
  const reading: ResponseReading = { records: countRecords(doc), ids: 0, truncated: false };
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || reading.truncated || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (typeof value === 'object') {
        visit(value, depth + 1);
        continue;
      }
      if (!ID_KEY.test(key)) continue;
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' && value.length <= MAX_ID_CHARS ? value : null;
      if (text === null || text === '') continue;
      if (reading.ids >= maxIds) {
        reading.truncated = true;
        return;
      }
      reading.ids++;
      onId(hashString(text));
    }
  };
  visit(doc, 0);
  return reading;
}

/** Field names of a JSON or form-encoded request body (nested JSON as `a.b`); null when unreadable. */
export function readRequestFields(body: Uint8Array, contentType: string, maxFields: number): string[] | null {
  const fields: string[] = [];
  if (contentType.includes('x-www-form-urlencoded')) {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    for (const pair of text.split('&')) {
      if (fields.length >= maxFields) break;
      const raw = pair.split('=', 1)[0] ?? '';
      if (raw === '' || raw.length > MAX_FIELD_CHARS) continue;
      let name = raw;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: keep the name as sent
      }
      if (!fields.includes(name)) fields.push(name);
    }
    return fields;
  }
  let doc: unknown;
  try {
    doc = decode(body);
  } catch {
    return null;
  }
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (node === null || typeof node !== 'object' || depth > 2) return;
    if (Array.isArray(node)) {
      walk(node[0], `${prefix}[]`, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (fields.length >= maxFields) return;
      if (key.length > MAX_FIELD_CHARS) continue;
      const name = prefix === '' ? key : `${prefix}.${key}`;
      fields.push(name);
      walk(value, name, depth + 1);
    }
  };
  walk(doc, '', 0);
  return fields;
}
