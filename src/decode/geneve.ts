// Geneve (RFC 8926): version 0, options length in 4-byte words, protocol type (0x6558 Ethernet or
// an ethertype such as IPv4/IPv6), 24-bit VNI.
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16, u24 } from './bytes';
import { dispatchEthertype } from './ethertype';

export function decodeGeneve(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 8) return ctx.anomaly(A.geneveTruncated);
  if (d[o]! >> 6 !== 0) return ctx.anomaly(A.geneveBadVersion);
  const hl = 8 + ((d[o]! & 0x3f) << 2);
  if (end - o < hl) return ctx.anomaly(A.geneveTruncated);
  if (!ctx.pushTunnel(TunnelKind.Geneve, u24(d, o + 4))) return DecodeStatus.Skipped;
  ctx.count(Layer.Geneve);
  return dispatchEthertype(ctx, u16(d, o + 2), d, o + hl, end);
}
