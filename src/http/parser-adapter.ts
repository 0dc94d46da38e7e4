// One HTTP/1.x message parser per direction, behind a small event interface so that another parser
// (Node's llhttp) can replace http-parser-js later. The adapter adds what a passive sensor needs and
// http-parser-js lacks:
//   - bounds on line length, header bytes and header count, decided per line so that the outcome does
//     not depend on how the stream was cut into chunks;
//   - lenient start lines (extra spaces, missing reason phrase, bare LF) and HTTP/0.9 simple requests
//     and responses, reported as anomalies instead of errors;
//   - gaps: skipped as body bytes when the framing says how many body bytes remain, else resync;
//   - resynchronisation after a gap or a parse error on the next line that starts a message;
//   - pausing after a request that asks for an upgrade (its bytes are held, bounded, until the response
//     says whether the protocol switched) and stopping after a switch.
//
// It drives http-parser-js 0.5.10 through a few instance-level overrides (consumeLine, parseHeader,
// REQUEST_LINE, RESPONSE_LINE, reinitialize) and its documented callbacks; the version is pinned.

import { HTTPParser } from 'http-parser-js';
import type { Counters } from '../core/counters';
import { KIND_REQUEST, KIND_RESPONSE, KNOWN_METHODS, LineStartScanner } from './probe';
import * as A from './anomalies';

export const HEAD_CONTINUE = 0;
/** No body follows this head (HEAD response, 1xx, 204, 304). */
export const HEAD_SKIP_BODY = 1;
/** No body, and the protocol switches after this head (101, CONNECT 2xx): stop parsing. */
export const HEAD_STOP = 2;
/** The protocol may switch after this message (upgrade request): hold later bytes until resume() or stop(). */
export const HEAD_PAUSE_AFTER = 3;

export interface MessageHead {
  /** Request method as sent (request side), else null. */
  readonly method: string | null;
  readonly url: string | null;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly statusCode: number | null;
  readonly statusMessage: string | null;
  /** Flat [name, value, name, value ...] as sent (bounded by maxHeaderCount, framing headers kept). */
  readonly headers: readonly string[];
  /** Time of the chunk that carried the message's first byte. */
  readonly ts: number;
  /** A head rebuilt from a message that could not be parsed to its end (a bound, a parse error). */
  readonly partial: boolean;
}

export interface ParserEvents {
  /** Headers complete. Return HEAD_CONTINUE / HEAD_SKIP_BODY / HEAD_STOP / HEAD_PAUSE_AFTER. */
  onHead(head: MessageHead): number;
  /** Body bytes (after de-chunking); the view is valid only during the call. */
  onBody(buf: Buffer, start: number, length: number): void;
  /** Body bytes lost in a gap but accounted for by the framing. */
  onBodyGap(length: number): void;
  onComplete(ts: number): void;
  /**
   * The message in progress cannot be completed (a parse error, a bound, a gap outside a body, the
   * direction ended early) and the parser resynchronises. `anomaly` names the reason (null for a plain
   * gap). `head` is what was learnt of the message, if anything; `started` is false when no byte of a
   * message had been seen since the last boundary (a gap between messages).
   */
  onAbort(anomaly: string | null, head: MessageHead | null, started: boolean, gap: boolean, ts: number): void;
  /**
   * Request side: the header lines that followed a version-less (HTTP/0.9-form) request line, whose
   * head was reported at the request line (so that its reply is read as a simple response).
   */
  onLateHeaders(headers: readonly string[]): void;
  /** A lenient form in the current message (reported before or at its head). */
  onAnomaly(name: string): void;
  /** Response side, at a message start whose first byte is not 'H': is an HTTP/0.9 response due? */
  expectSimpleResponse(): boolean;
}

export interface ParserLimits {
  readonly maxLineBytes: number;
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
}

const MODE_PARSE = 0;
const MODE_RESYNC = 1;
const MODE_HOLD = 2;
const MODE_STOPPED = 3;
const MODE_SIMPLE = 4;

/** Start-line prefix kept when a start line is cut for length (schema minimum of maxLineBytes). */
const PREFIX_CHARS = 256;

const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'upgrade', 'host', 'content-encoding']);

