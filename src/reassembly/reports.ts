// What the TCP reassembler reports besides the streams themselves: its running stats (read by the
// metrics endpoint and the mirror-health check) and one summary per closed flow (the flow records).
// Apart from the state machine in tcp-reassembler.ts because none of it runs per packet: the stats
// object is built once, a summary once per flow.
import type { Flow } from './flow';
import type { EndReason } from './types';

export interface ReassemblyStats {
  packets: number;
  flowsCreated: number;
  flowsActive: number;
  bytesDelivered: number;
  gaps: number;
  gapBytes: number;
  retransmittedBytes: number;
  outOfOrderSegments: number;
  bufferedBytes: number;
  /**
   * Capture-loss evidence as Zeek's capture-loss script counts it: ACKs that move a direction's
   * acknowledged point forward, the bytes they newly cover, and those ACKs that cover bytes this
   * sensor never saw (a hole or a lost tail). gap / ack events is the loss estimate; it also counts
   * data that the mirror delivers after its ACK, so it is an upper bound on a reordering mirror.
   */
  ackEvents: number;
  ackedBytes: number;
  ackGapEvents: number;
  ackGapBytes: number;
  /** Flows closed that carried payload, and those of them seen in one direction only (half a mirror). */
  flowsClosedWithData: number;
  flowsOneSided: number;
}

/** What a flow did, reported when it closes (like a Zeek conn.log row). */
export interface FlowSummary {
  id: string;
  orig: string;
  resp: string;
  vlanIds: readonly number[];
  tunnels: readonly string[];
  firstTs: number;
  lastTs: number;
  sawSyn: boolean;
  closeReason: EndReason;
  origPackets: number;
  respPackets: number;
  /** Payload bytes in packets, retransmissions included. */
  origBytes: number;
  respBytes: number;
  /** Stream bytes covered (delivered or declared lost), as Zeek's orig_bytes / resp_bytes. */
  origStreamBytes: number;
  respStreamBytes: number;
  origGapBytes: number;
  respGapBytes: number;
}

function endpoint(ip: string, port: number, v: 4 | 6): string {
  return v === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function flowSummary(flow: Flow, reason: EndReason): FlowSummary {
  const [o, r] = flow.dirs;
  return {
    id: flow.id,
    orig: endpoint(flow.origIp, flow.origPort, flow.ipVersion),
    resp: endpoint(flow.respIp, flow.respPort, flow.ipVersion),
    vlanIds: flow.vlanIds,
    tunnels: flow.tunnels,
    firstTs: flow.firstTs,
    lastTs: flow.lastTs,
    sawSyn: flow.sawSyn,
    closeReason: reason,
    origPackets: o.packets,
    respPackets: r.packets,
    origBytes: o.payloadBytes,
    respBytes: r.payloadBytes,
    origStreamBytes: o.nextOffset,
    respStreamBytes: r.nextOffset,
    origGapBytes: o.gapBytes,
    respGapBytes: r.gapBytes,
  };
}

/** The stats of a reassembler that has seen nothing yet. */
export function newReassemblyStats(): ReassemblyStats {
  return {
    packets: 0,
    flowsCreated: 0,
    flowsActive: 0,
    bytesDelivered: 0,
    gaps: 0,
    gapBytes: 0,
    retransmittedBytes: 0,
    outOfOrderSegments: 0,
    bufferedBytes: 0,
    ackEvents: 0,
    ackedBytes: 0,
    ackGapEvents: 0,
    ackGapBytes: 0,
    flowsClosedWithData: 0,
    flowsOneSided: 0,
  };
}
