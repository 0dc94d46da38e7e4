// State the HTTP analyzer keeps per flow and per direction, and the mutable builder of one transaction
// until it is emitted. Shared by the analyzer, the header readers and the request/response pairing, so
// none of them owns another's data; everything here is plain data plus the helpers that mark anomalies.

import type { BodyCapture } from './body';
import type { ParserAdapter } from './parser-adapter';
import type { LineStartScanner } from './probe';
import type { TransactionCredential } from './types';
import type { Direction, FlowInfo } from '../reassembly/types';

/** Mutable state of one transaction until it is emitted. */
export interface TxBuilder {
  txId: number;
  ts: number;
  respTs: number | null;
  hasReq: boolean;
  hasResp: boolean;
  reqDone: boolean;
  respDone: boolean;
  emitted: boolean;
  gapped: boolean;
  method: string | null;
  uri: string | null;
  version: string | null;
  respVersion: string | null;
  status: number | null;
  statusMessage: string | null;
  host: string | null;
  userAgent: string | null;
  reqContentType: string | null;
  contentEncoding: string | null;
  authorization: string | null;
  authJwtAlg: string | null;
  /** Null until the request carries a credential (no allocation for the others). */
  credentials: TransactionCredential[] | null;
  /** Fingerprints of the session cookies and API-key headers the response set; null until one. */
  issuedCredentials: string[] | null;
  xForwardedFor: string | null;
  forwardedFor: string | null;
  cookieNames: string[];
  headers: string[];
  reqBodyDeclared: number | null;
  respContentType: string | null;
  respContentEncoding: string | null;
  respHeaders: string[];
  respBodyDeclared: number | null;
  reqBody: BodyCapture | null;
  respBody: BodyCapture | null;
  upgrade: string | null;
  /** Protocol asked for by an upgrade request (or "connect"); the request side is paused. */
  upgradeAsked: string | null;
  http09: boolean;
  anomalies: string[] | null;
}

/** One direction of a flow: its parser, the message it is reading, and marks for the next head. */
export interface Side {
  adapter: ParserAdapter | null;
  cur: TxBuilder | null;
  /** Anomalies and gap marks reported before the next head of this side. */
  pendingAnoms: string[] | null;
  nextGapped: boolean;
  interim: boolean;
  parsedAny: boolean;
  ended: boolean;
  probe: LineStartScanner | null;
}

export class FlowState {
  /** Direction that carries requests, -1 until known. */
  reqDir: -1 | Direction = -1;
  readonly sides: [Side, Side] = [newSide(), newSide()];
  /** Requests waiting for their response, oldest first. */
  readonly queue: TxBuilder[] = [];
  nextTxId = 1;
  client = '';
  server = '';
  clientIp = '';
  clientPort = 0;
  serverIp = '';
  serverPort = 0;
  stopped = false;
  closed = false;
  /** Bytes scanned before the roles were known. */
  probedBytes = 0;
  constructor(
    readonly flow: FlowInfo,
    readonly portMatch: boolean,
  ) {}
}

function newSide(): Side {
  return {
    adapter: null,
    cur: null,
    pendingAnoms: null,
    nextGapped: false,
    interim: false,
    parsedAny: false,
    ended: false,
    probe: null,
  };
}

/** A fresh transaction with every field present (one shape for all of them). */
export function newTx(st: FlowState, ts: number): TxBuilder {
  return {
    txId: st.nextTxId++,
    ts,
    respTs: null,
    hasReq: false,
    hasResp: false,
    reqDone: false,
    respDone: false,
    emitted: false,
    gapped: false,
    method: null,
    uri: null,
    version: null,
    respVersion: null,
    status: null,
    statusMessage: null,
    host: null,
    userAgent: null,
    reqContentType: null,
    contentEncoding: null,
    authorization: null,
    authJwtAlg: null,
    credentials: null,
    issuedCredentials: null,
    xForwardedFor: null,
    forwardedFor: null,
    cookieNames: [],
    headers: [],
    reqBodyDeclared: null,
    respContentType: null,
    respContentEncoding: null,
    respHeaders: [],
    respBodyDeclared: null,
    reqBody: null,
    respBody: null,
    upgrade: null,
    upgradeAsked: null,
    http09: false,
    anomalies: null,
  };
}

export function addAnomaly(tx: TxBuilder, name: string): void {
  if (tx.anomalies === null) tx.anomalies = [name];
  else if (!tx.anomalies.includes(name)) tx.anomalies.push(name);
}

/** Anomalies and gap marks the side noted before this transaction's head go to it. */
export function takeSideAnomalies(side: Side, tx: TxBuilder): void {
  if (side.pendingAnoms !== null) {
    for (const a of side.pendingAnoms) addAnomaly(tx, a);
    side.pendingAnoms = null;
  }
  if (side.nextGapped) {
    tx.gapped = true;
    side.nextGapped = false;
  }
}

/** An anomaly of the message being read, or held for the next head when there is none. */
export function noteSideAnomaly(side: Side, name: string): void {
  if (side.cur !== null) addAnomaly(side.cur, name);
  else if (side.pendingAnoms === null) side.pendingAnoms = [name];
  else if (!side.pendingAnoms.includes(name)) side.pendingAnoms.push(name);
}
