// Linux NFLOG (DLT_NFLOG, 239): 4-byte header (family, version, resource id) then TLVs whose length
// and type are little-endian (host order of the capturing Linux box, in practice little-endian),
// each padded to 4 bytes. Type 9 (NFULA_PAYLOAD) holds the IP packet.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16le } from './bytes';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

const NFULA_PAYLOAD = 9;

export function decodeNflog(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.nflogTruncated);
  const family = d[o]!;
  ctx.count(Layer.Nflog);
  let p = o + 4;
  while (p < end) {
    if (end - p < 4) return ctx.anomaly(A.nflogTruncated);
    const len = u16le(d, p);
    const type = u16le(d, p + 2) & 0x3fff;
    if (len < 4) return ctx.anomaly(A.nflogBadTlvLength);
    if (type === NFULA_PAYLOAD) {
      // A payload cut by the snaplen is still decoded: the IP layer records the missing bytes.
      const q = p + 4;
      const qe = end - p < len ? end : p + len;
      if (family === 10 || (family !== 2 && qe > q && d[q]! >> 4 === 6)) return decodeIpv6(ctx, d, q, qe);
      return decodeIpv4(ctx, d, q, qe);
    }
    if (end - p < len) return ctx.anomaly(A.nflogTruncated);
    p += (len + 3) & ~3;
  }
  // No payload TLV: nothing more to decode.
  return DecodeStatus.Ok;
}
