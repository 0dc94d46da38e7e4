// Query-string credentials never reach a record or a log line: the value of a parameter named like
// a credential (`api_key=`, `token=`, `password=`), of a parameter the transaction's credentials name
// (an API key under a name a spec declares), and any value shaped like a JWT or a vendor key becomes
// `REDACTED`. Everything else of the URI is kept as sent.
import type { HttpTransaction } from './types';
const CREDENTIAL_NAME = /^(?:api[-_]?key|apikey|key|token|access[-_]?token|auth[-_]?token|id[-_]?token|refresh[-_]?token|session(?:id)?|sid|password|passwd|pwd|pass|secret|client[-_]?secret|private[-_]?key|signature|sig)$/i;
const SECRET_VALUE = /^(?:eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[\w-]{10,}|sk_(?:live|test)_[\w]{10,})$/;

export const REDACTED = 'REDACTED';

/** The transaction's URI as records show it: redacted, including the query keys it was fingerprinted for. */
export function redactTransactionUri(tx: HttpTransaction): string | null {
  let names: string[] | null = null;
  for (const c of tx.credentials) {
    if (c.kind === 'api-key-query' && c.name !== null) (names ??= []).push(c.name);
  }
  return redactUri(tx.uri, names);
}

/** `alsoNames`: lower-cased parameter names to redact besides the built-in credential names. */
export function redactUri(uri: string | null, alsoNames: readonly string[] | null = null): string | null {
  if (uri === null) return null;
  const q = uri.indexOf('?');
  if (q < 0) return uri;
  const hash = uri.indexOf('#', q);
  const query = uri.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const value = pair.slice(eq + 1);
    if (value === '') return pair;
    let name = pair.slice(0, eq);
    let decoded = value;
    try {
      name = decodeURIComponent(name);
      decoded = decodeURIComponent(value);
    } catch {
      /* judged on the raw text */
    }
    if (!CREDENTIAL_NAME.test(name) && !SECRET_VALUE.test(decoded) && !(alsoNames !== null && alsoNames.includes(name.toLowerCase()))) return pair;
    changed = true;
    return `${pair.slice(0, eq)}=${REDACTED}`;
  });
  if (!changed) return uri;
  return uri.slice(0, q + 1) + parts.join('&') + (hash < 0 ? '' : uri.slice(hash));
}