const STRICT_REQ = /^([A-Z-]+) ([^ ]+) HTTP\/(\d)\.(\d)$/;
/** RFC 7230 token at the start of a line (the method, any token). */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
/** A version at the end of the request line: HTTP/d.d, or the truncated HTTP/d. (minor empty). */
const VERSION_TAIL = /(?:^|[ \t]+)HTTP\/(\d)\.(\d?)[ \t]*$/;
/** A prefix of " HTTP/d.d" at the end of a line cut short (gap, bound). */
const PARTIAL_VERSION_TAIL = /[ \t]+H(?:T(?:T(?:P(?:\/(?:\d(?:\.\d?)?)?)?)?)?)?\r?$/;
const ODD_SPACING = /[ \t]{2}|\t|[ \t]$/;
const STRICT_STATUS = /^HTTP\/(\d)\.(\d) (\d{3}) (.*)$/;
const LENIENT_STATUS = /^HTTP\/([^ \t]*)[ \t]+(\d{3})(?:[ \t]+(.*?))?[ \t]*$/;
const VERSION_DIGITS = /^(\d)\.(\d)$/;
const CHUNK_SIZE = /^[ \t]*[0-9A-Fa-f]+[ \t]*(;.*)?$/;
const DIGITS = /^[ \t]*\d+[ \t]*$/;
const CHUNKED_LAST = /(^|,)[ \t]*chunked[ \t]*$/i;
const CHUNKED_ANY = /(^|,)[ \t]*chunked[ \t]*(,|$)/i;
const KNOWN_METHOD_SET = new Set(KNOWN_METHODS);

/** A request line read leniently. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly major: number;
  readonly minor: number;
  /** No version: an HTTP/0.9 simple request. */
  readonly http09: boolean;
  /** Lenient forms seen (anomaly names), besides http09 and unknown methods. */
  readonly anomalies: readonly string[];
}

/**
 * Reads a request line as Zeek does: method = the first token; version = a trailing ` HTTP/d.d` (or the
 * truncated ` HTTP/d.`) if present; target = everything in between, spaces included (empty when the
 * line is `METHOD HTTP/1.1`). Without a version the line is an HTTP/0.9 request, which needs a target
 * and a method of at least 3 characters (as Zeek requires). Null: not a request line.
 * `partial`: the line was cut short (a gap, a bound): a trailing prefix of a version is dropped and a
 * line without a version is not taken as HTTP/0.9 (version 1.1 is assumed).
 */
export function parseRequestLine(line: string, partial: boolean): RequestLine | null {
  const m = METHOD_TOKEN.exec(line);
  if (m === null) return null;
  const method = m[0];
  let at = method.length;
  while (at < line.length && (line.charCodeAt(at) === 0x20 || line.charCodeAt(at) === 0x09)) at++;
  if (at === method.length || at === line.length) return null;
  const rest = line.slice(at);
  const anomalies: string[] = [];
  let target: string;
  let major = 1;
  let minor = 1;
  let http09 = false;
  const v = VERSION_TAIL.exec(rest);
  if (v !== null) {
    target = rest.slice(0, v.index);
    major = Number(v[1]);
    if (v[2] === '' || v[2] === undefined) anomalies.push(A.REQUEST_BAD_VERSION);
    else minor = Number(v[2]);
    if (target === '') anomalies.push(A.REQUEST_MISSING_TARGET);
  } else if (partial) {
    const pv = PARTIAL_VERSION_TAIL.exec(rest);
    target = pv === null ? rest.replace(/\r$/, '') : rest.slice(0, pv.index);
  } else {
    target = rest.replace(/[ \t]+$/, '');
    if (method.length < 3) return null;
    http09 = true;
  }
  if (ODD_SPACING.test(line) || target.includes(' ')) anomalies.push(A.REQUEST_LENIENT_LINE);
  return { method, target, major, minor, http09, anomalies };
}

type ParserInfo = {
  headers: string[];
  upgrade: boolean;
  method?: number;
  url?: string;
  versionMajor?: number;
  versionMinor?: number;
  statusCode?: number;
  statusMessage?: string;
};

/** The parts of http-parser-js's parser object the adapter uses (0.5.10). */
interface Internals {
  state: string;
  line: string;
  offset: number;
  end: number;
  chunk: Buffer | null;
  info: ParserInfo;
  body_bytes: number | null;
  isChunked: boolean;
  isUserCall: boolean;
  hadError: boolean;
  maxHeaderSize: number;
  execute(buf: Buffer, start: number, length: number): number | Error;
  finish(): Error | undefined;
  initialize(type: string): void;
  nextRequest(): void;
  userCall(): (r: unknown) => unknown;
  consumeLine(): string | undefined;
  parseHeader(line: string, headers: string[]): void;
  reinitialize(type: string): void;
  REQUEST_LINE(): unknown;
  RESPONSE_LINE(): unknown;
  [key: number]: unknown;
}

interface ParserStatics {
  new (type: string): Internals;
  REQUEST: string;
  RESPONSE: string;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  methods: string[];
  prototype: Internals;
}

const HP = HTTPParser as unknown as ParserStatics;
const PROTO = HP.prototype;

