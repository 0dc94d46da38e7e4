// HTTP/1.x analyzer: a StreamConsumer fed by reassembly. Detects HTTP by port or content, decides which
// side is the client by content, runs one parser per direction (pairing.ts pairs their requests with
// responses) and emits each finished exchange as an immutable HttpTransaction (transaction.ts).

import type { HttpConfig } from './config';
import type { Counters } from '../core/counters';
import type { Direction, EndReason, FlowInfo, StreamConsumer } from '../reassembly/types';
import * as A from './anomalies';
import { BodyDecoder } from './body';
import { CredentialExtractor, type CredentialOptions } from './credentials';
import { FlowState, type Side, type TxBuilder } from './flow-state';
import { HeadFields } from './head-fields';
import { flushAll, RequestEvents, ResponseEvents, type PairingHost } from './pairing';
import { ParserAdapter } from './parser-adapter';
import type { ParserEvents } from './parser-events';
import { KIND_ANY, KIND_REQUEST, LineStartScanner } from './probe';
import { CapturedTransaction, originForm } from './transaction';
import type { HttpTransaction } from './types';

/** On a configured port, bytes scanned without finding a start line before the flow is given up. */
const PROBE_GIVE_UP_BYTES = 64 * 1024;

const NOT_HTTP = Symbol('not-http');

