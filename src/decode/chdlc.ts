// Cisco HDLC (DLT_C_HDLC, 104): address, control, then an ethertype.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { dispatchEthertype } from './ethertype';

export function decodeChdlc(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.chdlcTruncated);
  ctx.count(Layer.Chdlc);
  return dispatchEthertype(ctx, u16(d, o + 2), d, o + 4, end);
}
