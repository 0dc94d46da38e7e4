// Ethernet II (and 802.3 + LLC/SNAP): 14-byte header, then the ethertype dispatch.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { dispatchEthertype } from './ethertype';

export function decodeEthernet(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 14) return ctx.anomaly(A.ethernetTruncated);
  const type = u16(d, o + 12);
  ctx.count(Layer.Ethernet);
  if (type >= 0x0600) return dispatchEthertype(ctx, type, d, o + 14, end);
  // 802.3 length field: only LLC/SNAP with an ethertype is followed further.
  if (end - o >= 22 && d[o + 14] === 0xaa && d[o + 15] === 0xaa && d[o + 16] === 0x03) {
    return dispatchEthertype(ctx, u16(d, o + 20), d, o + 22, end);
  }
  ctx.count(Layer.Llc);
  return DecodeStatus.Ok;
}
