// UDP: ports, length field vs captured bytes, then the UDP-port tunnel table (VXLAN, Geneve,
// GRE-in-UDP); any other datagram ends here with its payload range.
import { DecodeStatus, Transport } from './types';
import { PortRole, type DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { transportOk } from './checksum';
import { decodeVxlan } from './vxlan';
import { decodeGeneve } from './geneve';
import { decodeGre } from './gre';

export function decodeUdp(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 8) return ctx.anomaly(A.udpTruncated);
  const out = ctx.out;
  const ulen = u16(d, o + 4);
  // Length 0 is used by IPv6 jumbograms and GSO super-segments: use the captured length.
  if (ulen !== 0) {
    if (ulen < 8) return ctx.anomaly(A.udpBadLength);
    if (o + ulen <= end) end = o + ulen;
    else if (out.payloadMissing < o + ulen - end) out.payloadMissing = o + ulen - end;
  }
  if (ctx.verifyChecksums && out.payloadMissing === 0 && (out.ipVersion === 6 || u16(d, o + 6) !== 0)) {
    if (!transportOk(out, 17, d, o, end - o)) return ctx.anomaly(A.udpBadChecksum);
  }
  const src = u16(d, o);
  const dst = u16(d, o + 2);
  out.srcPort = src;
  out.dstPort = dst;
  ctx.count(Layer.Udp);
  let role = ctx.portRole[dst]!;
  if (role === PortRole.None) role = ctx.portRole[src]!;
  switch (role) {
    case PortRole.Vxlan:
      return decodeVxlan(ctx, d, o + 8, end);
    case PortRole.Geneve:
      return decodeGeneve(ctx, d, o + 8, end);
    case PortRole.GreUdp:
      ctx.count(Layer.GreUdp);
      return decodeGre(ctx, d, o + 8, end);
    default:
      out.transport = Transport.Udp;
      out.data = d;
      out.payloadOffset = o + 8;
      out.payloadLength = end - o - 8;
      return DecodeStatus.Ok;
  }
}
