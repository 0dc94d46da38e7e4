// The jsonl line of a transaction, written field by field: the same text as
// `JSON.stringify(httpRecord(tx))` (a test holds the two equal on every regression capture) without
// building the intermediate object or walking it generically. `replay --format jsonl` prints one per
// transaction, so this is on the per-transaction path (issue 11's profile: JSON.stringify 9%).
import { redactTransactionUri } from './redact-uri';
import { FINGERPRINT_CHARS } from './record';
import type { HttpTransaction, TransactionCredential } from './types';

const str = JSON.stringify as (s: string) => string;

function strOrNull(s: string | null): string {
  return s === null ? 'null' : str(s);
}

/** Below 2^32 s a double's spacing is under 1 µs, so a timestamp with whole microseconds has no shorter form. */
const MICROSECOND_EXACT_BELOW = 4e9;
const ZEROS = '000000';

/**
 * A number as JSON writes it (the shortest text that reads back as the same double; non-finite is
 * null). Timestamps with whole microseconds, the common case, are written from integers: the
 * generic shortest-double printing was a tenth of a record's cost.
 */
export function num(n: number): string {
  if (n >= 1 && n < MICROSECOND_EXACT_BELOW) {
    const micros = Math.round(n * 1e6);
    // the decimal sec.micros reads back as n: it is then the shortest form (see the bound above)
    if (micros / 1e6 === n) {
      const sec = Math.floor(micros / 1e6);
      let frac = micros - sec * 1e6;
      if (frac === 0) return String(sec);
      let digits = 6;
      while (frac % 10 === 0) {
        frac /= 10;
        digits--;
      }
      const f = String(frac);
      return sec + '.' + (f.length < digits ? ZEROS.slice(0, digits - f.length) + f : f);
    }
  }
  return Number.isFinite(n) ? String(n) : 'null';
}

function numOrNull(n: number | null): string {
  return n === null ? 'null' : num(n);
}

function numList(l: readonly number[]): string {
  let s = '[';
  for (let i = 0; i < l.length; i++) s += (i > 0 ? ',' : '') + num(l[i] as number);
  return s + ']';
}

function strList(l: readonly string[]): string {
  let s = '[';
  for (let i = 0; i < l.length; i++) s += (i > 0 ? ',' : '') + str(l[i] as string);
  return s + ']';
}

function credentialJson(c: TransactionCredential): string {
  let s = '{"kind":' + str(c.kind);
  if (c.kind === 'basic') return s + '}';
  if (c.name !== null) s += ',"name":' + str(c.name);
  s += ',"fingerprint":' + str(c.hash.slice(0, FINGERPRINT_CHARS));
  const claims = c.claims;
  if (claims !== null) {
    if (claims.sub !== null) s += ',"sub":' + str(claims.sub);
    if (claims.iss !== null) s += ',"iss":' + str(claims.iss);
    if (claims.exp !== null) s += ',"exp":' + num(claims.exp);
  }
  return s + '}';
}

/** `JSON.stringify(httpRecord(tx))`, field for field, in the same order. */
export function httpRecordJson(tx: HttpTransaction): string {
  let s = '{"type":"http","ts":' + num(tx.ts) + ',"flow":' + str(tx.flowId) + ',"tx":' + num(tx.txId);
  s += ',"client":' + str(tx.client) + ',"server":' + str(tx.server);
  if (tx.vlanIds.length > 0) s += ',"vlan":' + numList(tx.vlanIds);
  if (tx.tunnels.length > 0) s += ',"tunnels":' + strList(tx.tunnels);
  s += ',"method":' + strOrNull(tx.method);
  s += ',"host":' + strOrNull(tx.host);
  s += ',"uri":' + strOrNull(redactTransactionUri(tx));
  s += ',"version":' + strOrNull(tx.version);
  s += ',"status":' + numOrNull(tx.status);
  s += ',"statusMessage":' + strOrNull(tx.statusMessage);
  s += ',"respTs":' + numOrNull(tx.respTs);
  s += ',"reqBodyLen":' + num(tx.reqBodyLen) + ',"respBodyLen":' + num(tx.respBodyLen);
  s += ',"userAgent":' + strOrNull(tx.userAgent);
  s += ',"reqContentType":' + strOrNull(tx.reqContentType);
  s += ',"respContentType":' + strOrNull(tx.respContentType);
  if (tx.authorization !== null) s += ',"authScheme":' + str(tx.authorization);
  if (tx.credentials.length > 0) {
    s += ',"credentials":[';
    for (let i = 0; i < tx.credentials.length; i++) s += (i > 0 ? ',' : '') + credentialJson(tx.credentials[i] as TransactionCredential);
    s += ']';
  }
  s += ',"completeness":' + str(tx.completeness);
  if (tx.upgrade !== null) s += ',"upgrade":' + str(tx.upgrade);
  return s + ',"anomalies":' + strList(tx.anomalies) + '}';
}
