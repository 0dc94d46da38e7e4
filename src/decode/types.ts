// DecodedPacket: the decode stage's output (DESIGN §2). One object is reused for every packet, so the
// hot path allocates nothing: addresses are copied into fixed arrays and the payload is an offset
// range into `data` (the batch buffer, or a reassembled-fragment buffer).

export const MAX_VLAN_TAGS = 8;
export const MAX_MPLS_LABELS = 8;
export const MAX_TUNNELS = 8;

export const enum TunnelKind {
  None = 0,
  Vxlan = 1,
  Geneve = 2,
  Gre = 3,
  ErspanI = 4,
  ErspanII = 5,
  ErspanIII = 6,
  IpInIp = 7,
  Teredo = 8,
  Ayiya = 9,
}

export const TUNNEL_KIND_NAMES: readonly string[] = ['none', 'vxlan', 'geneve', 'gre', 'erspan1', 'erspan2', 'erspan3', 'ip-in-ip', 'teredo', 'ayiya'];

export const enum Transport {
  None = 0,
  Tcp = 6,
  Udp = 17,
  /** Any other IP protocol; see `ipProto`. */
  Other = 255,
}

/** One tunnel layer that was removed: kind, id (VXLAN/Geneve VNI, GRE key, ERSPAN session), outer IPs. */
export class TunnelLayer {
  kind: TunnelKind = TunnelKind.None;
  /** VNI for VXLAN/Geneve, key for GRE (-1 when absent), session id for ERSPAN. */
  id = -1;
  outerIpVersion: 0 | 4 | 6 = 0;
  outerSrc = new Uint8Array(16);
  outerDst = new Uint8Array(16);
}

export const enum TcpFlag {
  Fin = 0x01,
  Syn = 0x02,
  Rst = 0x04,
  Psh = 0x08,
  Ack = 0x10,
  Urg = 0x20,
  Ece = 0x40,
  Cwr = 0x80,
}

export class DecodedPacket {
  tsSec = 0;
  tsNsec = 0;
  caplen = 0;
  wirelen = 0;
  linkType = 0;

  vlanCount = 0;
  /** 802.1Q/802.1ad VLAN ids, outermost first (only the first `vlanCount` are valid). */
  readonly vlanIds = new Uint16Array(MAX_VLAN_TAGS);
  mplsCount = 0;
  readonly mplsLabels = new Uint32Array(MAX_MPLS_LABELS);
  /** PPPoE session id, -1 when not PPPoE. */
  pppoeSession = -1;
  tunnelCount = 0;
  /** Tunnel layers, outermost first (only the first `tunnelCount` are valid). */
  readonly tunnels: TunnelLayer[] = Array.from({ length: MAX_TUNNELS }, () => new TunnelLayer());

  /** Innermost IP header: 0 when the packet carried no IP. */
  ipVersion: 0 | 4 | 6 = 0;
  readonly srcIp = new Uint8Array(16);
  readonly dstIp = new Uint8Array(16);
  /** Innermost IP protocol / IPv6 next header of the transport. */
  ipProto = 0;
  ttl = 0;
  /** True when this packet is a datagram reassembled from IP fragments. */
  reassembled = false;

  transport: Transport = Transport.None;
  srcPort = 0;
  dstPort = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  tcpWindow = 0;
  /** TCP window scale option (-1 when absent, only meaningful on SYN). */
  tcpWindowScale = -1;
  /** TCP MSS option (0 when absent). */
  tcpMss = 0;

  /** Buffer holding the transport payload: payload is data[payloadOffset, payloadOffset + payloadLength). */
  data: Uint8Array = new Uint8Array(0);
  payloadOffset = 0;
  payloadLength = 0;
  /** Payload bytes that the IP length announced but the capture did not include (snaplen). */
  payloadMissing = 0;

  /** Anomaly names met while decoding this packet (also counted in Counters). */
  readonly anomalies: string[] = [];

  reset(): void {
    this.vlanCount = 0;
    this.mplsCount = 0;
    this.pppoeSession = -1;
    this.tunnelCount = 0;
    this.ipVersion = 0;
    this.ipProto = 0;
    this.ttl = 0;
    this.reassembled = false;
    this.transport = Transport.None;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpFlags = 0;
    this.tcpWindow = 0;
    this.tcpWindowScale = -1;
    this.tcpMss = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
    this.payloadMissing = 0;
    this.anomalies.length = 0;
  }
}

/** Outcome of decoding one frame. */
export const enum DecodeStatus {
  /** Decoded down to the transport (or as far as a protocol we do not parse, e.g. ICMP, ARP). */
  Ok = 0,
  /** Skipped because of an anomaly (counted). */
  Skipped = 1,
  /** An IP fragment held for reassembly; no packet yet. */
  FragmentHeld = 2,
}
