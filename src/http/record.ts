// The jsonl form of a transaction (`tapwatch replay --format jsonl`). No bodies, no credentials
// (query-string credentials are redacted from the URI).

import { redactUri } from './redact-uri';
import type { HttpTransaction } from './types';

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
  r.uri = redactUri(tx.uri);
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
  r.completeness = tx.completeness;
  if (tx.upgrade !== null) r.upgrade = tx.upgrade;
  r.anomalies = [...tx.anomalies];
  return r;
}
