// HTTP/1.x analyzer: a StreamConsumer fed by reassembly. Detects HTTP by port or content, decides which
// side is the client by content, runs one parser per direction and pairs requests with responses in
// order (pipelining, bounded pending queue), then emits immutable HttpTransaction records.

import type { HttpConfig } from './config';
import type { Counters } from '../core/counters';
import type { Direction, EndReason, FlowInfo, StreamConsumer } from '../reassembly/types';
import * as A from './anomalies';
import { BodyCapture, decodeBody } from './body';
import { CredentialExtractor, NO_CREDENTIALS, type CredentialOptions } from './credentials';
import { ParserAdapter } from './parser-adapter';
import { HEAD_CONTINUE, HEAD_PAUSE_AFTER, HEAD_SKIP_BODY, HEAD_STOP, type MessageHead, type ParserEvents } from './parser-events';
import { KIND_ANY, KIND_REQUEST, LineStartScanner } from './probe';
import type { Completeness, HttpTransaction, TransactionCredential } from './types';

/** Authorization values that are a scheme alone (a challenge-less `Negotiate`, an empty `Bearer`). */
const SCHEME_ONLY = new Set(['basic', 'bearer', 'digest', 'negotiate', 'ntlm', 'token', 'hoba', 'mutual', 'aws4-hmac-sha256']);

const MAX_HEADER_NAMES = 64;
const MAX_COOKIE_NAMES = 32;
/** On a configured port, bytes scanned without finding a start line before the flow is given up. */
const PROBE_GIVE_UP_BYTES = 64 * 1024;

