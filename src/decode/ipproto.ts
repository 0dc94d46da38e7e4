// IP protocol dispatch table: TCP, UDP, GRE, IP-in-IP (4, 41); ICMP and the rest end as Other.
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { Layer } from './layers';
import { decodeTcp } from './tcp';
import { decodeUdp } from './udp';
import { decodeGre } from './gre';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function dispatchIpProto(ctx: DecodeCtx, proto: number, d: Uint8Array, o: number, end: number): DecodeStatus {
  switch (proto) {
    case 6:
      return decodeTcp(ctx, d, o, end);
    case 17:
      return decodeUdp(ctx, d, o, end);
    case 47:
      return decodeGre(ctx, d, o, end);
    case 4:
      if (!ctx.pushTunnel(TunnelKind.IpInIp, -1)) return DecodeStatus.Skipped;
      ctx.count(Layer.IpInIp);
      return decodeIpv4(ctx, d, o, end);
    case 41:
      if (!ctx.pushTunnel(TunnelKind.IpInIp, -1)) return DecodeStatus.Skipped;
      ctx.count(Layer.IpInIp);
      return decodeIpv6(ctx, d, o, end);
    case 1:
    case 58:
      ctx.count(Layer.Icmp);
      return ctx.other(d, o, end);
    default:
      ctx.count(Layer.OtherIpProto);
      return ctx.other(d, o, end);
  }
}
