// One HTTP/1.x message parser per direction, behind a small event interface (parser-events.ts) so that
// another parser (Node's llhttp) can replace http-parser-js later. MessageParser reads one message at
// a time; this class adds the stream around the messages, as modes:
//   - gaps: skipped as body bytes when the framing says how many body bytes remain, else resync;
//   - resynchronisation after a gap or a parse error on the next line that starts a message;
//   - pausing after a request that asks for an upgrade (its bytes are held, bounded, until the response
//     says whether the protocol switched) and stopping after a switch;
//   - HTTP/0.9 simple responses (the body runs until the connection closes) and the end of a direction.

import type { Counters } from '../core/counters';
import * as A from './anomalies';
import { errorAnomaly, ParseStop } from './http-parser-js-internals';
import { MessageParser } from './message-parser';
import type { MessageHead, ParserEvents, ParserLimits } from './parser-events';
import { KIND_REQUEST, KIND_RESPONSE, LineStartScanner } from './probe';
import { parseRequestLine } from './request-line';

const MODE_PARSE = 0;
const MODE_RESYNC = 1;
const MODE_HOLD = 2;
const MODE_STOPPED = 3;
const MODE_SIMPLE = 4;

export class ParserAdapter extends MessageParser {
  private mode = MODE_PARSE;
  private readonly scanner: LineStartScanner;
  private held: (Buffer | number)[] = [];
  private heldBytes = 0;
  private heldTs = 0;

  constructor(
    isRequest: boolean,
    limits: ParserLimits,
    events: ParserEvents,
    counters: Counters,
    /** Start in resync mode (stream picked up mid-message); optionally continue a probe's scanner. */
    resync = false,
    scanner?: LineStartScanner,
  ) {
    super(isRequest, limits, events, counters);
    this.scanner = scanner ?? new LineStartScanner(0);
    this.scanner.mask = isRequest ? KIND_REQUEST : KIND_RESPONSE;
    // Resynchronisation looks for known methods only (unknown tokens are accepted at detection).
    this.scanner.lenient = false;
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
}
