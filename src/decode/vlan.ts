// 802.1Q / 802.1ad / legacy QinQ (0x9100, 0x9200) tag: TCI (VLAN id in the low 12 bits) + ethertype.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { dispatchEthertype } from './ethertype';

export function decodeVlan(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 4) return ctx.anomaly(A.vlanTruncated);
  const out = ctx.out;
  if (out.vlanCount >= ctx.maxVlanTags) return ctx.anomaly(A.vlanTooMany);
  out.vlanIds[out.vlanCount++] = u16(d, o) & 0x0fff;
  ctx.count(Layer.Vlan);
  return dispatchEthertype(ctx, u16(d, o + 2), d, o + 4, end);
}
