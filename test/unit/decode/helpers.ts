// Shared test helpers: decode one built frame with a fresh decoder and format addresses.
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, type DecodeStatus } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { decodeSchema, type DecodeConfig } from '../../../src/config/schema';
import { toFrame, type Built } from './frames';
import { ipToString } from '../../../src/core/ip';

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

/** Address text as records print it; '-' when the packet carried no IP. */
export function ipStr(b: Uint8Array, version: number): string {
  return ipToString(version, b) || '-';
}

export function payloadText(out: DecodedPacket): string {
  return Buffer.from(out.data.buffer, out.data.byteOffset + out.payloadOffset, out.payloadLength).toString('latin1');
}
