// Builds decoded TCP packets directly (no capture, no decoder) and records what reassembly emits.
import { DecodedPacket, Transport, TunnelKind } from '../../../src/decode/types';
import type { Direction, EndReason, FlowInfo, StreamConsumer } from '../../../src/reassembly/types';
import { reassemblySchema, type ReassemblyConfig } from '../../../src/config/schema';

export function reassemblyConfig(over: Partial<ReassemblyConfig> = {}): ReassemblyConfig {
  return reassemblySchema.parse(over);
}

export interface Endpoint {
  ip: [number, number, number, number];
  port: number;
}

export const CLIENT: Endpoint = { ip: [10, 0, 0, 1], port: 40000 };
export const SERVER: Endpoint = { ip: [10, 0, 0, 2], port: 80 };

export interface SegmentSpec {
  from: Endpoint;
  to: Endpoint;
  seq: number;
  ack?: number;
  flags: string;
  payload?: Uint8Array;
  ts: number;
  vlan?: number;
  vni?: number;
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10 };

export function tcpPacket(spec: SegmentSpec): DecodedPacket {
  const p = new DecodedPacket();
  p.tsSec = Math.floor(spec.ts);
  p.tsNsec = Math.round((spec.ts - p.tsSec) * 1e9);
  p.ipVersion = 4;
  p.srcIp.set(spec.from.ip);
  p.dstIp.set(spec.to.ip);
  p.transport = Transport.Tcp;
  p.ipProto = 6;
  p.srcPort = spec.from.port;
  p.dstPort = spec.to.port;
  p.tcpSeq = spec.seq >>> 0;
  p.tcpAck = (spec.ack ?? 0) >>> 0;
  let flags = 0;
  for (const ch of spec.flags) flags |= FLAG_BITS[ch] ?? 0;
  p.tcpFlags = flags;
  const payload = spec.payload ?? new Uint8Array(0);
  p.data = payload;
  p.payloadOffset = 0;
  p.payloadLength = payload.length;
  if (spec.vlan !== undefined) {
    p.vlanIds[0] = spec.vlan;
    p.vlanCount = 1;
  }
  if (spec.vni !== undefined) {
    const t = p.tunnels[0]!;
    t.kind = TunnelKind.Vxlan;
    t.id = spec.vni;
    p.tunnelCount = 1;
  }
  return p;
}

export type Event =
  | { kind: 'data'; flow: string; dir: Direction; offset: number; bytes: Buffer }
  | { kind: 'gap'; flow: string; dir: Direction; offset: number; length: number }
  | { kind: 'end'; flow: string; dir: Direction; reason: EndReason }
  | { kind: 'close'; flow: string; reason: EndReason };

/** A StreamConsumer that copies everything it is given. */
export class Recorder implements StreamConsumer {
  readonly events: Event[] = [];
  readonly flows = new Map<string, FlowInfo>();
  /** Return false from onData for these flow ids ('*': every flow). */
  readonly decline = new Set<string>();

  onData(flow: FlowInfo, dir: Direction, data: Uint8Array, start: number, length: number, offset: number): boolean {
    this.flows.set(flow.id, flow);
    this.events.push({ kind: 'data', flow: flow.id, dir, offset, bytes: Buffer.from(data.subarray(start, start + length)) });
    return !this.decline.has(flow.id) && !this.decline.has('*');
  }
  onGap(flow: FlowInfo, dir: Direction, offset: number, length: number): void {
    this.flows.set(flow.id, flow);
    this.events.push({ kind: 'gap', flow: flow.id, dir, offset, length });
  }
  onEnd(flow: FlowInfo, dir: Direction, reason: EndReason): void {
    this.events.push({ kind: 'end', flow: flow.id, dir, reason });
  }
  onClose(flow: FlowInfo, reason: EndReason): void {
    this.flows.set(flow.id, flow);
    this.events.push({ kind: 'close', flow: flow.id, reason });
  }

  /** Concatenated data of one direction with gaps as runs of `fill`, checking offsets are contiguous. */
  stream(dir: Direction, flowId?: string): { bytes: Buffer; gaps: [number, number][]; contiguous: boolean } {
    const parts: Buffer[] = [];
    const gaps: [number, number][] = [];
    let pos = 0;
    let contiguous = true;
    for (const e of this.events) {
      if ((e.kind !== 'data' && e.kind !== 'gap') || e.dir !== dir || (flowId && e.flow !== flowId)) continue;
      if (e.offset !== pos) contiguous = false;
      if (e.kind === 'data') {
        parts.push(e.bytes);
        pos = e.offset + e.bytes.length;
      } else {
        parts.push(Buffer.alloc(e.length, 0));
        gaps.push([e.offset, e.offset + e.length]);
        pos = e.offset + e.length;
      }
    }
    return { bytes: Buffer.concat(parts), gaps, contiguous };
  }
}

export { prng } from '../../helpers/prng';
