// The contract between an HTTP/1.x message parser and its consumer (the analyzer): the events a
// parser reports, what the consumer answers at a head, and the bounds it enforces. Kept apart from the
// parser so that another parser (Node's llhttp) can implement the same events later.

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
