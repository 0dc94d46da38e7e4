// One HTTP/1.x message at a time on http-parser-js 0.5.10: the base of ParserAdapter, which adds the
// stream modes (resynchronisation, holding after an upgrade request, gaps, HTTP/0.9 responses). This
// part adds what a passive sensor needs inside a message and http-parser-js lacks:
//   - bounds on line length, header bytes and header count, decided per line so that the outcome does
//     not depend on how the stream was cut into chunks;
//   - lenient start lines (extra spaces, missing reason phrase, bare LF) and HTTP/0.9 simple requests,
//     reported as anomalies instead of errors;
//   - framing checks: Content-Length values, chunked anywhere in Transfer-Encoding, chunk sizes.
// It does so through a few instance-level overrides (consumeLine, parseHeader, REQUEST_LINE,
// RESPONSE_LINE, reinitialize) and the library's documented callbacks.
// Over 400 lines on purpose: it is one state machine, the per-message state and the overrides that
// drive it from http-parser-js's states. Moving the overrides out would make that state public or put
// an extra hop on the per-line path.

import type { Counters } from '../core/counters';
import * as A from './anomalies';
import {
  HP,
  PROTO,
  ParseStop,
  TAP_PROTO,
  newTapParser,
  type Internals,
  type ParserInfo,
  type TapInternals,
} from './http-parser-js-internals';
import { HEAD_PAUSE_AFTER, HEAD_SKIP_BODY, HEAD_STOP, type MessageHead, type ParserEvents, type ParserLimits } from './parser-events';
import { KNOWN_METHODS } from './probe';
import { parseRequestLine } from './request-line';

/** Start-line prefix kept when a start line is cut for length (schema minimum of maxLineBytes). */
const PREFIX_CHARS = 256;

const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'upgrade', 'host', 'content-encoding']);

const STRICT_REQ = /^([A-Z-]+) ([^ ]+) HTTP\/(\d)\.(\d)$/;
const STRICT_STATUS = /^HTTP\/(\d)\.(\d) (\d{3}) (.*)$/;
const LENIENT_STATUS = /^HTTP\/([^ \t]*)[ \t]+(\d{3})(?:[ \t]+(.*?))?[ \t]*$/;
const VERSION_DIGITS = /^(\d)\.(\d)$/;
const CHUNK_SIZE = /^[ \t]*[0-9A-Fa-f]+[ \t]*(;.*)?$/;
const DIGITS = /^[ \t]*\d+[ \t]*$/;
const CHUNKED_LAST = /(^|,)[ \t]*chunked[ \t]*$/i;
const CHUNKED_ANY = /(^|,)[ \t]*chunked[ \t]*(,|$)/i;
const KNOWN_METHOD_SET = new Set(KNOWN_METHODS);

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

export abstract class MessageParser {
  protected readonly p: Internals;
  private readonly type: string;
  protected readonly startState: string;

  // per-message state
  protected msgTs = -1;
  private hdrBytes = 0;
  private tooMany = false;
  private bareLf = false;
  protected discarding = false;
  private discardLen = 0;
  private discardCr = false;
  protected discardPrefix = '';
  protected pauseAfterMessage = false;
  private stopAfterMessage = false;
  protected method: string | null = null;
  /** The message in progress is a version-less request whose head was already reported. */
  protected http09 = false;

  // per-call state, shared with ParserAdapter's stream modes
  protected curTs = 0;
  protected pauseRequested = false;
  protected pausedAt = -1;
  protected stopped = false;

  private readonly scratch: string[] = [];

  constructor(
    readonly isRequest: boolean,
    protected readonly limits: ParserLimits,
    protected readonly events: ParserEvents,
    protected readonly counters: Counters,
  ) {
    this.type = isRequest ? HP.REQUEST : HP.RESPONSE;
    this.startState = isRequest ? 'REQUEST_LINE' : 'RESPONSE_LINE';
    this.p = newTapParser(this.type, this);
  }

  /** Time of the first byte of the message in progress (or of the current chunk). */
  protected msgStart(): number {
    return this.msgTs >= 0 ? this.msgTs : this.curTs;
  }

  /** A request line (without its line ending): into the parser's info, head reported at once for HTTP/0.9. */
  protected requestLine(p: Internals, line: string, unterminated: boolean): void {
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

  protected head(
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

  protected reinit(): void {
    this.p.initialize(this.type);
    this.p.maxHeaderSize = Infinity;
    this.resetMessage();
  }

  protected resetMessage(): void {
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
  // monomorphic. A static block keeps access to the parser's private state.
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
