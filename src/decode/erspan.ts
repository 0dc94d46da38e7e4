// ERSPAN inside GRE. Type I: no header, Ethernet follows GRE. Type II: 8-byte header (version 1,
// 10-bit session id). Type III: 12-byte header (version 2) plus an 8-byte platform-specific
// subheader when the O bit is set; frame type 0 is Ethernet, 2 is IP.
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { decodeEthernet } from './ethernet';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function decodeErspan1(ctx: DecodeCtx, greKey: number, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (!ctx.pushTunnel(TunnelKind.ErspanI, greKey)) return DecodeStatus.Skipped;
  ctx.count(Layer.Erspan1);
  return decodeEthernet(ctx, d, o, end);
}

export function decodeErspan2(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 8) return ctx.anomaly(A.erspan2Truncated);
  const ver = d[o]! >> 4;
  if (ver === 2) return erspan3Body(ctx, d, o, end);
  if (ver !== 1) return ctx.anomaly(A.erspanBadVersion);
  if (!ctx.pushTunnel(TunnelKind.ErspanII, u16(d, o + 2) & 0x3ff)) return DecodeStatus.Skipped;
  ctx.count(Layer.Erspan2);
  return decodeEthernet(ctx, d, o + 8, end);
}

export function decodeErspan3(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  return erspan3Body(ctx, d, o, end);
}

function erspan3Body(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (end - o < 12) return ctx.anomaly(A.erspan3Truncated);
  if (d[o]! >> 4 !== 2) return ctx.anomaly(A.erspanBadVersion);
  const w = u16(d, o + 10);
  const hl = (w & 1) !== 0 ? 20 : 12;
  if (end - o < hl) return ctx.anomaly(A.erspan3Truncated);
  if (!ctx.pushTunnel(TunnelKind.ErspanIII, u16(d, o + 2) & 0x3ff)) return DecodeStatus.Skipped;
  ctx.count(Layer.Erspan3);
  const p = o + hl;
  switch ((w >> 10) & 0x1f) {
    case 0:
      return decodeEthernet(ctx, d, p, end);
    case 2:
      if (end - p < 1) return ctx.anomaly(A.erspan3Truncated);
      return d[p]! >> 4 === 6 ? decodeIpv6(ctx, d, p, end) : decodeIpv4(ctx, d, p, end);
    default:
      // Other frame types (e.g. 802.11) are not decoded: the packet ends at the tunnel.
      return DecodeStatus.Ok;
  }
}
