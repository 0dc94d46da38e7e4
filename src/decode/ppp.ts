// PPP link type (DLT_PPP 9, DLT_PPP_SERIAL 50): optional 0xff 0x03 address/control, then the PPP
// protocol (1 byte when compressed, i.e. odd first byte): 0x0021 IPv4, 0x0057 IPv6.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function decodePpp(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (d[o] === 0xff) {
    // HDLC-like framing: address 0xff, control 0x03.
    if (end - o < 2) return ctx.anomaly(A.pppTruncated);
    if (d[o + 1] === 0x03) o += 2;
  }
  if (end - o < 1) return ctx.anomaly(A.pppTruncated);
  let proto: number;
  if ((d[o]! & 1) !== 0) {
    proto = d[o]!;
    o += 1;
  } else {
    if (end - o < 2) return ctx.anomaly(A.pppTruncated);
    proto = (d[o]! << 8) | d[o + 1]!;
    o += 2;
  }
  ctx.count(Layer.Ppp);
  switch (proto) {
    case 0x21:
      return decodeIpv4(ctx, d, o, end);
    case 0x57:
      return decodeIpv6(ctx, d, o, end);
    default:
      ctx.count(Layer.PppOther);
      return DecodeStatus.Ok;
  }
}
