// One direction of a TCP connection: sequence tracking (with wrap-around), the out-of-order buffer
// and what has been delivered. Offsets are stream positions since the first tracked byte, kept as
// plain numbers so they never wrap; sequence numbers are unwrapped relative to the next expected byte.

/** A buffered out-of-order piece; pieces never overlap (first data wins when they are stored). */
export interface Segment {
  offset: number;
  data: Buffer;
}

export class TcpDirection {
  /** Base sequence number known (from the SYN, or from the first data when picked up mid-stream). */
  started = false;
  /** True when the base came from a SYN, false when the direction was picked up mid-stream. */
  sawSyn = false;
  /** Sequence number of stream offset 0 (u32). */
  baseSeq = 0;
  /** Next stream offset expected in order. */
  nextOffset = 0;
  /** Highest offset the peer has acknowledged (-1: none seen). */
  ackedOffset = -1;
  /** Offset of the FIN (-1: none seen). */
  finOffset = -1;
  ended = false;
  /** Out-of-order pieces sorted by offset. */
  readonly segments: Segment[] = [];
  bufferedBytes = 0;
  packets = 0;
  payloadBytes = 0;
  /** Bytes declared lost (gaps) in this direction. */
  gapBytes = 0;

  /** Stream offset of sequence number `seq`, choosing the wrap nearest to the next expected byte. */
  offsetOf(seq: number): number {
    const expected = (this.baseSeq + this.nextOffset) >>> 0;
    return this.nextOffset + ((seq - expected) | 0);
  }

  /** Index of the first buffered piece that ends after `offset`. */
  firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid]!;
      if (s.offset + s.data.length <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
