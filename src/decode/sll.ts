// Linux cooked capture v1 (DLT_LINUX_SLL, 113): 16-byte header, protocol (ethertype) last.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { dispatchEthertype } from './ethertype';

export function decodeSll(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 16) return ctx.anomaly(A.sllTruncated);
  ctx.count(Layer.Sll);
  return sllProtocol(ctx, u16(d, o + 2), u16(d, o + 14), d, o + 16, end);
}

/** Shared by SLL and SLL2: ARPHRD type + protocol field to the next decoder. */
export function sllProtocol(ctx: DecodeCtx, hatype: number, proto: number, d: Uint8Array, o: number, end: number): DecodeStatus {
  // ARPHRD_NETLINK (824) carries netlink messages; protocols below 0x600 are 802.2/802.3/CAN...
  if (hatype === 824 || proto < 0x0600) {
    ctx.count(Layer.OtherEthertype);
    return DecodeStatus.Ok;
  }
  return dispatchEthertype(ctx, proto, d, o, end);
}
