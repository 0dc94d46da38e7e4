// VXLAN (RFC 7348): 8-byte header with a 24-bit VNI, then Ethernet. Reserved bits and the I flag
// are not checked (some mirroring products set them).
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u24 } from './bytes';
import { decodeEthernet } from './ethernet';

export function decodeVxlan(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 8) return ctx.anomaly(A.vxlanTruncated);
  if (!ctx.pushTunnel(TunnelKind.Vxlan, u24(d, o + 4))) return DecodeStatus.Skipped;
  ctx.count(Layer.Vxlan);
  return decodeEthernet(ctx, d, o + 8, end);
}
