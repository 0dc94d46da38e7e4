// BSD loopback: DLT_NULL (0) has a 4-byte address family in the capturing host's byte order,
// DLT_LOOP (108) in network order. AF values are small, so the non-zero end byte gives the order.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function decodeNull(ctx: DecodeCtx, d: Uint8Array, o: number, end: number, layer: Layer): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.nullTruncated);
  ctx.count(layer);
  const af = d[o] !== 0 ? d[o]! : d[o + 3]!;
  switch (af) {
    case 2: // AF_INET
      return decodeIpv4(ctx, d, o + 4, end);
    case 10: // AF_INET6 Linux
    case 24: // NetBSD, OpenBSD, BSD/OS
    case 28: // FreeBSD
    case 30: // macOS
      return decodeIpv6(ctx, d, o + 4, end);
    default:
      ctx.count(Layer.OtherEthertype);
      return DecodeStatus.Ok;
  }
}
