// PPPoE session stage (ethertype 0x8864): ver/type 0x11, code, session id, length, then PPP.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function decodePppoe(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 7) return ctx.anomaly(A.pppoeTruncated);
  if (d[o] !== 0x11) return ctx.anomaly(A.pppoeBadVersion);
  if (d[o + 1] !== 0) {
    // Not a session-data frame (discovery codes): nothing to decode.
    ctx.count(Layer.PppOther);
    return DecodeStatus.Ok;
  }
  ctx.out.pppoeSession = u16(d, o + 2);
  const len = u16(d, o + 4);
  // The PPPoE length covers the PPP frame; bytes beyond it are Ethernet padding.
  if (len >= 2 && o + 6 + len < end) end = o + 6 + len;
  ctx.count(Layer.Pppoe);
  // PPP protocol field, 1 byte when compressed (PFC: odd first byte), else 2.
  let proto = d[o + 6]!;
  let p = o + 7;
  if ((proto & 1) === 0) {
    if (end - o < 8) return ctx.anomaly(A.pppoeTruncated);
    proto = u16(d, o + 6);
    p = o + 8;
  }
  switch (proto) {
    case 0x0021:
      return decodeIpv4(ctx, d, p, end);
    case 0x0057:
      return decodeIpv6(ctx, d, p, end);
    default:
      ctx.count(Layer.PppOther);
      return DecodeStatus.Ok;
  }
}
