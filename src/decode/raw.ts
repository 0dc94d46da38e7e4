// Raw IP link types: DLT_RAW (12/14 on some systems, LINKTYPE_RAW 101) picks the version from the
// first nibble; LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) are fixed.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export function decodeRaw(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (end - o < 1) return ctx.anomaly(A.rawTruncated);
  ctx.count(Layer.Raw);
  switch (d[o]! >> 4) {
    case 4:
      return decodeIpv4(ctx, d, o, end);
    case 6:
      return decodeIpv6(ctx, d, o, end);
    default:
      return ctx.anomaly(A.rawUnknownVersion);
  }
}