/**
 * `Name: value` split exactly as http-parser-js's header regex does, without the regex and its match
 * array (the parser's hottest line). Returns false for anything unusual (continuation lines, a CR,
 * no name, whitespace in the name), which the library's own code then handles, errors included.
 */
export function splitHeaderLine(line: string, headers: string[]): boolean {
  const colon = line.indexOf(':');
  if (colon <= 0 || line.indexOf('\r') !== -1) return false;
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09) return false;
  }
  let from = colon + 1;
  let to = line.length;
  while (from < to && (line.charCodeAt(from) === 0x20 || line.charCodeAt(from) === 0x09)) from++;
  while (to > from && (line.charCodeAt(to - 1) === 0x20 || line.charCodeAt(to - 1) === 0x09)) to--;
  headers.push(line.slice(0, colon), line.slice(from, to));
  return true;
}

/** An http-parser-js parser that knows its adapter (the overrides below reach it through this). */
interface TapInternals extends Internals {
  adapter: ParserAdapter;
}

/** Prototype of our parsers: http-parser-js's, plus the overrides installed by ParserAdapter. */
const TAP_PROTO = Object.create(PROTO) as TapInternals;

function newTapParser(type: string, adapter: ParserAdapter): TapInternals {
  const p = Object.create(TAP_PROTO) as TapInternals;
  p.adapter = adapter;
  (HTTPParser as unknown as (this: Internals, type: string) => void).call(p, type);
  p.maxHeaderSize = Infinity;
  return p;
}

/** An error raised by the adapter inside the parser; carries the anomaly name. */
class ParseStop extends Error {
  constructor(readonly anomaly: string) {
    super(anomaly);
  }
}

function errorAnomaly(err: unknown): string {
  if (err instanceof ParseStop) return err.anomaly;
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'HPE_INVALID_CONSTANT':
      return A.PARSE_ERROR_PREFIX + 'invalid_start_line';
    case 'HPE_LF_EXPECTED':
      return A.PARSE_ERROR_PREFIX + 'invalid_header';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return A.PARSE_ERROR_PREFIX + 'content_length_mismatch';
  }
  if (e.message === 'Expected empty line') return A.PARSE_ERROR_PREFIX + 'chunk_terminator';
  return A.PARSE_ERROR_PREFIX + 'other';
}

export class ParserAdapter {
  private readonly p: Internals;
  private readonly type: string;
  private readonly startState: string;
  private mode = MODE_PARSE;
  private readonly scanner: LineStartScanner;

  // per-message state
  private msgTs = -1;
  private hdrBytes = 0;
  private tooMany = false;
  private bareLf = false;
  private discarding = false;
  private discardLen = 0;
  private discardCr = false;
  private discardPrefix = '';
  private pauseAfterMessage = false;
  private stopAfterMessage = false;

  // per-call state
  private curTs = 0;
  private pauseRequested = false;
  private pausedAt = -1;
  private stopped = false;

  private held: (Buffer | number)[] = [];
  private heldBytes = 0;
  private heldTs = 0;
  private readonly scratch: string[] = [];

  constructor(
    readonly isRequest: boolean,
    private readonly limits: ParserLimits,
    private readonly events: ParserEvents,
    private readonly counters: Counters,
    /** Start in resync mode (stream picked up mid-message); optionally continue a probe's scanner. */
    resync = false,
    scanner?: LineStartScanner,
  ) {
    this.type = isRequest ? HP.REQUEST : HP.RESPONSE;
    this.startState = isRequest ? 'REQUEST_LINE' : 'RESPONSE_LINE';
    this.scanner = scanner ?? new LineStartScanner(0);
    this.scanner.mask = isRequest ? KIND_REQUEST : KIND_RESPONSE;
    // Resynchronisation looks for known methods only (unknown tokens are accepted at detection).
    this.scanner.lenient = false;
    this.p = newTapParser(this.type, this);
    if (resync) this.mode = MODE_RESYNC;
  }

  /** True once the parser stopped for good (protocol switch, end of direction). */
  get isStopped(): boolean {
    return this.mode === MODE_STOPPED;
  }

  /** Bytes are being held after an upgrade request. */
  get isHolding(): boolean {
    return this.mode === MODE_HOLD;
  }

  /** Feeds buf[start, start + length) received at `ts`. */
  execute(buf: Buffer, start: number, length: number, ts: number): void {
    this.curTs = ts;
    let pos = start;
    const end = start + length;
    while (pos < end) {
      switch (this.mode) {
        case MODE_PARSE:
          pos = this.runParser(buf, pos, end);
          break;
        case MODE_RESYNC: {
          const kind = this.scanner.scan(buf, pos, end);
          if (kind <= 0) {
            pos = end;
            break;
          }
          this.mode = MODE_PARSE;
          const prefix = this.scanner.prefix;
          pos = this.scanner.resumeAt;
          if (prefix.length > 0) {
            const pb = Buffer.from(prefix, 'latin1');
            this.runParser(pb, 0, pb.length);
          }
          break;
        }
        case MODE_HOLD:
          this.hold(buf, pos, end, ts);
          pos = end;
          break;
        case MODE_SIMPLE:
          this.events.onBody(buf, pos, end - pos);
          pos = end;
          break;
        default:
          pos = end;
      }
    }
  }

