// AYIYA ("Anything In Anything", SixXS): 8-byte header, identity (2^idlen bytes), signature
// (siglen * 4 bytes), then the packet named by next-header (41 IPv6, 4 IPv4). Only opcode 1
// (forward) carries a packet; anything else on the port stays plain UDP (null).
import { DecodeStatus, TunnelKind } from './types';
import type { DecodeCtx } from './context';
import { Layer } from './layers';
import { decodeIpv6 } from './ipv6';
import { decodeIpv4 } from './ipv4';

export function decodeAyiya(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus | null {
  if (end - o < 8) return null;
  const idLen = 1 << (d[o]! >> 4);
  const sigLen = (d[o + 1]! >> 4) * 4;
  const opcode = d[o + 2]! & 0x0f;
  const next = d[o + 3]!;
  const hl = 8 + idLen + sigLen;
  if (opcode !== 1 || (next !== 41 && next !== 4) || end - o <= hl) return null;
  if (!ctx.pushTunnel(TunnelKind.Ayiya, -1)) return DecodeStatus.Skipped;
  ctx.count(Layer.Ayiya);
  return next === 41 ? decodeIpv6(ctx, d, o + hl, end) : decodeIpv4(ctx, d, o + hl, end);
}
