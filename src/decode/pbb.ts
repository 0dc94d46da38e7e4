// 802.1ah Provider Backbone Bridging (MAC-in-MAC): a 4-byte I-TAG (priority, flags, 24-bit
// service id) followed by the customer's whole Ethernet frame.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { decodeEthernet } from './ethernet';

export function decodePbb(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.pbbTruncated);
  ctx.count(Layer.Pbb);
  return decodeEthernet(ctx, d, o + 4, end);
}
