// Body capture (a bounded prefix; the rest is only counted) and decoding of gzip / deflate / br within a
// bound on decompressed bytes.

import * as zlib from 'node:zlib';
import type { Counters } from '../core/counters';
import * as A from './anomalies';

/** Body bytes of one message: total length always, a copied prefix up to the capture bound. */
export class BodyCapture {
  /** Body bytes seen or skipped (after de-chunking, before decompression). */
  length = 0;
  /**
   * The captured prefix so far, in one buffer: sized to the first piece (most bodies arrive whole, and
   * small ones then come from Node's buffer pool), doubled when more arrives, at most `cap` bytes.
   */
  private buf: Uint8Array | null = null;
  private captured = 0;
  /** Bytes past the capture bound were seen. */
  truncated = false;
  /** Part of the body was lost in a gap: capturing stopped there. */
  holed = false;

  constructor(private readonly cap: number) {}

  add(src: Uint8Array, start: number, n: number): void {
    this.length += n;
    if (this.holed) return;
    const room = this.cap - this.captured;
    if (n > room) this.truncated = true;
    if (room <= 0) return;
    const take = n < room ? n : room;
    const need = this.captured + take;
    let buf = this.buf;
    if (buf === null || buf.length < need) {
      const size = buf === null ? need : Math.max(buf.length * 2, need);
      const grown = Buffer.allocUnsafe(size < this.cap ? size : this.cap);
      if (buf !== null) grown.set(buf.subarray(0, this.captured));
      this.buf = buf = grown;
    }
    buf.set(src.subarray(start, start + take), this.captured);
    this.captured = need;
  }

  skip(n: number): void {
    this.length += n;
    this.holed = true;
  }

  /** The captured prefix, or null when nothing was captured. */
  bytes(): Uint8Array | null {
    if (this.captured === 0 || this.buf === null) return null;
    return this.buf.subarray(0, this.captured);
  }
}

export type DecodeOutcome = 'decoded' | 'identity' | 'unsupported' | 'limit' | 'error';

export interface DecodedBody {
  readonly body: Uint8Array;
  readonly outcome: DecodeOutcome;
}

const GZIP_OPTS = (limit: number): zlib.ZlibOptions => ({ finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit });

function looksLikeZlib(b: Uint8Array): boolean {
  const b0 = b[0] ?? 0;
  const b1 = b[1] ?? 0;
  return (b0 & 0x0f) === 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 === 0;
}

function decodeOne(coding: string, input: Uint8Array, limit: number): Uint8Array | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(input, GZIP_OPTS(limit));
    case 'deflate':
      return looksLikeZlib(input) ? zlib.inflateSync(input, GZIP_OPTS(limit)) : zlib.inflateRawSync(input, GZIP_OPTS(limit));
    case 'br':
      return zlib.brotliDecompressSync(input, {
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        maxOutputLength: limit,
      });
    default:
      return null;
  }
}

/**
 * Decodes `raw` (a possibly truncated body prefix) by its Content-Encoding, codings applied in reverse
 * order. Output is bounded by `limit` bytes; on a limit or a decoding error the raw bytes are returned.
 */
export function decodeBody(raw: Uint8Array, encoding: string | null, limit: number): DecodedBody {
  if (encoding === null || raw.length === 0) return { body: raw, outcome: 'identity' };
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { body: raw, outcome: 'identity' };
  let cur = raw;
  try {
    for (let i = codings.length - 1; i >= 0; i--) {
      const out = decodeOne(codings[i] ?? '', cur, limit);
      if (out === null) return { body: raw, outcome: 'unsupported' };
      cur = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { body: raw, outcome: code === 'ERR_BUFFER_TOO_LARGE' ? 'limit' : 'error' };
  }
  return { body: cur, outcome: 'decoded' };
}

/** Turns a captured body into the bytes a consumer reads, counting the bounds decoding hits. */
export class BodyDecoder {
  constructor(
    private readonly maxDecompressedBytes: number,
    private readonly counters: Counters,
  ) {}

  /** The captured prefix, decoded by `encoding` unless part of it was lost in a gap (then raw). */
  decode(capture: BodyCapture, encoding: string | null): Uint8Array | null {
    const raw = capture.bytes();
    if (raw === null || encoding === null || capture.holed) return raw;
    const d = decodeBody(raw, encoding, this.maxDecompressedBytes);
    if (d.outcome === 'limit') this.counters.inc(A.C_DECOMPRESS_LIMIT);
    else if (d.outcome === 'error') this.counters.inc(A.C_DECOMPRESS_ERROR);
    return d.body;
  }
}
