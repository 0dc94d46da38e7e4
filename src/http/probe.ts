// Content detection of HTTP/1.x start lines, shared by flow detection (any port) and by resynchronisation
// after a gap or a parse error: "does this line start like a request line / a status line?".

/** Request methods recognised when probing (RFC 9110, WebDAV, DeltaV, CalDAV, PATCH, QUERY, SSDP ...). */
export const KNOWN_METHODS: readonly string[] = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY',
  'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'BIND', 'REBIND',
  'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'CHECKIN', 'UNCHECKOUT', 'MERGE', 'M-SEARCH',
  'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PURGE', 'MKCALENDAR', 'LINK', 'UNLINK', 'SOURCE',
  'VERSION-CONTROL', 'MKWORKSPACE', 'UPDATE', 'LABEL', 'BASELINE-CONTROL', 'ORDERPATCH',
  'MKREDIRECTREF', 'UPDATEREDIRECTREF',
];

const METHOD_SET = new Set(KNOWN_METHODS);
const METHOD_PREFIXES = new Set<string>();
for (const m of KNOWN_METHODS) for (let i = 1; i <= m.length; i++) METHOD_PREFIXES.add(m.slice(0, i));
const STATUS_PREFIX = 'HTTP/1.';
/** An unknown method accepted on configured ports: an upper-case token of 3 to 17 characters. */
const LENIENT_METHOD = /^[A-Z][A-Z0-9_-]{2,16}$/;
const LENIENT_METHOD_PREFIX = /^[A-Z][A-Z0-9_-]{0,16}$/;

/** Bytes needed at most to classify a line start (longest method + space). */
export const PROBE_BYTES = 18;

export const KIND_REQUEST = 1;
export const KIND_RESPONSE = 2;
export const KIND_ANY = 3;
export const PROBE_NO = 0;
export const PROBE_MORE = -1;

/**
 * Classifies the beginning `s` (latin1) of a line: KIND_REQUEST when it starts with a known method
 * followed by a space, KIND_RESPONSE when it starts with `HTTP/1.`, PROBE_MORE when `s` is a prefix of
 * one of those (more bytes needed), PROBE_NO otherwise. `mask` selects the kinds looked for.
 */
export function classifyLineStart(s: string, mask: number, lenient = false): number {
  let more = false;
  if (mask & KIND_RESPONSE) {
    if (s.length >= STATUS_PREFIX.length) {
      if (s.startsWith(STATUS_PREFIX)) return KIND_RESPONSE;
    } else if (STATUS_PREFIX.startsWith(s)) {
      more = true;
    }
  }
  if (mask & KIND_REQUEST) {
    const sp = s.indexOf(' ');
    if (sp > 0) {
      const method = s.slice(0, sp);
      if (METHOD_SET.has(method) || (lenient && LENIENT_METHOD.test(method))) return KIND_REQUEST;
    } else if (sp < 0 && (s.length === 0 || METHOD_PREFIXES.has(s) || (lenient && LENIENT_METHOD_PREFIX.test(s)))) {
      more = true;
    }
  }
  return more ? PROBE_MORE : PROBE_NO;
}

/**
 * Finds the next line that starts like a start line, across chunk boundaries, without copying more
 * than PROBE_BYTES. Used while a direction is not (or no longer) in sync with message boundaries.
 */
export class LineStartScanner {
  /** True when the next byte fed begins a line (stream start, after a LF, after a gap). */
  atLineStart = true;
  /** Start of the current candidate line carried over from earlier chunks (latin1, < PROBE_BYTES). */
  carried = '';
  /** Set by scan() when it finds a line: the candidate line continues at this index of the buffer. */
  resumeAt = 0;
  /** Set by scan() when it finds a line: bytes of that line seen in earlier chunks (feed them first). */
  prefix = '';
  /** A line that does not start a message was skipped (content detection: not HTTP from byte 0). */
  skipped = false;
  /**
   * Also accept a line starting with an unknown upper-case method token (`CCM_POST /`): set when
   * detecting on a configured port, where any token is taken as a method.
   */
  lenient = false;

  constructor(public mask: number) {}

  reset(atLineStart: boolean): void {
    this.atLineStart = atLineStart;
    this.carried = '';
  }

  /** Scans buf[pos, end). Returns the kind found (resumeAt / prefix set) or PROBE_NO when buf is used up. */
  scan(buf: Buffer, pos: number, end: number): number {
    while (pos < end) {
      if (!this.atLineStart) {
        const lf = buf.indexOf(0x0a, pos);
        if (lf < 0 || lf >= end) return PROBE_NO;
        pos = lf + 1;
        this.atLineStart = true;
        this.carried = '';
        continue;
      }
      const take = Math.min(PROBE_BYTES - this.carried.length, end - pos);
      const s = this.carried + buf.toString('latin1', pos, pos + take);
      const kind = classifyLineStart(s, this.mask, this.lenient);
      if (kind > 0) {
        this.prefix = this.carried;
        this.resumeAt = pos;
        this.carried = '';
        return kind;
      }
      if (kind === PROBE_MORE && pos + take >= end) {
        this.carried = s;
        return PROBE_NO;
      }
      // Not a start line (or more bytes would not help): skip to the next line.
      this.atLineStart = false;
      this.skipped = true;
      this.carried = '';
    }
    return PROBE_NO;
  }
}
