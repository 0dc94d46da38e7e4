// Canonical flow key computed into a reused scratch array: the two endpoints ordered (lower first),
// so both directions of a connection find the same flow, plus a hash of the encapsulation context
// (VLAN ids, tunnel kind + id) so identical inner 5-tuples from different mirrored networks stay apart.
import type { DecodedPacket } from '../decode/types';

/** Words: [version, a0..a3, b0..b3, ports (aPort << 16 | bPort), context hash]. */
export const KEY_WORDS = 11;

function word(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** Compares (ip, port) of source and destination; negative when the source sorts first. */
function compareEndpoints(pkt: DecodedPacket, words: number): number {
  const s = pkt.srcIp;
  const d = pkt.dstIp;
  for (let i = 0; i < words * 4; i++) {
    if (s[i] !== d[i]) return s[i]! - d[i]!;
  }
  return pkt.srcPort - pkt.dstPort;
}

export function contextHash(pkt: DecodedPacket): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pkt.vlanCount; i++) h = Math.imul(h ^ pkt.vlanIds[i]!, 0x01000193);
  for (let i = 0; i < pkt.tunnelCount; i++) {
    const t = pkt.tunnels[i]!;
    h = Math.imul(h ^ (t.kind + 0x100), 0x01000193);
    h = Math.imul(h ^ (t.id & 0xffffffff), 0x01000193);
  }
  return h >>> 0;
}

/**
 * Fills `key` for a TCP/UDP packet. Returns true when the packet's source is endpoint A (the lower
 * one), which tells the caller the packet's direction relative to the stored flow.
 */
export function computeFlowKey(pkt: DecodedPacket, key: Uint32Array, withContext: boolean): boolean {
  const words = pkt.ipVersion === 6 ? 4 : 1;
  const srcIsA = compareEndpoints(pkt, words) <= 0;
  const a = srcIsA ? pkt.srcIp : pkt.dstIp;
  const b = srcIsA ? pkt.dstIp : pkt.srcIp;
  key[0] = pkt.ipVersion;
  for (let i = 0; i < 4; i++) {
    key[1 + i] = i < words ? word(a, i * 4) : 0;
    key[5 + i] = i < words ? word(b, i * 4) : 0;
  }
  const aPort = srcIsA ? pkt.srcPort : pkt.dstPort;
  const bPort = srcIsA ? pkt.dstPort : pkt.srcPort;
  key[9] = ((aPort << 16) | bPort) >>> 0;
  key[10] = withContext ? contextHash(pkt) : 0;
  return srcIsA;
}

export function hashKey(key: Uint32Array): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < KEY_WORDS; i++) {
    h = Math.imul(h ^ key[i]!, 0x85ebca6b);
    h ^= h >>> 13;
  }
  return (h ^ (h >>> 16)) >>> 0;
}

export function keysEqual(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < KEY_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}