/** Mutable state of one transaction until it is emitted. */
interface TxBuilder {
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
  xForwardedFor: string | null;
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

interface Side {
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

class FlowState {
  /** Direction that carries requests, -1 until known. */
  reqDir: -1 | Direction = -1;
  readonly sides: [Side, Side] = [newSide(), newSide()];
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

const NOT_HTTP = Symbol('not-http');

function endpoint(ipVersion: number, ip: string, port: number): string {
  return ipVersion === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function versionString(major: number, minor: number): string {
  if (major === 1) return minor === 1 ? '1.1' : minor === 0 ? '1.0' : `1.${minor}`;
  return `${major}.${minor}`;
}

function addAnomaly(tx: TxBuilder, name: string): void {
  if (tx.anomalies === null) tx.anomalies = [name];
  else if (!tx.anomalies.includes(name)) tx.anomalies.push(name);
}

function parseDeclared(v: string): number | null {
  const n = Number(v.trim());
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function pushName(list: string[], name: string, bound: number): void {
  if (list.length < bound && !list.includes(name)) list.push(name);
}

export class HttpAnalyzer implements StreamConsumer {
  private readonly ports: Set<number>;
  private readonly credentials: CredentialExtractor;

  constructor(
    private readonly config: HttpConfig,
    readonly counters: Counters,
    private readonly emit: (tx: HttpTransaction) => void,
    credentialOptions: CredentialOptions = {},
  ) {
    this.ports = new Set(config.ports);
    this.credentials = new CredentialExtractor(credentialOptions, counters);
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
      this.flushAll(st);
    } catch {
      this.internalError(flow);
    }
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

  /** At close: everything not yet emitted goes out (requests without responses as request-only). */
  private flushAll(st: FlowState): void {
    const reqDir = st.reqDir;
    if (reqDir === -1) return;
    const reqSide = st.sides[reqDir];
    const respSide = st.sides[(1 - reqDir) as Direction];
    if (respSide.cur) {
      respSide.cur.respDone = true;
      this.finalize(st, respSide.cur);
      respSide.cur = null;
    }
    if (reqSide.cur) {
      reqSide.cur.reqDone = true;
      this.finalize(st, reqSide.cur);
      reqSide.cur = null;
    }
    while (st.queue.length > 0) {
      const tx = st.queue.shift() as TxBuilder;
      this.counters.inc(A.C_REQUEST_ONLY);
      this.finalize(st, tx);
    }
  }

  // ---- transaction building (used by the event classes) ----------------------------------------

  newTx(st: FlowState, ts: number): TxBuilder {
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
      xForwardedFor: null,
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

  /** Request head into the transaction; returns the upgrade protocol asked for, if any. */
  applyRequestHead(tx: TxBuilder, head: MessageHead): string | null {
    tx.hasReq = true;
    tx.method = head.method;
    tx.uri = head.url;
    tx.version = versionString(head.versionMajor, head.versionMinor);
    tx.http09 = head.versionMajor === 0;
    tx.reqBody = new BodyCapture(this.config.bodyCaptureBytes);
    return this.applyRequestHeaders(tx, head.headers);
  }

  /** Request header fields into the transaction; returns the upgrade protocol asked for, if any. */
  applyRequestHeaders(tx: TxBuilder, h: readonly string[]): string | null {
    let upgradeHdr: string | null = null;
    let connUpgrade = false;
    for (let i = 0; i + 1 < h.length; i += 2) {
      const name = (h[i] as string).toLowerCase();
      const value = h[i + 1] as string;
      pushName(tx.headers, name, MAX_HEADER_NAMES);
      switch (name) {
        case 'host':
          if (tx.host === null) tx.host = value;
          break;
        case 'user-agent':
          if (tx.userAgent === null) tx.userAgent = value;
          break;
        case 'content-type':
          if (tx.reqContentType === null) tx.reqContentType = value;
          break;
        case 'content-encoding':
          tx.contentEncoding = tx.contentEncoding === null ? value : `${tx.contentEncoding}, ${value}`;
          break;
        case 'content-length':
          if (tx.reqBodyDeclared === null) tx.reqBodyDeclared = parseDeclared(value);
          break;
        case 'authorization': {
          // Scheme only: the credential never leaves this function.
          const sp = value.search(/[ \t]/);
          // without a space the value is a scheme only when it names one: a bare API key sent as
          // `Authorization: <key>` must never be kept (it would be printed as the scheme)
          tx.authorization = sp < 0 ? (SCHEME_ONLY.has(value.toLowerCase()) ? value : value === '' ? '' : 'unknown') : value.slice(0, sp);
          // the credential becomes a fingerprint; what a bearer JWT says about its signing (alg: none, HS256 ...) is kept
          if (sp > 0) {
            const alg = this.credentials.authorization(tx, tx.authorization, value.slice(sp + 1).trim());
            if (tx.authorization.toLowerCase() === 'bearer') tx.authJwtAlg = alg;
          }
          break;
        }
        case 'x-forwarded-for':
          tx.xForwardedFor = tx.xForwardedFor === null ? value : `${tx.xForwardedFor}, ${value}`;
          break;
        case 'cookie':
          for (const part of value.split(';')) {
            const eq = part.indexOf('=');
            const cname = (eq < 0 ? part : part.slice(0, eq)).trim();
            if (cname === '') continue;
            pushName(tx.cookieNames, cname, MAX_COOKIE_NAMES);
            if (eq >= 0 && this.credentials.isSessionCookie(cname)) this.credentials.sessionCookie(tx, cname, part.slice(eq + 1));
          }
          break;
        case 'upgrade':
          upgradeHdr = value.trim().toLowerCase();
          break;
        case 'connection':
          if (/(^|,)[ \t]*upgrade[ \t]*(,|$)/i.test(value)) connUpgrade = true;
          break;
        default:
          if (this.credentials.isApiKeyHeader(name)) this.credentials.apiKeyHeader(tx, name, value);
      }
    }
    if (tx.host === null && tx.uri !== null) {
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(tx.uri);
      if (m?.[1]) tx.host = m[1].replace(/^[^@]*@/, '');
    }
    if (tx.method === 'CONNECT') return 'connect';
    if (upgradeHdr !== null && connUpgrade) return upgradeHdr.split(/[ \t,/]/)[0] || 'unknown';
    return null;
  }

  /** Response head into the transaction; returns the Upgrade header value (lower-cased) if any. */
  applyResponseHead(tx: TxBuilder, head: MessageHead): string | null {
    tx.hasResp = true;
    tx.respTs = head.ts;
    tx.status = head.statusCode;
    tx.statusMessage = head.statusMessage;
    tx.respVersion = versionString(head.versionMajor, head.versionMinor);
    tx.respBody = new BodyCapture(this.config.bodyCaptureBytes);
    let upgrade: string | null = null;
    const h = head.headers;
    for (let i = 0; i + 1 < h.length; i += 2) {
      const name = (h[i] as string).toLowerCase();
      const value = h[i + 1] as string;
      pushName(tx.respHeaders, name, MAX_HEADER_NAMES);
      switch (name) {
        case 'content-type':
          if (tx.respContentType === null) tx.respContentType = value;
          break;
        case 'content-encoding':
          tx.respContentEncoding = tx.respContentEncoding === null ? value : `${tx.respContentEncoding}, ${value}`;
          break;
        case 'content-length':
          if (tx.respBodyDeclared === null) tx.respBodyDeclared = parseDeclared(value);
          break;
        case 'upgrade':
          upgrade = value.trim().toLowerCase().split(/[ \t,/]/)[0] || null;
          break;
      }
    }
    return upgrade;
  }

  /** Emits the transaction once. */
  finalize(st: FlowState, tx: TxBuilder): void {
    if (tx.emitted) return;
    tx.emitted = true;
    const cfg = this.config;
    const counters = this.counters;
    const body = (cap: BodyCapture | null, encoding: string | null): Uint8Array | null => {
      if (cap === null) return null;
      if (cap.truncated) counters.inc(A.C_CAPTURE_TRUNCATED);
      const raw = cap.bytes();
      if (raw === null || encoding === null || cap.holed) return raw;
      const d = decodeBody(raw, encoding, cfg.maxDecompressedBytes);
      if (d.outcome === 'limit') {
        counters.inc(A.C_DECOMPRESS_LIMIT);
        addAnomaly(tx, A.DECOMPRESS_LIMIT);
      } else if (d.outcome === 'error') {
        counters.inc(A.C_DECOMPRESS_ERROR);
        addAnomaly(tx, A.DECOMPRESS_ERROR);
      }
      return d.body;
    };
    const reqBody = body(tx.reqBody, tx.contentEncoding);
    const respBody = body(tx.respBody, tx.respContentEncoding);
    let completeness: Completeness;
    if (tx.gapped) completeness = 'gapped';
    else if (!tx.hasReq) completeness = 'response-only';
    else if (!tx.hasResp) completeness = 'request-only';
    else completeness = 'full';
    let path: string | null = null;
    let query: string | null = null;
    const uri = tx.uri;
    if (uri !== null) {
      let target = uri;
      const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(uri);
      if (abs) target = uri.slice(abs[0].length) || '/';
      const hash = target.indexOf('#');
      if (hash >= 0) target = target.slice(0, hash);
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
    const out: HttpTransaction = {
      flowId: st.flow.id,
      txId: tx.txId,
      client: st.client,
      server: st.server,
      clientIp: st.clientIp,
      clientPort: st.clientPort,
      serverIp: st.serverIp,
      serverPort: st.serverPort,
      vlanIds: st.flow.vlanIds,
      tunnels: st.flow.tunnels,
      ts: tx.hasReq ? tx.ts : (tx.respTs ?? tx.ts),
      respTs: tx.respTs,
      method: tx.method,
      host: tx.host,
      uri,
      path,
      query,
      version: tx.version ?? tx.respVersion,
      status: tx.status,
      statusMessage: tx.statusMessage,
      userAgent: tx.userAgent,
      reqContentType: tx.reqContentType,
      contentEncoding: tx.contentEncoding,
      respContentEncoding: tx.respContentEncoding,
      authorization: tx.authorization,
      authJwtAlg: tx.authJwtAlg,
      credentials: tx.credentials ?? NO_CREDENTIALS,
      xForwardedFor: tx.xForwardedFor,
      cookieNames: tx.cookieNames,
      headers: tx.headers,
      respHeaders: tx.respHeaders,
      respContentType: tx.respContentType,
      reqBodyLen: tx.reqBody?.length ?? 0,
      respBodyLen: tx.respBody?.length ?? 0,
      reqBodyDeclared: tx.reqBodyDeclared,
      respBodyDeclared: tx.respBodyDeclared,
      reqBody,
      respBody,
      completeness,
      upgrade: tx.upgrade,
      anomalies: tx.anomalies ?? [],
    };
    tx.reqBody = null;
    tx.respBody = null;
    this.emit(out);
  }

  /** Pending request queue bound: the oldest waiting request is emitted as request-only. */
  enqueue(st: FlowState, tx: TxBuilder): void {
    st.queue.push(tx);
    if (st.queue.length > this.config.maxPendingPerFlow) {
      const old = st.queue.shift() as TxBuilder;
      this.counters.inc(A.C_PENDING_LIMIT);
      addAnomaly(old, A.PENDING_LIMIT);
      this.counters.inc(A.C_REQUEST_ONLY);
      old.respDone = true;
      if (old.reqDone) this.finalize(st, old);
    }
  }

  takeSideAnomalies(side: Side, tx: TxBuilder): void {
    if (side.pendingAnoms !== null) {
      for (const a of side.pendingAnoms) addAnomaly(tx, a);
      side.pendingAnoms = null;
    }
    if (side.nextGapped) {
      tx.gapped = true;
      side.nextGapped = false;
    }
  }

  noteSideAnomaly(side: Side, name: string): void {
    if (side.cur !== null) addAnomaly(side.cur, name);
    else if (side.pendingAnoms === null) side.pendingAnoms = [name];
    else if (!side.pendingAnoms.includes(name)) side.pendingAnoms.push(name);
  }
}

type Analyzer = HttpAnalyzer;

class RequestEvents implements ParserEvents {
  constructor(
    private readonly an: Analyzer,
    private readonly st: FlowState,
    private readonly side: Side,
  ) {}

  onHead(head: MessageHead): number {
    const { an, st, side } = this;
    const tx = an.newTx(st, head.ts);
    const asked = an.applyRequestHead(tx, head);
    an.takeSideAnomalies(side, tx);
    side.cur = tx;
    side.parsedAny = true;
    an.enqueue(st, tx);
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
    if (tx !== null) this.an.applyRequestHeaders(tx, headers);
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
      const t = an.newTx(st, head?.ts ?? ts);
      if (head !== null) an.applyRequestHead(t, head);
      an.takeSideAnomalies(side, t);
      t.gapped = true;
      if (anomaly !== null) addAnomaly(t, anomaly);
      t.reqDone = true;
      side.parsedAny = true;
      an.enqueue(st, t);
      return;
    }
    side.nextGapped = true;
    if (anomaly !== null) an.noteSideAnomaly(side, anomaly);
  }

  onAnomaly(name: string): void {
    this.an.noteSideAnomaly(this.side, name);
  }

  expectSimpleResponse(): boolean {
    return false;
  }
}

class ResponseEvents implements ParserEvents {
  constructor(
    private readonly an: Analyzer,
    private readonly st: FlowState,
    private readonly side: Side,
  ) {}

  private pair(head: MessageHead): TxBuilder {
    const { an, st } = this;
    let tx = st.queue.shift();
    if (tx === undefined) {
      tx = an.newTx(st, head.ts);
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
    const upgradeHdr = an.applyResponseHead(tx, head);
    an.takeSideAnomalies(side, tx);
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
        an.applyResponseHead(tx, head);
        an.takeSideAnomalies(side, tx);
      } else if (started) {
        // A response was lost: its request is answered by nothing we could read.
        tx = st.queue.shift() ?? null;
        if (tx !== null) {
          tx.hasResp = true;
          an.takeSideAnomalies(side, tx);
        }
      }
    }
    side.parsedAny = true;
    if (tx === null) {
      side.nextGapped = true;
      if (anomaly !== null) an.noteSideAnomaly(side, anomaly);
      return;
    }
    side.cur = null;
    tx.gapped = true;
    if (anomaly !== null) addAnomaly(tx, anomaly);
    tx.respDone = true;
    if (tx.reqDone) an.finalize(st, tx);
  }

  onAnomaly(name: string): void {
    this.an.noteSideAnomaly(this.side, name);
  }

  expectSimpleResponse(): boolean {
    const first = this.st.queue[0];
    return first !== undefined && first.http09;
  }
}
