// Putting syslog messages on the wire: a byte cap that never splits a UTF-8 character, and the two
// stream framings of RFC 6587 — octet counting (`LEN SP MSG`, §3.4.1, the one RFC 5425 mandates for
// TLS) and non-transparent LF framing (§3.4.2), where a LF inside the message would end it early.

export type Framing = 'octet-counting' | 'lf';

/** The first `max` bytes or fewer, ending on a character boundary. */
export function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  // bytes[end] is the first byte left out; while it continues a character, leave that character out.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Encodes and caps one message; says whether it was cut. */
export function encodeMessage(message: string, maxBytes: number): { bytes: Buffer; truncated: boolean } {
  const full = Buffer.from(message, 'utf8');
  const bytes = truncateUtf8(full, maxBytes);
  return { bytes, truncated: bytes.length < full.length };
}

/** `#012` is how rsyslog writes an escaped LF, so a reader recognises it. */
const ESCAPED_LF = Buffer.from('#012');

/** Frames one encoded message; `escapedLf` counts LFs replaced under LF framing. */
export function frame(bytes: Buffer, framing: Framing): { framed: Buffer; escapedLf: number } {
  if (framing === 'octet-counting') {
    return { framed: Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]), escapedLf: 0 };
  }
  const parts: Buffer[] = [];
  let start = 0;
  let escapedLf = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    parts.push(bytes.subarray(start, i), ESCAPED_LF);
    start = i + 1;
    escapedLf++;
  }
  parts.push(bytes.subarray(start), Buffer.from([0x0a]));
  return { framed: Buffer.concat(parts), escapedLf };
}
