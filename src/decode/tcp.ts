// TCP: ports, seq/ack, flags, window, data offset, MSS and window-scale options, payload range.
import { DecodeStatus, Transport } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16, u32 } from './bytes';
import { transportOk } from './checksum';

export function decodeTcp(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 20) return ctx.anomaly(A.tcpTruncated);
  const hl = (d[o + 12]! >> 4) << 2;
  if (hl < 20) return ctx.anomaly(A.tcpBadHeaderLength);
  if (end - o < hl) return ctx.anomaly(A.tcpTruncated);
  const out = ctx.out;
  if (ctx.verifyChecksums && out.payloadMissing === 0 && !transportOk(out, 6, d, o, end - o)) {
    return ctx.anomaly(A.tcpBadChecksum);
  }
  out.srcPort = u16(d, o);
  out.dstPort = u16(d, o + 2);
  out.tcpSeq = u32(d, o + 4);
  out.tcpAck = u32(d, o + 8);
  out.tcpFlags = d[o + 13]!;
  out.tcpWindow = u16(d, o + 14);
  // Options: only MSS (2) and window scale (3) are kept; a malformed option ends the walk.
  const oe = o + hl;
  let i = o + 20;
  while (i < oe) {
    const kind = d[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    if (i + 1 >= oe) break;
    const len = d[i + 1]!;
    if (len < 2 || i + len > oe) break;
    if (kind === 2 && len === 4) out.tcpMss = u16(d, i + 2);
    else if (kind === 3 && len === 3) out.tcpWindowScale = d[i + 2]!;
    i += len;
  }
  out.transport = Transport.Tcp;
  out.data = d;
  out.payloadOffset = oe;
  out.payloadLength = end - oe;
  ctx.count(Layer.Tcp);
  return DecodeStatus.Ok;
}
