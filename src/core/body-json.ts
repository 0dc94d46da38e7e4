// A request body parsed as JSON once per transaction, shared by the consumers that read it (the
// injection and mass-assignment detectors both read every JSON write body). Consumers run one after
// another on the same transaction, so a one-entry cache keyed by the transaction object is enough and
// keeps nothing alive past the next one.

/** What `bodyJson` returns for a body that is not JSON (or was cut at the capture bound). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

let cachedOwner: object | null = null;
let cachedBody: Uint8Array | null = null;
let cachedDoc: unknown = NOT_JSON;

/** `body` (of the transaction `owner`) parsed as UTF-8 JSON, or NOT_JSON. */
export function bodyJson(owner: object, body: Uint8Array): unknown {
  if (owner === cachedOwner && body === cachedBody) return cachedDoc;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as unknown;
  } catch {
    doc = NOT_JSON;
  }
  cachedOwner = owner;
  cachedBody = body;
  cachedDoc = doc;
  return doc;
}
