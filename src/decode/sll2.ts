// Linux cooked capture v2 (DLT_LINUX_SLL2, 276): 20-byte header, protocol (ethertype) first.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { sllProtocol } from './sll';

export function decodeSll2(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 20) return ctx.anomaly(A.sll2Truncated);
  ctx.count(Layer.Sll2);
  return sllProtocol(ctx, u16(d, o + 8), u16(d, o), d, o + 20, end);
}
