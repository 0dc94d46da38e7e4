// GRE version 0 (RFC 2784/2890, with RFC 1701 routing): optional checksum, key, sequence and
// source-route entries; payload by protocol type: transparent Ethernet (0x6558), IP, ERSPAN
// (0x88be type I/II, 0x22eb type III) or any ethertype. Version 1 (PPTP) is not supported.
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16, u32 } from './bytes';
import { dispatchEthertype } from './ethertype';
import { decodeErspan1, decodeErspan2, decodeErspan3 } from './erspan';

const FLAG_CHECKSUM = 0x8000;
const FLAG_ROUTING = 0x4000;
const FLAG_KEY = 0x2000;
const FLAG_SEQ = 0x1000;

export function decodeGre(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.greTruncated);
  const flags = u16(d, o);
  if ((flags & 7) !== 0) return ctx.anomaly(A.greUnsupportedVersion);
  const proto = u16(d, o + 2);
  let p = o + 4;
  if ((flags & (FLAG_CHECKSUM | FLAG_ROUTING)) !== 0) p += 4;
  let key = -1;
  if ((flags & FLAG_KEY) !== 0) {
    if (end - p < 4) return ctx.anomaly(A.greTruncated);
    key = u32(d, p);
    p += 4;
  }
  if ((flags & FLAG_SEQ) !== 0) p += 4;
  if (p > end) return ctx.anomaly(A.greTruncated);
  if ((flags & FLAG_ROUTING) !== 0) {
    // Source route entries: address family (2), SRE offset (1), SRE length (1), data; ends with length 0.
    for (;;) {
      if (end - p < 4) return ctx.anomaly(A.greTruncated);
      const len = d[p + 3]!;
      const af = u16(d, p);
      p += 4 + len;
      if (p > end) return ctx.anomaly(A.greTruncated);
      if (len === 0 && af === 0) break;
    }
  }
  ctx.count(Layer.Gre);
  switch (proto) {
    case 0x88be:
      // Type I has no ERSPAN header and no GRE sequence number; type II sets the S bit.
      if ((flags & FLAG_SEQ) === 0) return decodeErspan1(ctx, key, d, p, end);
      return decodeErspan2(ctx, d, p, end);
    case 0x22eb:
      return decodeErspan3(ctx, d, p, end);
    default:
      if (!ctx.pushTunnel(TunnelKind.Gre, key)) return DecodeStatus.Skipped;
      return dispatchEthertype(ctx, proto, d, p, end);
  }
}
