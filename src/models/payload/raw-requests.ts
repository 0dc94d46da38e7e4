// Raw HTTP/1.x requests one after another, in the layout of the CSIC 2010 files: request line,
// headers, a blank line, a body of Content-Length bytes, blank lines between requests. Parsed
// incrementally (push chunks of any size), so a file of any length streams; gzip is recognised by
// its magic bytes. Bad input never throws mid-file: lines that are not a request line where one is
// due are skipped and counted, and a body cut by the end of input is kept and counted.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface RawRequest {
  /** 0-based position in the input. */
  readonly index: number;
  readonly method: string;
  readonly target: string;
  readonly version: string | null;
  /** Header lines in order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly contentType: string | null;
  readonly body: Uint8Array;
}

export interface RawReadStats {
  requests: number;
  /** Non-blank lines skipped where a request line was due. */
  skippedLines: number;
  /** 1-based number of the first skipped line (for the error a terminal user reads), or 0. */
  firstSkippedLine: number;
  /** Requests whose body the input ended before. */
  truncatedBodies: number;
  /** Header or request lines longer than MAX_LINE_BYTES (cut there). */
  longLines: number;
}

/** Longest line kept; the rest of a longer one is dropped. */
export const MAX_LINE_BYTES = 65_536;
/** Largest body kept; a larger Content-Length is read past but cut to this. */
export const MAX_BODY_BYTES = 1 << 20;
const MAX_HEADERS = 256;
/** An upper-case method, then a target in origin, absolute or asterisk form (CONNECT's authority form too). */
const REQUEST_LINE = /^([A-Z][A-Z-]{2,15}) ((?:\/|\*|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/|[\w.-]+:\d+)\S*(?: \S+)*?)(?: (HTTP\/\d\.\d))?\s*$/;

export function emptyStats(): RawReadStats {
  return { requests: 0, skippedLines: 0, firstSkippedLine: 0, truncatedBodies: 0, longLines: 0 };
}

interface Pending {
  method: string;
  target: string;
  version: string | null;
  headers: [string, string][];
  contentType: string | null;
  length: number;
}

/** Incremental parser: push() returns the requests completed by a chunk, end() the last one. */
export class RawRequestParser {
  readonly stats: RawReadStats = emptyStats();
  private buf: Buffer = Buffer.alloc(0);
  private line = 0;
  private pending: Pending | null = null;
  /** In the headers of `pending` (else in its body). */
  private inHeaders = false;
  private bodyParts: Buffer[] = [];
  private bodyKept = 0;
  private bodyLeft = 0;

  push(chunk: Uint8Array): RawRequest[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: RawRequest[] = [];
    this.drain(out, false);
    return out;
  }

  end(): RawRequest[] {
    const out: RawRequest[] = [];
    this.drain(out, true);
    if (this.pending !== null) {
      if (!this.inHeaders && this.bodyLeft > 0) this.stats.truncatedBodies++;
      out.push(this.finish());
    }
    return out;
  }

  private drain(out: RawRequest[], atEnd: boolean): void {
    for (;;) {
      if (this.pending !== null && !this.inHeaders) {
        if (this.bodyLeft > 0) {
          const take = Math.min(this.bodyLeft, this.buf.length);
          if (take === 0) return;
          const room = Math.max(0, Math.min(take, MAX_BODY_BYTES - this.bodyKept));
          if (room > 0) this.bodyParts.push(Buffer.from(this.buf.subarray(0, room)));
          this.bodyKept += room;
          this.bodyLeft -= take;
          this.buf = this.buf.subarray(take);
          if (this.bodyLeft > 0) return;
        }
        out.push(this.finish());
        continue;
      }
      const text = this.nextLine(atEnd);
      if (text === null) return;
      if (this.pending === null) {
        if (text.trim() === '') continue;
        const m = REQUEST_LINE.exec(text);
        if (m === null) {
          this.stats.skippedLines++;
          if (this.stats.firstSkippedLine === 0) this.stats.firstSkippedLine = this.line;
          continue;
        }
        this.pending = { method: m[1] as string, target: m[2] as string, version: m[3] ?? null, headers: [], contentType: null, length: 0 };
        this.inHeaders = true;
        continue;
      }
      if (text === '') {
        this.inHeaders = false;
        this.bodyLeft = this.pending.length;
        continue;
      }
      const colon = text.indexOf(':');
      if (colon <= 0 || this.pending.headers.length >= MAX_HEADERS) continue;
      const name = text.slice(0, colon).trim();
      const value = text.slice(colon + 1).trim();
      this.pending.headers.push([name, value]);
      const lower = name.toLowerCase();
      if (lower === 'content-type') this.pending.contentType = value;
      else if (lower === 'content-length' && /^\d{1,12}$/.test(value)) this.pending.length = Number(value);
    }
  }

  /** The next line without its CR LF (Latin-1), or null when the buffer holds no complete line. */
  private nextLine(atEnd: boolean): string | null {
    let nl = this.buf.indexOf(0x0a);
    if (nl < 0) {
      if (this.buf.length > MAX_LINE_BYTES) {
        // a line this long is cut: keep its start, drop bytes until its end arrives
        this.stats.longLines++;
        this.buf = Buffer.concat([this.buf.subarray(0, MAX_LINE_BYTES), Buffer.from('\n')]);
        nl = MAX_LINE_BYTES;
      } else if (atEnd && this.buf.length > 0) {
        nl = this.buf.length;
      } else {
        return null;
      }
    }
    if (nl > MAX_LINE_BYTES && this.buf[MAX_LINE_BYTES] !== 0x0a) this.stats.longLines++;
    let end = nl;
    if (end > 0 && this.buf[end - 1] === 0x0d) end--;
    const text = this.buf.toString('latin1', 0, Math.min(end, MAX_LINE_BYTES));
    this.buf = this.buf.subarray(Math.min(nl + 1, this.buf.length));
    this.line++;
    return text;
  }

  private finish(): RawRequest {
    const p = this.pending as Pending;
    const body = this.bodyParts.length === 1 ? (this.bodyParts[0] as Buffer) : Buffer.concat(this.bodyParts);
    const req: RawRequest = { index: this.stats.requests++, method: p.method, target: p.target, version: p.version, headers: p.headers, contentType: p.contentType, body };
    this.pending = null;
    this.inHeaders = false;
    this.bodyParts = [];
    this.bodyKept = 0;
    this.bodyLeft = 0;
    return req;
  }
}

/** Requests of a stream (gzip-compressed or plain), in order; `stats` fills as they are read. */
export async function* readRawRequests(input: Readable, stats?: RawReadStats): AsyncGenerator<RawRequest> {
  const parser = new RawRequestParser();
  let source: AsyncIterable<Buffer>;
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done === true) {
    if (stats !== undefined) Object.assign(stats, parser.stats);
    return;
  }
  const head = first.value;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => iterator };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    void (async () => {
      try {
        gunzip.write(head);
        for await (const chunk of rest) if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r));
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    source = gunzip;
  } else {
    source = (async function* () {
      yield head;
      yield* rest;
    })();
  }
  for await (const chunk of source) {
    for (const r of parser.push(chunk)) yield r;
    if (stats !== undefined) Object.assign(stats, parser.stats);
  }
  for (const r of parser.end()) yield r;
  if (stats !== undefined) Object.assign(stats, parser.stats);
}

/** Requests of a file. */
export function readRawRequestFile(file: string, stats?: RawReadStats): AsyncGenerator<RawRequest> {
  return readRawRequests(createReadStream(file), stats);
}
