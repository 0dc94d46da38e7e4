/**
 * Webhook signatures (Stripe-style scheme).
 *
 * Every request carries
 *
 *     X-Tapwatch-Timestamp: <t>
 *     X-Tapwatch-Signature: t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * where `<t>` is the send time in Unix seconds (each retry is signed afresh) and the body is the exact
 * bytes on the wire. To verify a request, a receiver:
 *
 *  1. reads the raw body bytes before any JSON parsing (re-serialised JSON will not match);
 *  2. splits the signature header on `,` and each element on the first `=`; takes `t` and every `v1`
 *     (more than one `v1` may appear while a secret is rotated; other schemes are ignored);
 *  3. computes HMAC-SHA256 with the shared secret over `t`, a `.`, and the raw body, as lowercase hex;
 *  4. compares it with each `v1` in constant time (Node: `crypto.timingSafeEqual` on equal-length
 *     buffers) and accepts if any matches;
 *  5. rejects if `|now - t|` exceeds its tolerance (e.g. 300 s), which bounds replays of a captured
 *     request; then dedupes by the alert `id` in the body, because delivery is at-least-once.
 *
 * `verifySignature` below does exactly this and is what our tests use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA256 of `"<t>.<body>"`. */
export function computeSignature(secret: string, timestampSec: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
}

/** The value of X-Tapwatch-Signature for `body` sent at `timestampSec`. */
export function signatureHeader(secret: string, timestampSec: number, body: string | Buffer): string {
  return `t=${timestampSec},v1=${computeSignature(secret, timestampSec, body)}`;
}

export type VerifyResult =
  | { readonly ok: true; readonly timestampSec: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a request's X-Tapwatch-Signature `header` against its raw `body`: accepted when a `v1`
 * matches and the signed time is within `toleranceSec` of `nowSec` (either direction).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  toleranceSec: number,
  nowSec: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (header === undefined) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const element of header.split(',')) {
    const eq = element.indexOf('=');
    if (eq < 0) continue;
    const key = element.slice(0, eq).trim();
    const value = element.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'utf8');
  // Check every candidate (no early exit) so timing does not tell which one matched.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'utf8'))) matched = true;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSec - timestamp) > toleranceSec) return { ok: false, reason: 'stale' };
  return { ok: true, timestampSec: timestamp };
}
