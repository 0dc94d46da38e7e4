// Teredo (RFC 4380): IPv6 in UDP, optionally behind an authentication indicator (type 0x0001) and an
// origin indication (type 0x0000). Port 3544 also carries other traffic, so a payload that is not a
// plausible IPv6 packet is left as plain UDP (null), never an anomaly.
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { Layer } from './layers';
import { u16 } from './bytes';
import { decodeIpv6 } from './ipv6';

export function decodeTeredo(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus | null {
  let p = o;
  if (end - p >= 4 && d[p] === 0 && d[p + 1] === 1) {
    // id-len, au-len, client id, authentication value, 8-byte nonce, confirmation byte
    p += 4 + d[p + 2]! + d[p + 3]! + 9;
  }
  if (end - p >= 8 && d[p] === 0 && d[p + 1] === 0) p += 8;
  if (end - p < 40 || d[p]! >> 4 !== 6) return null;
  // The IPv6 payload length must fit what the datagram carries.
  if (p + 40 + u16(d, p + 4) > end) return null;
  if (!ctx.pushTunnel(TunnelKind.Teredo, -1)) return DecodeStatus.Skipped;
  ctx.count(Layer.Teredo);
  return decodeIpv6(ctx, d, p, end);
}
