// IPv4: header length from IHL (options skipped), total length trims Ethernet padding or records
// bytes the capture cut (payloadMissing); fragments go to the shared reassembly table.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A, FRAG_V4 } from './anomalies';
import { Layer } from './layers';
import { copyAddr, u16 } from './bytes';
import { ipv4HeaderOk } from './checksum';
import { fragKey, FragOutcome } from './fragments';
import { dispatchIpProto } from './ipproto';

export function decodeIpv4(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 20) return ctx.anomaly(A.ipv4Truncated);
  const vihl = d[o]!;
  if (vihl >> 4 !== 4) return ctx.anomaly(A.ipv4BadVersion);
  const hl = (vihl & 0x0f) << 2;
  if (hl < 20) return ctx.anomaly(A.ipv4BadHeaderLength);
  if (end - o < hl) return ctx.anomaly(A.ipv4Truncated);
  const total = u16(d, o + 2);
  let missing = 0;
  // Total length 0 is what TSO/GSO super-segments carry: use the captured length.
  if (total !== 0) {
    if (total < hl) return ctx.anomaly(A.ipv4BadTotalLength);
    if (o + total <= end) end = o + total;
    else missing = o + total - end;
  }
  if (ctx.verifyChecksums && !ipv4HeaderOk(d, o, hl)) return ctx.anomaly(A.ipv4BadChecksum);
  const out = ctx.out;
  const proto = d[o + 9]!;
  out.ipVersion = 4;
  out.ttl = d[o + 8]!;
  out.ipProto = proto;
  out.payloadMissing = missing;
  copyAddr(out.srcIp, d, o + 12, 4);
  copyAddr(out.dstIp, d, o + 16, 4);
  ctx.count(Layer.Ipv4);

  const ff = u16(d, o + 6);
  const fragOffset = (ff & 0x1fff) << 3;
  const more = (ff & 0x2000) !== 0;
  if (fragOffset === 0 && !more) return dispatchIpProto(ctx, proto, d, o + hl, end);

  ctx.count(Layer.IpFragment);
  if (missing !== 0) return ctx.anomaly(FRAG_V4.truncated);
  const key = fragKey(out, 4, u16(d, o + 4), proto);
  const frags = ctx.frags;
  const r = frags.add(ctx, 4, key, ctx.nowSec, fragOffset, more, d, o + hl, end - o - hl);
  if (r === FragOutcome.Held) return DecodeStatus.FragmentHeld;
  if (r === FragOutcome.Skipped) return DecodeStatus.Skipped;
  out.reassembled = true;
  ctx.count(Layer.IpReassembled);
  return dispatchIpProto(ctx, proto, frags.result, 0, frags.resultLength);
}
