// Internet checksum (RFC 1071) helpers, used only when `verifyChecksums` is on.
import type { DecodedPacket } from './types';

/** One's-complement sum of d[o, o+len) added to `sum` (not folded). */
export function sum16(d: Uint8Array, o: number, len: number, sum: number): number {
  const end = o + len - 1;
  let i = o;
  for (; i < end; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  if (i === end) sum += d[i]! << 8;
  return sum;
}

export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** True when the IPv4 header at d[o, o+hl) has a valid checksum. */
export function ipv4HeaderOk(d: Uint8Array, o: number, hl: number): boolean {
  return fold(sum16(d, o, hl, 0)) === 0xffff;
}

/** True when the TCP/UDP segment d[o, o+len) checksums correctly with the packet's pseudo-header. */
export function transportOk(out: DecodedPacket, proto: number, d: Uint8Array, o: number, len: number): boolean {
  const n = out.ipVersion === 4 ? 4 : 16;
  let sum = sum16(out.srcIp, 0, n, 0);
  sum = sum16(out.dstIp, 0, n, sum);
  sum += proto + (len & 0xffff) + Math.floor(len / 0x10000);
  return fold(sum16(d, o, len, sum)) === 0xffff;
}
