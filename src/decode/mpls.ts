// MPLS label stack (4 bytes per entry, bottom-of-stack bit 0x100). The payload has no type field:
// IPv4/IPv6 are guessed by the first nibble; nibble 0 is taken as a pseudowire control word
// followed by Ethernet.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u32 } from './bytes';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';
import { decodeEthernet } from './ethernet';

export function decodeMpls(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  const out = ctx.out;
  for (;;) {
    if (!ctx.enter()) return DecodeStatus.Skipped;
    if (end - o < 4) return ctx.anomaly(A.mplsTruncated);
    if (out.mplsCount >= ctx.maxMplsLabels) return ctx.anomaly(A.mplsTooMany);
    const entry = u32(d, o);
    out.mplsLabels[out.mplsCount++] = entry >>> 12;
    ctx.count(Layer.Mpls);
    o += 4;
    if ((entry & 0x100) !== 0) break;
  }
  if (end - o < 1) return ctx.anomaly(A.mplsTruncated);
  switch (d[o]! >> 4) {
    case 4:
      return decodeIpv4(ctx, d, o, end);
    case 6:
      return decodeIpv6(ctx, d, o, end);
    case 0:
      return decodeEthernet(ctx, d, o + 4, end);
    default:
      return ctx.anomaly(A.mplsUnknownPayload);
  }
}
