// Pairing requests with responses, in order: the parser events of each direction build transactions,
// requests wait in the flow's bounded queue (pipelining) until a response takes the oldest, interim
// responses are skipped, aborts and gaps keep a place so later pairs stay aligned, and a transaction is
// handed to `finalize` once both of its sides are done (or at close, when nothing more can come).

import type { Counters } from '../core/counters';
import * as A from './anomalies';
import { addAnomaly, newTx, noteSideAnomaly, takeSideAnomalies, type FlowState, type Side, type TxBuilder } from './flow-state';
import type { HeadFields } from './head-fields';
import { HEAD_CONTINUE, HEAD_PAUSE_AFTER, HEAD_SKIP_BODY, HEAD_STOP, type MessageHead, type ParserEvents } from './parser-events';
import type { Direction } from '../reassembly/types';

/** What the pairing needs of the analyzer that owns it. */
export interface PairingHost {
  readonly counters: Counters;
  readonly heads: HeadFields;
  readonly maxPendingPerFlow: number;
  /** Emits the transaction (once). */
  finalize(st: FlowState, tx: TxBuilder): void;
}

/** Pending request queue bound: the oldest waiting request is emitted as request-only. */
function enqueue(an: PairingHost, st: FlowState, tx: TxBuilder): void {
  st.queue.push(tx);
  if (st.queue.length > an.maxPendingPerFlow) {
    const old = st.queue.shift() as TxBuilder;
    an.counters.inc(A.C_PENDING_LIMIT);
    addAnomaly(old, A.PENDING_LIMIT);
    an.counters.inc(A.C_REQUEST_ONLY);
    old.respDone = true;
    if (old.reqDone) an.finalize(st, old);
  }
}

/** At close: everything not yet emitted goes out (requests without responses as request-only). */
export function flushAll(an: PairingHost, st: FlowState): void {
  const reqDir = st.reqDir;
  if (reqDir === -1) return;
  const reqSide = st.sides[reqDir];
  const respSide = st.sides[(1 - reqDir) as Direction];
  if (respSide.cur) {
    respSide.cur.respDone = true;
    an.finalize(st, respSide.cur);
    respSide.cur = null;
  }
  if (reqSide.cur) {
    reqSide.cur.reqDone = true;
    an.finalize(st, reqSide.cur);
    reqSide.cur = null;
  }
  while (st.queue.length > 0) {
    const tx = st.queue.shift() as TxBuilder;
    an.counters.inc(A.C_REQUEST_ONLY);
    an.finalize(st, tx);
  }
}

export class RequestEvents implements ParserEvents {
  constructor(
    private readonly an: PairingHost,
    private readonly st: FlowState,
    private readonly side: Side,
  ) {}

  onHead(head: MessageHead): number {
    const { an, st, side } = this;
    const tx = newTx(st, head.ts);
    const asked = an.heads.applyRequestHead(tx, head);
    takeSideAnomalies(side, tx);
    side.cur = tx;
    side.parsedAny = true;
    enqueue(an, st, tx);
    // A version-less request gets a simple response: no status line, so no protocol switch.
    if (asked !== null && !tx.http09) {
      tx.upgradeAsked = asked;
      return HEAD_PAUSE_AFTER;
    }
    return HEAD_CONTINUE;
  }

  onBody(buf: Buffer, start: number, length: number): void {
    this.side.cur?.reqBody?.add(buf, start, length);
  }

  onBodyGap(length: number): void {
    const tx = this.side.cur;
    if (tx === null) return;
    tx.reqBody?.skip(length);
    tx.gapped = true;
  }

  onComplete(): void {
    const tx = this.side.cur;
    if (tx === null) return;
    this.side.cur = null;
    tx.reqDone = true;
    if (tx.respDone) this.an.finalize(this.st, tx);
  }

  onLateHeaders(headers: readonly string[]): void {
    const tx = this.side.cur;
    if (tx !== null) this.an.heads.applyRequestHeaders(tx, headers);
  }

  onAbort(anomaly: string | null, head: MessageHead | null, started: boolean, gap: boolean, ts: number): void {
    const { an, st, side } = this;
    const tx = side.cur;
    if (tx !== null) {
      tx.gapped = true;
      if (anomaly !== null) addAnomaly(tx, anomaly);
      side.cur = null;
      tx.reqDone = true;
      if (tx.respDone) an.finalize(st, tx);
      return;
    }
    if (!side.parsedAny && !gap && head === null) {
      // The direction began inside a message (picked up mid-stream): not an error of a transaction.
      return;
    }
    if (head !== null || started) {
      // A request was (at least partly) sent: keep a place for it so responses stay paired. Nothing of
      // it could be read when head is null: a reply makes the record response-only (its time is then
      // the reply's); unanswered, it is kept for the anomaly, at the time of its first byte.
      const t = newTx(st, head?.ts ?? ts);
      if (head !== null) an.heads.applyRequestHead(t, head);
      takeSideAnomalies(side, t);
      t.gapped = true;
      if (anomaly !== null) addAnomaly(t, anomaly);
      t.reqDone = true;
      side.parsedAny = true;
      enqueue(an, st, t);
      return;
    }
    side.nextGapped = true;
    if (anomaly !== null) noteSideAnomaly(side, anomaly);
  }