  /** `length` bytes of this direction are missing. */
  gap(length: number): void {
    if (this.mode === MODE_PARSE && this.pauseRequested) this.mode = this.stopped ? MODE_STOPPED : MODE_HOLD;
    switch (this.mode) {
      case MODE_PARSE:
        this.gapWhileParsing(length);
        return;
      case MODE_RESYNC:
        this.scanner.reset(true);
        this.events.onAbort(null, null, false, true, this.msgStart());
        this.counters.inc(A.C_GAP_RESYNC);
        return;
      case MODE_HOLD:
        this.held.push(length);
        return;
      case MODE_SIMPLE:
        this.events.onBodyGap(length);
        return;
      default:
        return;
    }
  }

  /** The direction ended: complete a read-until-close body, report a truncated message. */
  finish(): void {
    const mode = this.mode;
    this.mode = MODE_STOPPED;
    this.held = [];
    if (mode === MODE_SIMPLE) {
      this.events.onComplete(this.curTs);
      return;
    }
    if (mode !== MODE_PARSE) return;
    const p = this.p;
    if (p.state === 'BODY_RAW') {
      p.finish();
      return;
    }
    if (p.state === this.startState && p.line !== '' && !this.discarding) {
      const line = p.line.endsWith('\r') ? p.line.slice(0, -1) : p.line;
      if (this.isRequest) {
        // A request line without its line ending (e.g. `GET /` then RST): read it as a line.
        p.line = '';
        try {
          this.requestLine(p, line, true);
        } catch {
          p.line = line;
        }
      } else if (this.events.expectSimpleResponse()) {
        // The simple response to an HTTP/0.9 request, received before the request was complete.
        this.counters.inc(A.C_HTTP09_RESPONSE);
        this.events.onHead(this.head(null, null, 0, 9, null, null, [], false));
        const b = Buffer.from(p.line, 'latin1');
        this.events.onBody(b, 0, b.length);
        this.events.onComplete(this.curTs);
        return;
      }
    }
    if (p.state === 'HEADER' && this.http09) {
      // A version-less request: its header lines (if any) need no empty line to end them.
      this.events.onLateHeaders(p.info.headers);
      this.events.onComplete(this.curTs);
      this.resetMessage();
      return;
    }
    if (p.state === this.startState && p.line === '' && !this.discarding) return;
    this.counters.inc(A.C_TRUNCATED);
    this.events.onAbort(A.MESSAGE_TRUNCATED, this.partialHead(), true, false, this.msgStart());
  }

