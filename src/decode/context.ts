// Per-decoder state shared by the protocol decoders: the output record of the packet being decoded,
// configuration bounds, the layer counter and the fragment table. The protocol decoders are plain
// functions taking this context, so the hot path creates no closures.
import type { Counters } from '../core/counters';
import type { DecodeConfig } from './config';
import { DecodedPacket, DecodeStatus, MAX_TUNNELS, Transport, type TunnelKind } from './types';
import { A } from './anomalies';
import { Layer } from './layers';
import { FragmentTable } from './fragments';

/** UDP port roles, stored in a 64 Ki table indexed by port. */
export const enum PortRole {
  None = 0,
  Vxlan = 1,
  Geneve = 2,
  GreUdp = 3,
  Teredo = 4,
  Ayiya = 5,
}

export class DecodeCtx {
  out: DecodedPacket = new DecodedPacket();
  /** Layers entered for the current packet (bounded by maxLayers). */
  layers = 0;
  /** Packet time of the frame being decoded (seconds). */
  nowSec = 0;
  readonly layerCount = new Float64Array(Layer.Count);
  readonly portRole = new Uint8Array(65536);
  readonly maxLayers: number;
  readonly maxVlanTags: number;
  readonly maxMplsLabels: number;
  readonly verifyChecksums: boolean;
  readonly frags: FragmentTable;
  /** Learned Teredo client endpoints (IPv4 address * 65536 + port), oldest first. */
  readonly teredoPeers = new Set<number>();
  readonly maxTeredoPeers: number;

  constructor(
    config: DecodeConfig,
    readonly counters: Counters,
  ) {
    this.maxLayers = config.maxLayers;
    this.maxVlanTags = Math.min(config.maxVlanTags, this.out.vlanIds.length);
    this.maxMplsLabels = Math.min(config.maxMplsLabels, this.out.mplsLabels.length);
    this.verifyChecksums = config.verifyChecksums;
    for (const p of config.teredoPorts) this.portRole[p] = PortRole.Teredo;
    for (const p of config.ayiyaPorts) this.portRole[p] = PortRole.Ayiya;
    for (const p of config.greUdpPorts) this.portRole[p] = PortRole.GreUdp;
    for (const p of config.genevePorts) this.portRole[p] = PortRole.Geneve;
    for (const p of config.vxlanPorts) this.portRole[p] = PortRole.Vxlan;
    this.frags = new FragmentTable(config.fragments, counters);
    this.maxTeredoPeers = config.maxTeredoPeers;
  }

  /** Count one decoded layer of kind `l`. */
  count(l: Layer): void {
    this.layerCount[l] = this.layerCount[l]! + 1;
  }

  /** Count an anomaly, record it on the packet and return Skipped. */
  anomaly(name: string): DecodeStatus {
    this.counters.inc(name);
    this.out.anomalies.push(name);
    return DecodeStatus.Skipped;
  }

  /** Record a non-fatal anomaly (the packet is still decoded). */
  note(name: string): void {
    this.counters.inc(name);
    this.out.anomalies.push(name);
  }

  /** Enter one more layer; false (anomaly counted) when the packet exceeds maxLayers. */
  enter(): boolean {
    if (++this.layers <= this.maxLayers) return true;
    this.anomaly(A.layersTooMany);
    return false;
  }

  /**
   * Record a removed tunnel layer with the current (outer) IP addresses, then clear the
   * innermost-IP/transport fields so the inner packet fills them. False (anomaly counted) when full.
   */
  pushTunnel(kind: TunnelKind, id: number): boolean {
    const out = this.out;
    if (out.tunnelCount >= MAX_TUNNELS) {
      this.anomaly(A.tunnelTooMany);
      return false;
    }
    const t = out.tunnels[out.tunnelCount++]!;
    t.kind = kind;
    t.id = id;
    t.outerIpVersion = out.ipVersion;
    t.outerSrc.set(out.srcIp);
    t.outerDst.set(out.dstIp);
    out.ipVersion = 0;
    out.ipProto = 0;
    out.transport = Transport.None;
    out.srcPort = 0;
    out.dstPort = 0;
    return true;
  }

  /** End decoding at a payload we do not parse further (ICMP, unknown IP protocol...). */
  other(d: Uint8Array, o: number, end: number): DecodeStatus {
    const out = this.out;
    out.transport = Transport.Other;
    out.data = d;
    out.payloadOffset = o;
    out.payloadLength = end > o ? end - o : 0;
    return DecodeStatus.Ok;
  }
}