function endpoint(ipVersion: number, ip: string, port: number): string {
  return ipVersion === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export class HttpAnalyzer implements StreamConsumer, PairingHost {
  private readonly ports: Set<number>;
  private readonly credentials: CredentialExtractor;
  private readonly bodyDecoder: BodyDecoder;
  readonly heads: HeadFields;
  readonly maxPendingPerFlow: number;

  constructor(
    private readonly config: HttpConfig,
    readonly counters: Counters,
    private readonly emit: (tx: HttpTransaction) => void,
    credentialOptions: CredentialOptions = {},
  ) {
    this.ports = new Set(config.ports);
    this.credentials = new CredentialExtractor(credentialOptions, counters);
    this.bodyDecoder = new BodyDecoder(config.maxDecompressedBytes, counters);
    this.heads = new HeadFields(config.bodyCaptureBytes, this.credentials);
    this.maxPendingPerFlow = config.maxPendingPerFlow;
  }

  onData(flow: FlowInfo, dir: Direction, data: Uint8Array, start: number, length: number, offset: number, ts: number): boolean {
    try {
      return this.data(flow, dir, data, start, length, offset, ts);
    } catch {
      return this.internalError(flow);
    }
  }

  onGap(flow: FlowInfo, dir: Direction, _offset: number, length: number, _ts: number): void {
    try {
      const st = flow.app;
      if (!(st instanceof FlowState) || st.stopped) return;
      const side = st.sides[dir];
      if (side.adapter === null) {
        // Before the roles are known: a gap just breaks the line being probed.
        if (side.probe !== null) side.probe.reset(true);
        side.nextGapped = true;
        return;
      }
      side.adapter.gap(length);
      this.afterParse(st);
    } catch {
      this.internalError(flow);
    }
  }

  onEnd(flow: FlowInfo, dir: Direction, _reason: EndReason, _ts: number): void {
    try {
      const st = flow.app;
      if (!(st instanceof FlowState)) return;
      const side = st.sides[dir];
      if (side.ended) return;
      side.ended = true;
      if (side.adapter !== null && !st.stopped) {
        side.adapter.finish();
        this.afterParse(st);
      }
    } catch {
      this.internalError(flow);
    }
  }

  onClose(flow: FlowInfo, _reason: EndReason, _ts: number): void {
    try {
      const st = flow.app;
      if (!(st instanceof FlowState) || st.closed) return;
      for (const dir of [0, 1] as const) {
        const side = st.sides[dir];
        if (!side.ended) {
          side.ended = true;
          if (side.adapter !== null && !st.stopped) side.adapter.finish();
        }
      }
      st.closed = true;
      flushAll(this, st);
    } catch {
      this.internalError(flow);
    }
  }

  /** Emits the transaction once: its query's credentials are read, its bodies left for a consumer to decode. */
  finalize(st: FlowState, tx: TxBuilder): void {
    if (tx.emitted) return;
    tx.emitted = true;
    const counters = this.counters;
    if (tx.reqBody?.truncated) counters.inc(A.C_CAPTURE_TRUNCATED);
    if (tx.respBody?.truncated) counters.inc(A.C_CAPTURE_TRUNCATED);
    let path: string | null = null;
    let query: string | null = null;
    if (tx.uri !== null) {
      const target = originForm(tx.uri);
      const q = target.indexOf('?');
      if (q >= 0) {
        path = target.slice(0, q);
        query = target.slice(q + 1);
      } else {
        path = target;
      }
      if (query !== null && query.length > 0) this.credentials.query(tx, query);
    }
    counters.inc(A.C_TRANSACTIONS);
    const out = new CapturedTransaction(st, tx, path, query, this.bodyDecoder);
    tx.reqBody = null;
    tx.respBody = null;
    this.emit(out);
  }

  // ---------------------------------------------------------------------------------------------

  private internalError(flow: FlowInfo): boolean {
    this.counters.inc(A.C_INTERNAL_ERROR);
    const st = flow.app;
    if (st instanceof FlowState) {
      st.stopped = true;
      for (const side of st.sides) side.adapter?.stop();
    }
    return false;
  }

  private data(flow: FlowInfo, dir: Direction, data: Uint8Array, start: number, length: number, offset: number, ts: number): boolean {
    let st = flow.app;
    if (st === NOT_HTTP) return false;
    if (!(st instanceof FlowState)) {
      st = new FlowState(flow, this.ports.has(flow.origPort) || this.ports.has(flow.respPort));
      flow.app = st;
      this.counters.inc(A.C_FLOWS);
    }
    const fs = st as FlowState;
    if (fs.stopped) return false;
    if (length <= 0) return true;
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const side = fs.sides[dir];
    if (side.adapter === null) {
      if (!this.detect(flow, fs, dir, buf, start, length, offset, ts)) return false;
    } else {
      side.adapter.execute(buf, start, length, ts);
    }
    this.afterParse(fs);
    return !fs.stopped;
  }

  /** Roles unknown: probe this direction's bytes for a start line. False: not HTTP. */
  private detect(flow: FlowInfo, st: FlowState, dir: Direction, buf: Buffer, start: number, length: number, offset: number, ts: number): boolean {
    const side = st.sides[dir];
    // A TLS record at the start of a direction: not HTTP, whatever the port.
    const tls = offset === 0 && buf[start] === 0x16 && (length < 2 || buf[start + 1] === 0x03);
    st.probedBytes += length;
    let probe = side.probe;
    if (probe === null) {
      probe = side.probe = new LineStartScanner(KIND_ANY);
      probe.lenient = st.portMatch;
    }
    const kind = tls ? 0 : probe.scan(buf, start, start + length);
    if (tls || (!st.portMatch && probe.skipped) || (kind <= 0 && st.probedBytes > PROBE_GIVE_UP_BYTES)) {
      flow.app = NOT_HTTP;
      this.counters.inc(A.C_NOT_HTTP);
      return false;
    }
    if (kind <= 0) return true;
    if (probe.skipped) this.counters.inc(A.C_MIDSTREAM);
    this.assignRoles(flow, st, kind === KIND_REQUEST ? dir : ((1 - dir) as Direction));
    const adapter = side.adapter as ParserAdapter | null;
    if (adapter === null) return true;
    const prefix = probe.prefix;
    const resumeAt = probe.resumeAt;
    side.probe = null;
    if (prefix.length > 0) {
      const pb = Buffer.from(prefix, 'latin1');
      adapter.execute(pb, 0, pb.length, ts);
    }
    adapter.execute(buf, resumeAt, start + length - resumeAt, ts);
    return true;
  }

  private assignRoles(flow: FlowInfo, st: FlowState, reqDir: Direction): void {
    st.reqDir = reqDir;
    if (reqDir === 1) this.counters.inc(A.C_ROLE_SWAPPED);
    const orig = endpoint(flow.ipVersion, flow.origIp, flow.origPort);
    const resp = endpoint(flow.ipVersion, flow.respIp, flow.respPort);
    st.client = reqDir === 0 ? orig : resp;
    st.server = reqDir === 0 ? resp : orig;
    st.clientIp = reqDir === 0 ? flow.origIp : flow.respIp;
    st.clientPort = reqDir === 0 ? flow.origPort : flow.respPort;
    st.serverIp = reqDir === 0 ? flow.respIp : flow.origIp;
    st.serverPort = reqDir === 0 ? flow.respPort : flow.origPort;
    const limits = this.config;
    const reqSide = st.sides[reqDir];
    const respSide = st.sides[(1 - reqDir) as Direction];
    const mk = (isReq: boolean, side: Side, events: ParserEvents): ParserAdapter => {
      // A direction that already sent unrecognised bytes continues scanning for a start line.
      const scanning = side.probe !== null && side.probe.skipped;
      const a = new ParserAdapter(isReq, limits, events, this.counters, scanning, scanning ? (side.probe ?? undefined) : undefined);
      if (scanning) side.probe = null;
      return a;
    };
    reqSide.adapter = mk(true, reqSide, new RequestEvents(this, st, reqSide));
    respSide.adapter = mk(false, respSide, new ResponseEvents(this, st, respSide));
  }

  /** After a parser call: an upgraded flow stops both parsers. */
  private afterParse(st: FlowState): void {
    const reqDir = st.reqDir;
    if (reqDir === -1) return;
    const reqAdapter = st.sides[reqDir].adapter;
    const respAdapter = st.sides[(1 - reqDir) as Direction].adapter;
    if (st.stopped) {
      reqAdapter?.stop();
      respAdapter?.stop();
      return;
    }
  }
}
