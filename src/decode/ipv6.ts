// IPv6: fixed header, then the extension-header chain (hop-by-hop, routing, fragment, destination
// options, AH, mobility/HIP/shim6, no-next-header); fragments share the IPv4 reassembly table.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A, FRAG_V6 } from './anomalies';
import { Layer } from './layers';
import { copyAddr, u16, u32 } from './bytes';
import { fragKey, FragOutcome } from './fragments';
import { dispatchIpProto } from './ipproto';

export function decodeIpv6(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 40) return ctx.anomaly(A.ipv6Truncated);
  if (d[o]! >> 4 !== 6) return ctx.anomaly(A.ipv6BadVersion);
  const plen = u16(d, o + 4);
  let missing = 0;
  // Payload length 0 means a jumbogram or a GSO super-segment: use the captured length.
  if (plen !== 0) {
    if (o + 40 + plen <= end) end = o + 40 + plen;
    else missing = o + 40 + plen - end;
  }
  const out = ctx.out;
  out.ipVersion = 6;
  out.ttl = d[o + 7]!;
  out.payloadMissing = missing;
  copyAddr(out.srcIp, d, o + 8, 16);
  copyAddr(out.dstIp, d, o + 24, 16);
  ctx.count(Layer.Ipv6);
  return ipv6Chain(ctx, d[o + 6]!, d, o + 40, end, false);
}

/** Walk extension headers starting with next-header `nh` at d[p]; `reassembled` forbids another fragment header. */
export function ipv6Chain(ctx: DecodeCtx, nh: number, d: Uint8Array, p: number, end: number, reassembled: boolean): DecodeStatus {
  const out = ctx.out;
  for (;;) {
    switch (nh) {
      case 0: // hop-by-hop
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: {
        // shim6
        if (end - p < 2) return ctx.anomaly(A.ipv6Truncated);
        const len = (d[p + 1]! + 1) << 3;
        if (end - p < len) return ctx.anomaly(A.ipv6Truncated);
        nh = d[p]!;
        p += len;
        continue;
      }
      case 51: {
        // authentication header: length in 4-byte units minus 2
        if (end - p < 2) return ctx.anomaly(A.ipv6Truncated);
        const len = (d[p + 1]! + 2) << 2;
        if (end - p < len) return ctx.anomaly(A.ipv6Truncated);
        nh = d[p]!;
        p += len;
        continue;
      }
      case 44: {
        if (end - p < 8) return ctx.anomaly(A.ipv6Truncated);
        const fnh = d[p]!;
        const fragOffset = u16(d, p + 2) & 0xfff8;
        const more = (d[p + 3]! & 1) !== 0;
        p += 8;
        nh = fnh;
        if (fragOffset === 0 && !more) continue; // atomic fragment (RFC 6946)
        if (reassembled) return ctx.anomaly(A.ipv6NestedFragment);
        ctx.count(Layer.IpFragment);
        if (out.payloadMissing !== 0) return ctx.anomaly(FRAG_V6.truncated);
        const key = fragKey(out, 6, u32(d, p - 4), fnh);
        const frags = ctx.frags;
        const r = frags.add(ctx, 6, key, ctx.nowSec, fragOffset, more, d, p, end - p);
        if (r === FragOutcome.Held) return DecodeStatus.FragmentHeld;
        if (r === FragOutcome.Skipped) return DecodeStatus.Skipped;
        out.reassembled = true;
        ctx.count(Layer.IpReassembled);
        return ipv6Chain(ctx, fnh, frags.result, 0, frags.resultLength, true);
      }
      case 59: // no next header
        out.ipProto = 59;
        return ctx.other(d, p, p);
      default:
        out.ipProto = nh;
        return dispatchIpProto(ctx, nh, d, p, end);
    }
  }
}
