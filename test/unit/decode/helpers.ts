// Shared test helpers: decode one built frame with a fresh decoder and format addresses.
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, type DecodeStatus } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { decodeSchema, type DecodeConfig } from '../../../src/config/schema';
import { toFrame, type Built } from './frames';

export function config(over: Record<string, unknown> = {}): DecodeConfig {
  return decodeSchema.parse(over);
}

export interface Decoded {
  status: DecodeStatus;
  out: DecodedPacket;
  counters: Counters;
  decoder: PacketDecoder;
}

export function decodeBuilt(b: Built | Uint8Array, linkType = 1, over: Record<string, unknown> = {}): Decoded {
  const counters = new Counters();
  const decoder = new PacketDecoder(config(over), counters);
  const out = new DecodedPacket();
  const bytes = b instanceof Uint8Array ? b : b.bytes;
  const status = decoder.decode(toFrame(bytes, linkType, 1_700_000_000, 0, 7), out);
  return { status, out, counters, decoder };
}

export function ipStr(b: Uint8Array, version: number): string {
  if (version === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (version !== 6) return '-';
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function payloadText(out: DecodedPacket): string {
  return Buffer.from(out.data.buffer, out.data.byteOffset + out.payloadOffset, out.payloadLength).toString('latin1');
}