  /** After a pause: the protocol did not switch, parse the held bytes and carry on. */
  resume(): void {
    if (this.mode === MODE_PARSE) {
      // The answer came before the pause took effect.
      this.pauseRequested = false;
      this.pauseAfterMessage = false;
      this.pausedAt = -1;
      return;
    }
    if (this.mode !== MODE_HOLD) return;
    this.mode = MODE_PARSE;
    this.pauseRequested = false;
    this.pausedAt = -1;
    const items = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const item of items) {
      if (typeof item === 'number') this.gap(item);
      else this.execute(item, 0, item.length, this.heldTs);
    }
  }

  /** The protocol switched (or the flow is no longer HTTP): ignore everything from now on. */
  stop(): void {
    this.mode = MODE_STOPPED;
    this.held = [];
    this.heldBytes = 0;
  }

  // ---------------------------------------------------------------------------------------------

  private hold(buf: Buffer, pos: number, end: number, ts: number): void {
    const n = end - pos;
    if (this.held.length === 0) this.heldTs = ts;
    if (this.heldBytes + n > this.limits.maxHeaderBytes) {
      // Past the bound the bytes are dropped; replayed later as a gap of the same length.
      this.held.push(n);
      return;
    }
    this.heldBytes += n;
    this.held.push(Buffer.from(buf.subarray(pos, end)));
  }

  private runParser(buf: Buffer, pos: number, end: number): number {
    const p = this.p;
    if (
      !this.isRequest &&
      p.state === 'RESPONSE_LINE' &&
      p.line === '' &&
      !this.discarding &&
      this.events.expectSimpleResponse()
    ) {
      // HTTP/0.9 response: no status line, the body runs until the connection closes. As Zeek (and
      // RFC 1945: a Simple-Request gets a Simple-Response), even when it starts with a status line.
      this.mode = MODE_SIMPLE;
      this.counters.inc(A.C_HTTP09_RESPONSE);
      if (buf[pos] === 0x48) this.events.onAnomaly(A.RESPONSE_STATUS_LINE_AFTER_09);
      this.events.onHead({
        method: null,
        url: null,
        versionMajor: 0,
        versionMinor: 9,
        statusCode: null,
        statusMessage: null,
        headers: [],
        ts: this.curTs,
        partial: false,
      });
      return pos;
    }
    this.pausedAt = -1;
    let r: number | Error;
    try {
      r = p.execute(buf, pos, end - pos);
    } catch (err) {
      // Raised inside a callback (userCall): http-parser-js re-throws those.
      p.isUserCall = false;
      r = err instanceof Error ? err : new Error(String(err));
    }
    if (r instanceof Error) {
      const at = Math.min(Math.max(p.offset, pos), end);
      this.parseFailed(r, at > pos && buf[at - 1] === 0x0a);
      return at;
    }
    if (this.pausedAt >= 0) {
      this.mode = this.stopped ? MODE_STOPPED : MODE_HOLD;
      return this.pausedAt;
    }
    const at = pos + r;
    if (at < end && this.pauseRequested) {
      this.mode = this.stopped ? MODE_STOPPED : MODE_HOLD;
      return at;
    }
    if (r === 0) return end; // no progress: never loop
    return at;
  }

  private parseFailed(err: Error, atLineStart: boolean): void {
    const anomaly = errorAnomaly(err);
    if (!(err instanceof ParseStop) || anomaly.startsWith(A.PARSE_ERROR_PREFIX)) this.counters.inc(anomaly);
    const head = this.partialHead();
    this.events.onAbort(anomaly, head, true, false, this.msgStart());
    this.enterResync(atLineStart);
  }

  private enterResync(atLineStart: boolean): void {
    this.reinit();
    this.mode = MODE_RESYNC;
    this.scanner.reset(atLineStart);
  }

  private gapWhileParsing(length: number): void {
    const p = this.p;
    const state = p.state;
    if (state === 'BODY_RAW') {
      this.events.onBodyGap(length);
      this.counters.inc(A.C_GAP_IN_BODY);
      return;
    }
    if ((state === 'BODY_SIZED' || state === 'BODY_CHUNK') && p.body_bytes !== null) {
      const rem = p.body_bytes;
      this.counters.inc(A.C_GAP_IN_BODY);
      if (length < rem) {
        p.body_bytes = rem - length;
        this.events.onBodyGap(length);
        return;
      }
      this.events.onBodyGap(rem);
      p.body_bytes = 0;
      if (state === 'BODY_CHUNK') {
        if (length === rem) {
          p.state = 'BODY_CHUNKEMPTYLINE';
          return;
        }
        // The next chunk header is lost: the message cannot be completed.
        this.counters.inc(A.C_GAP_RESYNC);
        this.events.onAbort(null, null, true, true, this.msgStart());
        this.enterResync(true);
        return;
      }
      this.pausedAt = -1;
      p.nextRequest();
      if (length === rem) return;
      if (this.pauseRequested) {
        this.mode = this.stopped ? MODE_STOPPED : MODE_HOLD;
        if (!this.stopped) this.held.push(length - rem);
        return;
      }
      this.counters.inc(A.C_GAP_RESYNC);
      this.events.onAbort(null, null, false, true, this.msgStart());
      this.enterResync(true);
      return;
    }
    const started = !(state === this.startState && p.line === '' && !this.discarding && this.msgTs < 0);
    this.counters.inc(A.C_GAP_RESYNC);
    this.events.onAbort(null, started ? this.partialHead() : null, started, true, this.msgStart());
    this.enterResync(true);
  }

  /** What is known of the message in progress when it is abandoned. */
  private partialHead(): MessageHead | null {
    const p = this.p;
    const info = p.info;
    if (p.state === this.startState) {
      // The start line cut short: the prefix kept past a bound, or the part received before a gap.
      const line = this.discarding ? this.discardPrefix : p.line;
      if (line === '') return null;
      if (this.isRequest) {
        const r = parseRequestLine(line, true);
        if (r === null) return null;
        return this.head(r.method, r.target, r.major, r.minor, null, null, [], true);
      }
      const m = /^HTTP\/(\d)\.(\d)[ \t]+(\d{3})/.exec(line);
      if (!m) return null;
      return this.head(null, null, Number(m[1]), Number(m[2]), Number(m[3]), null, [], true);
    }
    if (p.state === 'HEADER') {
      return this.head(
        this.isRequest ? (this.method ?? null) : null,
        this.isRequest ? (info.url ?? null) : null,
        info.versionMajor ?? 1,
        info.versionMinor ?? 1,
        this.isRequest ? null : (info.statusCode ?? null),
        this.isRequest ? null : (info.statusMessage ?? null),
        info.headers,
        true,
      );
    }
    return null; // inside a body: the analyzer already has the head
  }

  private method: string | null = null;
  /** The message in progress is a version-less request whose head was already reported. */
  private http09 = false;

  /** Time of the first byte of the message in progress (or of the current chunk). */
  private msgStart(): number {
    return this.msgTs >= 0 ? this.msgTs : this.curTs;
  }

  /** A request line (without its line ending): into the parser's info, head reported at once for HTTP/0.9. */
  private requestLine(p: Internals, line: string, unterminated: boolean): void {
    let method: string;
    let url: string;
    let major: number;
    let minor: number;
    let http09 = false;
    const m = STRICT_REQ.exec(line);
    if (m !== null) {
      method = m[1] ?? '';
      url = m[2] ?? '';
      major = Number(m[3]);
      minor = Number(m[4]);
    } else {
      const r = parseRequestLine(line, false);
      if (r === null) throw new ParseStop(A.PARSE_ERROR_PREFIX + 'invalid_request_line');
      method = r.method;
      url = r.target;
      major = r.major;
      minor = r.minor;
      http09 = r.http09;
      for (const name of r.anomalies) this.events.onAnomaly(name);
      if (http09) {
        this.counters.inc(A.C_HTTP09_REQUEST);
        this.events.onAnomaly(A.REQUEST_HTTP09);
      }
    }
    if (!KNOWN_METHOD_SET.has(method)) this.events.onAnomaly(A.REQUEST_UNKNOWN_METHOD);
    if (unterminated) this.events.onAnomaly(A.REQUEST_UNTERMINATED);
    this.method = method;
    const info = p.info;
    info.method = HP.methods.indexOf(method);
    info.url = url;
    info.versionMajor = http09 ? 0 : major;
    info.versionMinor = http09 ? 9 : minor;
    p.body_bytes = 0;
    p.state = 'HEADER';
    if (http09) {
      // Reported now, so that the reply is read as a simple response; header lines may still follow
      // (Zeek and Suricata read them) and are reported by onLateHeaders.
      this.http09 = true;
      info.upgrade = false;
      this.events.onHead(this.head(method, url, 0, 9, null, null, [], false));
    }
  }

  private head(
    method: string | null,
    url: string | null,
    major: number,
    minor: number,
    status: number | null,
    reason: string | null,
    headers: readonly string[],
    partial: boolean,
  ): MessageHead {
    return {
      method,
      url,
      versionMajor: major,
      versionMinor: minor,
      statusCode: status,
      statusMessage: reason,
      headers,
      ts: this.msgTs >= 0 ? this.msgTs : this.curTs,
      partial,
    };
  }

  private reinit(): void {
    this.p.initialize(this.type);
    this.p.maxHeaderSize = Infinity;
    this.resetMessage();
  }

  private resetMessage(): void {
    this.msgTs = -1;
    this.hdrBytes = 0;
    this.tooMany = false;
    this.bareLf = false;
    this.discarding = false;
    this.discardLen = 0;
    this.discardCr = false;
    this.discardPrefix = '';
    this.method = null;
    this.http09 = false;
    this.pauseAfterMessage = false;
    this.stopAfterMessage = false;
  }

  /**
   * A second Content-Length header (the last of `headers`): when the values differ, flag it and frame
   * the body by the last one (as tshark does) instead of failing the flow; the earlier values are set
   * to it so that http-parser-js sees one length.
   */
  private conflictingLength(headers: string[]): void {
    const n = headers.length;
    const last = headers[n - 1] ?? '';
    const value = Number(last);
    for (let i = 0; i < n - 2; i += 2) {
      const name = headers[i] ?? '';
      if (name.length !== 14 || name.toLowerCase() !== 'content-length') continue;
      const prev = headers[i + 1] ?? '';
      if (Number(prev) !== value || !DIGITS.test(prev) !== !DIGITS.test(last)) {
        this.events.onAnomaly(A.CL_CONFLICT);
        headers[i + 1] = last;
      }
    }
  }

  private inHeaderState(state: string): boolean {
    return state === this.startState || state === 'HEADER' || state === 'BODY_CHUNKTRAILERS';
  }

  /** Same decision for a line seen whole or in pieces: header bytes first, then line length. */
  private checkLine(len: number, state: string): void {
    if (this.inHeaderState(state) && this.hdrBytes + len + 2 > this.limits.maxHeaderBytes) {
      this.counters.inc(A.C_HEADERS_TOO_LARGE);
      throw new ParseStop(A.HEADERS_TOO_LARGE);
    }
    if (len > this.limits.maxLineBytes) {
      this.counters.inc(A.C_LINE_TOO_LONG);
      throw new ParseStop(A.LINE_TOO_LONG);
    }
  }

  // The parser overrides live on one prototype shared by every parser (not as closures per
  // instance): a flow then costs one parser object per direction, and the methods stay
  // monomorphic. A static block keeps access to the adapter's private state.
  static {
    const P = TAP_PROTO;
    P.reinitialize = function (this: TapInternals, type: string): void {
      this.initialize(type);
      this.maxHeaderSize = Infinity;
    };

    P.consumeLine = function (this: TapInternals): string | undefined {
      const a = this.adapter;
      const limits = a.limits;
      if (a.pauseRequested) {
        if (a.pausedAt < 0) a.pausedAt = this.offset;
        this.offset = this.end;
        return undefined;
      }
      const chunk = this.chunk as Buffer;
      const end = this.end;
      const state = this.state;
      if (a.msgTs < 0 && state === a.startState) a.msgTs = a.curTs;
      const lf = chunk.indexOf(0x0a, this.offset);
      if (a.discarding) {
        // A line already past a bound: count its length without keeping it.
        if (lf < 0 || lf >= end) {
          a.discardLen += end - this.offset;
          a.discardCr = chunk[end - 1] === 0x0d;
          this.offset = end;
          return undefined;
        }
        let len = a.discardLen + (lf - this.offset);
        const cr = lf > this.offset ? chunk[lf - 1] === 0x0d : a.discardCr;
        if (cr) len--;
        this.offset = lf + 1;
        a.checkLine(len, state);
        // checkLine always throws here (the partial line was already past a bound).
        throw new ParseStop(A.LINE_TOO_LONG);
      }
      if (lf < 0 || lf >= end) {
        const total = this.line.length + (end - this.offset);
        if (total > limits.maxLineBytes + 1 || (a.inHeaderState(state) && a.hdrBytes + total > limits.maxHeaderBytes)) {
          const part = this.line + chunk.toString('latin1', this.offset, Math.min(end, this.offset + PREFIX_CHARS));
          a.discarding = true;
          a.discardPrefix = part.slice(0, PREFIX_CHARS);
          a.discardLen = total;
          a.discardCr = chunk[end - 1] === 0x0d;
          this.line = '';
          this.offset = end;
          return undefined;
        }
        this.line += chunk.toString('latin1', this.offset, end);
        this.offset = end;
        return undefined;
      }
      let line = this.line.length === 0 ? chunk.toString('latin1', this.offset, lf) : this.line + chunk.toString('latin1', this.offset, lf);
      this.line = '';
      this.offset = lf + 1;
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 0x0d) {
        line = line.slice(0, -1);
      } else if (!a.bareLf && (line.length > 0 || state === 'HEADER')) {
        a.bareLf = true;
        a.events.onAnomaly(A.LENIENT_LINE_ENDING);
      }
      if (state === a.startState && line.length === 0) return line; // empty lines between messages
      if (line.length > limits.maxLineBytes || (a.inHeaderState(state) && a.hdrBytes + line.length + 2 > limits.maxHeaderBytes)) {
        a.discardPrefix = line.slice(0, PREFIX_CHARS);
        a.discarding = true;
        a.checkLine(line.length, state);
      }
      if (a.inHeaderState(state)) a.hdrBytes += line.length + 2;
      if (state === 'BODY_CHUNKHEAD') {
        if (!CHUNK_SIZE.test(line)) throw new ParseStop(A.PARSE_ERROR_PREFIX + 'invalid_chunk_size');
        // 2^64 and the like: no real chunk is that long; resynchronise instead of reading on.
        if (parseInt(line, 16) > Number.MAX_SAFE_INTEGER) throw new ParseStop(A.PARSE_ERROR_PREFIX + 'chunk_size_overflow');
      }
      return line;
    };

    P.parseHeader = function (this: TapInternals, line: string, headers: string[]): void {
      const a = this.adapter;
      const limits = a.limits;
      if (headers === this.info.headers && headers.length >= 2 * limits.maxHeaderCount) {
        if (!a.tooMany) {
          a.tooMany = true;
          a.counters.inc(A.C_HEADERS_TOO_MANY);
          a.events.onAnomaly(A.HEADERS_TOO_MANY);
        }
        const scratch = a.scratch;
        scratch.length = 0;
        PROTO.parseHeader.call(this, line, scratch);
        const name = scratch[0];
        if (scratch.length === 2 && name !== undefined && FRAMING_HEADERS.has(name.toLowerCase())) {
          headers.push(name, scratch[1] ?? '');
        }
        return;
      }
      if (!splitHeaderLine(line, headers)) PROTO.parseHeader.call(this, line, headers);
      const n = headers.length;
      const name = headers[n - 2];
      if (n >= 4 && name !== undefined && name.length === 14 && headers === this.info.headers && name.toLowerCase() === 'content-length') {
        a.conflictingLength(headers);
      }
    };

    P.REQUEST_LINE = function (this: TapInternals): void {
      const a = this.adapter;
      const line = this.consumeLine();
      if (!line) return;
      a.requestLine(this, line, false);
    };

    P.RESPONSE_LINE = function (this: TapInternals): void {
      const a = this.adapter;
      const line = this.consumeLine();
      if (!line) return;
      const info = this.info;
      let status: number;
      const m = STRICT_STATUS.exec(line);
      if (m !== null) {
        info.versionMajor = Number(m[1]);
        info.versionMinor = Number(m[2]);
        status = Number(m[3]);
        info.statusMessage = m[4] ?? '';
      } else {
        const l = LENIENT_STATUS.exec(line);
        if (l === null) throw new ParseStop(A.PARSE_ERROR_PREFIX + 'invalid_status_line');
        a.events.onAnomaly(A.RESPONSE_LENIENT_LINE);
        const v = VERSION_DIGITS.exec(l[1] ?? '');
        if (v === null) a.events.onAnomaly(A.RESPONSE_BAD_VERSION);
        info.versionMajor = v === null ? 1 : Number(v[1]);
        info.versionMinor = v === null ? 1 : Number(v[2]);
        status = Number(l[2]);
        info.statusMessage = l[3] ?? '';
      }
      info.statusCode = status;
      if ((status >= 100 && status < 200) || status === 204 || status === 304) this.body_bytes = 0;
      this.state = 'HEADER';
    };

    P[HP.kOnHeadersComplete] = function (this: TapInternals, info: ParserInfo): number {
      const a = this.adapter;
      const headers = info.headers;
      let te: string | null = null;
      let hasCl = false;
      for (let i = 0; i < headers.length; i += 2) {
        const name = headers[i] ?? '';
        if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') te = headers[i + 1] ?? '';
        else if (name.length === 14 && name.toLowerCase() === 'content-length') {
          hasCl = true;
          const v = headers[i + 1] ?? '';
          // Not digits, or past 2^53 (18446744073709551615 would be read as a rounded huge length).
          if (!DIGITS.test(v) || Number(v) > Number.MAX_SAFE_INTEGER) throw new ParseStop(A.PARSE_ERROR_PREFIX + 'invalid_content_length');
        }
      }
      if (te !== null) {
        // Chunked anywhere in the list de-chunks the body, as Zeek does (RFC 7230 §3.3.3 wants it last).
        let chunked = CHUNKED_LAST.test(te);
        if (!chunked && CHUNKED_ANY.test(te)) {
          chunked = true;
          a.events.onAnomaly(A.CHUNKED_NOT_LAST);
        }
        if (chunked && !info.upgrade) {
          this.isChunked = true;
          this.body_bytes = null;
        }
        if (hasCl) a.events.onAnomaly(A.CL_AND_TE);
      }
      if (a.http09) {
        a.events.onLateHeaders(headers);
        return 0;
      }
      const isReq = a.isRequest;
      const action = a.events.onHead(
        a.head(
          isReq ? a.method : null,
          isReq ? (info.url ?? '') : null,
          info.versionMajor ?? 1,
          info.versionMinor ?? 1,
          isReq ? null : (info.statusCode ?? 0),
          isReq ? null : (info.statusMessage ?? ''),
          headers,
          false,
        ),
      );
      switch (action) {
        case HEAD_SKIP_BODY:
          return 1;
        case HEAD_STOP:
          a.stopAfterMessage = true;
          return 1;
        case HEAD_PAUSE_AFTER:
          a.pauseAfterMessage = true;
          return 0;
        default:
          return 0;
      }
    };

    P[HP.kOnBody] = function (this: TapInternals, buf: Buffer, start: number, length: number): void {
      const a = this.adapter;
      if (length > 0) a.events.onBody(buf, start, length);
    };

    P[HP.kOnHeaders] = function (this: TapInternals): void {
      // Trailers are parsed (and bounded) but not recorded.
    };

    P[HP.kOnMessageComplete] = function (this: TapInternals): void {
      const a = this.adapter;
      const stop = a.stopAfterMessage;
      const pause = a.pauseAfterMessage;
      a.events.onComplete(a.curTs);
      a.resetMessage();
      if (stop) {
        a.stopped = true;
        a.pauseRequested = true;
      } else if (pause) {
        a.pauseRequested = true;
      }
    };
  }
}