  onAnomaly(name: string): void {
    noteSideAnomaly(this.side, name);
  }

  expectSimpleResponse(): boolean {
    return false;
  }
}

export class ResponseEvents implements ParserEvents {
  constructor(
    private readonly an: PairingHost,
    private readonly st: FlowState,
    private readonly side: Side,
  ) {}

  private pair(head: MessageHead): TxBuilder {
    const { an, st } = this;
    let tx = st.queue.shift();
    if (tx === undefined) {
      tx = newTx(st, head.ts);
      tx.reqDone = true;
      an.counters.inc(A.C_RESPONSE_ONLY);
    }
    return tx;
  }

  onHead(head: MessageHead): number {
    const { an, st, side } = this;
    side.parsedAny = true;
    const status = head.statusCode;
    if (status !== null && status >= 100 && status < 200 && status !== 101) {
      // Interim response (100 Continue, 102, 103): the request still awaits its final response.
      side.interim = true;
      an.counters.inc(A.C_INTERIM);
      return HEAD_SKIP_BODY;
    }
    const tx = this.pair(head);
    const upgradeHdr = an.heads.applyResponseHead(tx, head);
    takeSideAnomalies(side, tx);
    side.cur = tx;
    if (head.versionMajor === 0) {
      addAnomaly(tx, A.RESPONSE_HTTP09);
      return HEAD_CONTINUE;
    }
    if (status === 101) {
      tx.upgrade = upgradeHdr ?? (tx.upgradeAsked !== null && tx.upgradeAsked !== 'connect' ? tx.upgradeAsked : 'unknown');
      an.counters.inc(A.C_UPGRADES);
      st.stopped = true;
      return HEAD_STOP;
    }
    if (tx.method === 'CONNECT' && status !== null && status >= 200 && status < 300) {
      tx.upgrade = 'connect';
      an.counters.inc(A.C_UPGRADES);
      st.stopped = true;
      return HEAD_STOP;
    }
    if (tx.upgradeAsked !== null) {
      // The protocol did not switch: the request side parses the bytes it held, before this
      // response's successors are paired.
      const reqDir = st.reqDir;
      if (reqDir !== -1) st.sides[reqDir].adapter?.resume();
    }
    if (tx.method === 'HEAD' || status === 204 || status === 304) return HEAD_SKIP_BODY;
    return HEAD_CONTINUE;
  }

  onBody(buf: Buffer, start: number, length: number): void {
    if (this.side.interim) return;
    this.side.cur?.respBody?.add(buf, start, length);
  }

  onBodyGap(length: number): void {
    const tx = this.side.cur;
    if (tx === null || this.side.interim) return;
    tx.respBody?.skip(length);
    tx.gapped = true;
  }

  onComplete(): void {
    const { side } = this;
    if (side.interim) {
      side.interim = false;
      return;
    }
    const tx = side.cur;
    if (tx === null) return;
    side.cur = null;
    tx.respDone = true;
    if (tx.reqDone || this.st.stopped) this.an.finalize(this.st, tx);
  }

  onLateHeaders(): void {
    // Response side: never called.
  }

  onAbort(anomaly: string | null, head: MessageHead | null, started: boolean, gap: boolean): void {
    const { an, st, side } = this;
    side.interim = false;
    let tx = side.cur;
    if (tx === null) {
      if (!side.parsedAny && !gap && head === null) return; // picked up mid-stream
      if (head !== null) {
        tx = this.pair(head);
        an.heads.applyResponseHead(tx, head);
        takeSideAnomalies(side, tx);
      } else if (started) {
        // A response was lost: its request is answered by nothing we could read.
        tx = st.queue.shift() ?? null;
        if (tx !== null) {
          tx.hasResp = true;
          takeSideAnomalies(side, tx);
        }
      }
    }
    side.parsedAny = true;
    if (tx === null) {
      side.nextGapped = true;
      if (anomaly !== null) noteSideAnomaly(side, anomaly);
      return;
    }
    side.cur = null;
    tx.gapped = true;
    if (anomaly !== null) addAnomaly(tx, anomaly);
    tx.respDone = true;
    if (tx.reqDone) an.finalize(st, tx);
  }

  onAnomaly(name: string): void {
    noteSideAnomaly(this.side, name);
  }

  expectSimpleResponse(): boolean {
    const first = this.st.queue[0];
    return first !== undefined && first.http09;
  }
}
