// The jsonl form of a transaction (`tapwatch replay --format jsonl`). No bodies, no credentials
// (query-string credentials are redacted from the URI); of each credential only its kind, name,
// a short fingerprint and the JWT claims that name the client.

import { redactTransactionUri } from './redact-uri';
import type { HttpTransaction, TransactionCredential } from './types';

export function httpRecord(tx: HttpTransaction): Record<string, unknown> {
  const r: Record<string, unknown> = {
    type: 'http',
    ts: tx.ts,
    flow: tx.flowId,
    tx: tx.txId,
    client: tx.client,
    server: tx.server,
  };
  if (tx.vlanIds.length > 0) r.vlan = tx.vlanIds;
  if (tx.tunnels.length > 0) r.tunnels = tx.tunnels;
  r.method = tx.method;
  r.host = tx.host;
  r.uri = redactTransactionUri(tx);
  r.version = tx.version;
  r.status = tx.status;
  r.statusMessage = tx.statusMessage;
  r.respTs = tx.respTs;
  r.reqBodyLen = tx.reqBodyLen;
  r.respBodyLen = tx.respBodyLen;
  r.userAgent = tx.userAgent;
  r.reqContentType = tx.reqContentType;
  r.respContentType = tx.respContentType;
  if (tx.authorization !== null) r.authScheme = tx.authorization;
  if (tx.credentials.length > 0) r.credentials = tx.credentials.map(credentialRecord);
  r.completeness = tx.completeness;
  if (tx.upgrade !== null) r.upgrade = tx.upgrade;
  r.anomalies = [...tx.anomalies];
  return r;
}

/** Characters of the keyed hash printed: enough to tell credentials apart, too few to match a hash store. */
export const FINGERPRINT_CHARS = 8;

/**
 * What a record says of a credential. A Basic credential's hash is a hash of a password and its user
 * a person's name: only the kind is printed (the transaction keeps the rest for identity).
 */
function credentialRecord(c: TransactionCredential): Record<string, unknown> {
  if (c.kind === 'basic') return { kind: c.kind };
  const r: Record<string, unknown> = { kind: c.kind };
  if (c.name !== null) r.name = c.name;
  r.fingerprint = c.hash.slice(0, FINGERPRINT_CHARS);
  const claims = c.claims;
  if (claims !== null) {
    if (claims.sub !== null) r.sub = claims.sub;
    if (claims.iss !== null) r.iss = claims.iss;
    if (claims.exp !== null) r.exp = claims.exp;
  }
  return r;
}
