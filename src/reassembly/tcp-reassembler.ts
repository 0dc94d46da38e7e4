// TCP reassembly on packet time (DESIGN §1, §5): decoded TCP packets in, ordered stream data, gaps
// and ends out to a StreamConsumer. Policy, documented once: the first copy of any byte wins
// (retransmissions and overlaps never replace data already delivered or buffered). Missing data
// becomes an explicit gap when the peer has acknowledged past the hole, when a buffer bound is hit,
// or when the direction ends; then delivery carries on after it.
// Over 400 lines on purpose: it is one state machine, per flow and per direction (open, established,
// closed and RST-continued flows; in-order delivery, buffering ahead of a hole, gaps, ends) that
// every packet drives through handle → onAck / onSegment → accept → buffer / deliver / drain /
// skipTo. Those steps share the flow table, the byte budget and the stats, and this is the
// per-packet hot path: moving them out would make that state public or add a hop per packet. What is
// not part of the machine (the stats' shape, the summary of a closed flow) lives in reports.ts.
import type { ReassemblyConfig } from './config';
import type { Counters } from '../core/counters';
import { ipToString } from '../core/ip';
import { TcpFlag, TUNNEL_KIND_NAMES, type DecodedPacket } from '../decode/types';
import { ByteBudget } from './byte-budget';
import { Flow, FlowState } from './flow';
import { computeFlowKey, hashKey, KEY_WORDS } from './flow-key';
import { FlowIdGenerator } from './flow-id';
import { FlowTable } from './flow-table';
import { flowSummary, newReassemblyStats, type FlowSummary, type ReassemblyStats } from './reports';
import type { Segment, TcpDirection } from './tcp-direction';
import type { Direction, EndReason, StreamConsumer } from './types';

/** How often (packet-time seconds) timeouts are checked. */
const SWEEP_INTERVAL_SEC = 1;
/** Above this share of maxFlows, emergency timeouts apply. */
const EMERGENCY_FILL = 0.9;

export class TcpReassembler {
  /** Called once per flow when it closes (set by the composition root when flow records are wanted). */
  onFlowClosed: ((summary: FlowSummary) => void) | null = null;

  private readonly table = new FlowTable();
  private readonly budget: ByteBudget;
  private readonly ids: FlowIdGenerator;
  private readonly scratchKey = new Uint32Array(KEY_WORDS);
  private now = 0;
  private nextSweep = 0;
  private readonly stat: ReassemblyStats = newReassemblyStats();

  constructor(
    private readonly config: Readonly<ReassemblyConfig>,
    private readonly counters: Counters,
    private readonly consumer: StreamConsumer,
  ) {
    this.budget = new ByteBudget(config.globalBufferBytes);
    this.ids = new FlowIdGenerator(config.flowIdSeed);
  }

  stats(): ReassemblyStats {
    return { ...this.stat, flowsActive: this.table.size, bufferedBytes: this.budget.used };
  }

  /** Feed one decoded TCP packet (the caller filters on transport). */
  handle(pkt: DecodedPacket): void {
    const ts = pkt.tsSec + pkt.tsNsec * 1e-9;
    this.advanceTime(ts);
    this.stat.packets++;
    const key = this.scratchKey;
    const srcIsA = computeFlowKey(pkt, key, this.config.separateByEncapsulation);
    const hash = hashKey(key);
    const flags = pkt.tcpFlags;
    const syn = (flags & TcpFlag.Syn) !== 0;
    const ack = (flags & TcpFlag.Ack) !== 0;
    const rst = (flags & TcpFlag.Rst) !== 0;

    let flow = this.table.lookup(key, hash);
    // A fresh SYN on a finished connection is a new connection reusing the ports.
    if (flow && flow.state === FlowState.Closed && syn && !ack) {
      this.closeFlow(flow, flow.closeReason ?? 'fin', ts);
      flow = null;
    }
    if (!flow) {
      // Only a SYN or data opens a flow: a stray ACK, FIN or RST (often a straggler of a flow
      // already gone) would only make an empty flow.
      if (!syn && pkt.payloadLength === 0) {
        this.counters.inc('reassembly.packets_without_flow');
        return;
      }
      flow = this.createFlow(pkt, key, hash, srcIsA, syn, ack, ts);
    }
    const dirIdx: Direction = srcIsA === flow.origIsA ? 0 : 1;
    const dir = flow.dirs[dirIdx];
    const other = flow.dirs[dirIdx === 0 ? 1 : 0];
    dir.packets++;
    dir.payloadBytes += pkt.payloadLength;

    let state = flow.state;
    if (state === FlowState.New && !syn && (ack || pkt.payloadLength > 0)) state = FlowState.Established;
    // After an RST the connection may still go on (a forged or ignored RST: evasion); inspection
    // resumes when new data or a SYN-ACK shows it did.
    if (state === FlowState.Closed && flow.closeReason === 'rst' && this.continuesAfterRst(dir, pkt, syn, ack)) {
      this.counters.inc('reassembly.rst.continued');
      flow.closeReason = null;
      state = FlowState.Established;
    }
    this.table.touch(flow, ts, state);
    if (flow.state === FlowState.Closed) {
      if (pkt.payloadLength > 0) this.counters.inc('reassembly.data_after_close');
      return;
    }

    // The peer acknowledging bytes we never saw proves them lost (a hole, or a lost tail before FIN).
    if (ack && other.started && !other.ended) this.onAck(flow, dirIdx === 0 ? 1 : 0, other, pkt.tcpAck, ts);
    this.onSegment(flow, dirIdx, dir, pkt, syn, ts);

    if (rst) {
      // Not final yet: the flow is flushed and ended when the closed timeout passes without the
      // connection going on (see continuesAfterRst).
      flow.closeReason = 'rst';
      this.table.touch(flow, ts, FlowState.Closed);
    } else if (flow.dirs[0].ended && flow.dirs[1].ended && flow.closeReason === null) {
      // A clean close is final: the analyzer is told now (freeing its state); the light flow record
      // stays for the closed timeout only to absorb stragglers (last ACKs, retransmitted FINs).
      flow.closeReason = 'fin';
      this.table.touch(flow, ts, FlowState.Closed);
      this.notifyClose(flow, 'fin', ts);
    }
  }

  /** Advance packet time (also from a heartbeat on an idle live link): expires idle flows. */
  advanceTime(ts: number): void {
    if (ts > this.now) this.now = ts;
    if (this.now < this.nextSweep) return;
    this.nextSweep = this.now + SWEEP_INTERVAL_SEC;
    const c = this.config;
    const emergency = this.table.size > c.maxFlows * EMERGENCY_FILL;
    if (emergency) this.counters.inc('reassembly.flows.emergency_sweeps');
    this.expireList(FlowState.New, emergency ? c.emergencyTimeoutNewSec : c.timeoutNewSec);
    this.expireList(FlowState.Established, emergency ? c.emergencyTimeoutEstablishedSec : c.timeoutEstablishedSec);
    this.expireList(FlowState.Closed, emergency ? c.emergencyTimeoutClosedSec : c.timeoutClosedSec);
  }

  /** End every flow (end of replay, shutdown): buffered data is delivered with its gaps. */
  closeAll(reason: EndReason = 'shutdown'): void {
    for (const state of [FlowState.Closed, FlowState.New, FlowState.Established] as const) {
      for (let f = this.table.lists[state].head; f !== null; f = this.table.lists[state].head) {
        this.closeFlow(f, state === FlowState.Closed ? (f.closeReason ?? reason) : reason, this.now);
      }
    }
  }

  private expireList(state: FlowState, timeoutSec: number): void {
    const list = this.table.lists[state];
    for (let f = list.head; f !== null && f.lastTs + timeoutSec <= this.now; f = list.head) {
      this.counters.inc('reassembly.flows.timeout');
      this.closeFlow(f, state === FlowState.Closed ? (f.closeReason ?? 'timeout') : 'timeout', this.now);
    }
  }

  private createFlow(pkt: DecodedPacket, key: Uint32Array, hash: number, srcIsA: boolean, syn: boolean, ack: boolean, ts: number): Flow {
    if (this.table.size >= this.config.maxFlows) {
      const victim = this.table.evictionCandidate();
      if (victim) {
        this.counters.inc('reassembly.flows.evicted');
        this.closeFlow(victim, 'evicted', ts);
      }
    }
    // Who is the originator: the SYN sender; the SYN-ACK's receiver; mid-stream, the higher port.
    let srcIsOrig: boolean;
    if (syn) srcIsOrig = !ack;
    else srcIsOrig = pkt.srcPort > pkt.dstPort || (pkt.srcPort === pkt.dstPort && srcIsA);
    const v = pkt.ipVersion === 6 ? 6 : 4;
    const srcIp = ipToString(v, pkt.srcIp);
    const dstIp = ipToString(v, pkt.dstIp);
    const tunnels: string[] = [];
    for (let i = 0; i < pkt.tunnelCount; i++) {
      const t = pkt.tunnels[i]!;
      tunnels.push(`${TUNNEL_KIND_NAMES[t.kind] ?? 'tunnel'}:${t.id}`);
    }
    const flow = new Flow(
      this.ids.next(),
      v,
      srcIsOrig ? srcIp : dstIp,
      srcIsOrig ? pkt.srcPort : pkt.dstPort,
      srcIsOrig ? dstIp : srcIp,
      srcIsOrig ? pkt.dstPort : pkt.srcPort,
      Array.from(pkt.vlanIds.subarray(0, pkt.vlanCount)),
      tunnels,
      syn && !ack,
      ts,
    );
    flow.key.set(key);
    flow.hash = hash;
    flow.origIsA = srcIsOrig === srcIsA;
    flow.state = syn && !ack ? FlowState.New : FlowState.Established;
    flow.lastTs = ts;
    this.table.insert(flow);
    this.stat.flowsCreated++;
    if (!syn) this.counters.inc('reassembly.flows.midstream');
    return flow;
  }

  /** New payload, or a SYN-ACK, after an RST: the peer did not take the RST as the end. */
  private continuesAfterRst(dir: TcpDirection, pkt: DecodedPacket, syn: boolean, ack: boolean): boolean {
    if (syn) return ack;
    if (pkt.payloadLength === 0 || (pkt.tcpFlags & TcpFlag.Rst) !== 0) return false;
    return !dir.started || dir.offsetOf(pkt.tcpSeq) + pkt.payloadLength > dir.nextOffset;
  }

  private onAck(flow: Flow, idx: Direction, dir: TcpDirection, ackSeq: number, ts: number): void {
    const acked = dir.offsetOf(ackSeq);
    if (acked <= dir.ackedOffset) return;
    this.countAck(dir, dir.ackedOffset, acked);
    dir.ackedOffset = acked;
    const first = dir.segments[0];
    if (first && acked >= first.offset && first.offset > dir.nextOffset) {
      this.skipTo(flow, idx, dir, first.offset, ts);
      this.drain(flow, idx, dir, ts);
    }
    // ACK of a FIN whose preceding data we lost.
    if (dir.finOffset >= 0 && acked > dir.finOffset && dir.nextOffset < dir.finOffset) {
      this.endDirection(flow, idx, 'fin', ts);
    }
  }

  /** Zeek's ack / gap events: the newly acknowledged range [from, to) and the part of it never seen. */
  private countAck(dir: TcpDirection, previous: number, acked: number): void {
    // The FIN takes a sequence number but no byte; the ACK of the SYN alone covers nothing.
    const to = dir.finOffset >= 0 && acked > dir.finOffset ? dir.finOffset : acked;
    const from = previous > 0 ? previous : 0;
    if (to <= from) return;
    const stat = this.stat;
    stat.ackEvents++;
    stat.ackedBytes += to - from;
    const holeFrom = from > dir.nextOffset ? from : dir.nextOffset;
    if (to <= holeFrom) return;
    let missing = to - holeFrom;
    const segs = dir.segments;
    for (let i = dir.firstEndingAfter(holeFrom); i < segs.length; i++) {
      const s = segs[i]!;
      if (s.offset >= to) break;
      const sEnd = s.offset + s.data.length;
      missing -= (sEnd < to ? sEnd : to) - (s.offset > holeFrom ? s.offset : holeFrom);
    }
    if (missing > 0) {
      stat.ackGapEvents++;
      stat.ackGapBytes += missing;
    }
  }

  private onSegment(flow: Flow, idx: Direction, dir: TcpDirection, pkt: DecodedPacket, syn: boolean, ts: number): void {
    const fin = (pkt.tcpFlags & TcpFlag.Fin) !== 0;
    const len = pkt.payloadLength;
    if (!dir.started) {
      if (syn) {
        dir.baseSeq = (pkt.tcpSeq + 1) >>> 0;
        dir.sawSyn = true;
      } else if (len > 0) {
        dir.baseSeq = pkt.tcpSeq;
      } else {
        // A bare FIN/RST/ACK cannot open a direction: a forged FIN before the SYN-ACK must not end it.
        return;
      }
      dir.started = true;
    } else if (syn && dir.nextOffset === 0 && dir.segments.length === 0) {
      // Retransmitted SYN, possibly with a new ISN before any data: take the latest.
      dir.baseSeq = (pkt.tcpSeq + 1) >>> 0;
    }
    if (dir.ended) {
      if (len > 0) this.counters.inc('reassembly.data_after_end');
      return;
    }
    const offset = dir.offsetOf(syn ? (pkt.tcpSeq + 1) >>> 0 : pkt.tcpSeq);
    if (len > 0 && !flow.appStopped) this.accept(flow, idx, dir, offset, pkt.data, pkt.payloadOffset, len, ts);
    else if (len > 0 && offset + len > dir.nextOffset) dir.nextOffset = offset + len;
    if (fin && dir.finOffset < 0) dir.finOffset = offset + len;
    if (dir.finOffset >= 0 && dir.nextOffset >= dir.finOffset) this.endDirection(flow, idx, 'fin', ts);
  }

  /** Place payload bytes at `offset`: deliver in order, buffer ahead of a hole, or give the hole up. */
  private accept(flow: Flow, idx: Direction, dir: TcpDirection, offset: number, data: Uint8Array, start: number, len: number, ts: number): void {
    const end = offset + len;
    for (;;) {
      if (end <= dir.nextOffset) {
        this.stat.retransmittedBytes += len;
        return;
      }
      if (offset <= dir.nextOffset) {
        const skip = dir.nextOffset - offset;
        if (skip > 0) this.stat.retransmittedBytes += skip;
        this.deliver(flow, idx, dir, data, start + skip, len - skip, ts);
        this.drain(flow, idx, dir, ts);
        return;
      }
      // Ahead of a hole. Already acknowledged by the peer: the hole is lost for good.
      if (dir.ackedOffset >= offset) {
        this.skipTo(flow, idx, dir, offset, ts);
        continue;
      }
      if (this.buffer(dir, offset, data, start, len)) return;
      // A bound was hit: give up the first hole and try again (always progresses).
      const first = dir.segments[0];
      this.skipTo(flow, idx, dir, first && first.offset < offset ? first.offset : offset, ts);
      this.drain(flow, idx, dir, ts);
    }
  }

  /** Stores the parts of [offset, offset+len) not already buffered. False when a bound forbids it. */
  private buffer(dir: TcpDirection, offset: number, data: Uint8Array, start: number, len: number): boolean {
    const end = offset + len;
    const segs = dir.segments;
    const pieces: number[] = [];
    let cur = offset;
    for (let i = dir.firstEndingAfter(offset); i < segs.length && cur < end; i++) {
      const s = segs[i]!;
      const sEnd = s.offset + s.data.length;
      if (s.offset >= end) break;
      if (s.offset > cur) pieces.push(cur, s.offset);
      if (this.overlapDiffers(s, data, start - offset, Math.max(cur, s.offset), Math.min(end, sEnd))) {
        this.counters.inc('reassembly.overlap.inconsistent');
      }
      cur = Math.max(cur, sEnd);
    }
    if (cur < end) pieces.push(cur, end);
    if (pieces.length === 0) {
      this.stat.retransmittedBytes += len;
      return true;
    }
    let bytes = 0;
    for (let i = 0; i < pieces.length; i += 2) bytes += pieces[i + 1]! - pieces[i]!;
    if (dir.bufferedBytes + bytes > this.config.maxOutOfOrderBytes) {
      this.counters.inc('reassembly.ooo.bytes_limit');
      return false;
    }
    if (segs.length + pieces.length / 2 > this.config.maxOutOfOrderSegments) {
      this.counters.inc('reassembly.ooo.segments_limit');
      return false;
    }
    if (!this.budget.tryReserve(bytes)) {
      this.counters.inc('reassembly.budget.exhausted');
      return false;
    }
    for (let i = 0; i < pieces.length; i += 2) {
      const from = pieces[i]!;
      const to = pieces[i + 1]!;
      const copy = Buffer.allocUnsafe(to - from);
      copy.set(data.subarray(start + (from - offset), start + (to - offset)));
      segs.splice(dir.firstEndingAfter(from), 0, { offset: from, data: copy });
    }
    dir.bufferedBytes += bytes;
    this.stat.outOfOrderSegments++;
    return true;
  }

  private overlapDiffers(s: Segment, data: Uint8Array, dataShift: number, from: number, to: number): boolean {
    for (let o = from; o < to; o++) if (s.data[o - s.offset] !== data[o + dataShift]) return true;
    return false;
  }

  /** Deliver bytes that start at or before nextOffset (caller trimmed them to start exactly there). */
  private deliver(flow: Flow, idx: Direction, dir: TcpDirection, data: Uint8Array, start: number, len: number, ts: number): void {
    const offset = dir.nextOffset;
    dir.nextOffset += len;
    if (flow.appStopped) return;
    this.stat.bytesDelivered += len;
    if (!this.consumer.onData(flow, idx, data, start, len, offset, ts)) this.stopFlow(flow);
  }

  /** Deliver buffered pieces that have become contiguous. */
  private drain(flow: Flow, idx: Direction, dir: TcpDirection, ts: number): void {
    const segs = dir.segments;
    while (segs.length > 0 && segs[0]!.offset <= dir.nextOffset) {
      const s = segs.shift()!;
      this.releaseSegment(dir, s);
      const sEnd = s.offset + s.data.length;
      if (sEnd > dir.nextOffset) {
        const skip = dir.nextOffset - s.offset;
        this.deliver(flow, idx, dir, s.data, skip, s.data.length - skip, ts);
      }
    }
  }

  /** Declare [nextOffset, offset) lost and move past it. */
  private skipTo(flow: Flow, idx: Direction, dir: TcpDirection, offset: number, ts: number): void {
    if (offset <= dir.nextOffset) return;
    const length = offset - dir.nextOffset;
    const at = dir.nextOffset;
    dir.nextOffset = offset;
    dir.gapBytes += length;
    this.stat.gaps++;
    this.stat.gapBytes += length;
    if (!flow.appStopped) this.consumer.onGap(flow, idx, at, length, ts);
  }

  private releaseSegment(dir: TcpDirection, s: Segment): void {
    dir.bufferedBytes -= s.data.length;
    this.budget.release(s.data.length);
  }

  /** Flush what is buffered (with the gaps between), account for a lost tail, and end the direction. */
  private endDirection(flow: Flow, idx: Direction, reason: EndReason, ts: number): void {
    const dir = flow.dirs[idx];
    if (dir.ended) return;
    while (dir.segments.length > 0) {
      const first = dir.segments[0]!;
      this.skipTo(flow, idx, dir, first.offset, ts);
      this.drain(flow, idx, dir, ts);
    }
    if (dir.finOffset > dir.nextOffset) this.skipTo(flow, idx, dir, dir.finOffset, ts);
    dir.ended = true;
    this.consumer.onEnd(flow, idx, reason, ts);
  }

  /** The analyzer declined the flow: free its buffers; later data is only counted. */
  private stopFlow(flow: Flow): void {
    flow.appStopped = true;
    for (const dir of flow.dirs) {
      for (const s of dir.segments) this.releaseSegment(dir, s);
      dir.segments.length = 0;
    }
  }

  private closeFlow(flow: Flow, reason: EndReason, ts: number): void {
    this.endDirection(flow, 0, reason, ts);
    this.endDirection(flow, 1, reason, ts);
    this.table.remove(flow);
    this.notifyClose(flow, reason, ts);
  }

  private notifyClose(flow: Flow, reason: EndReason, ts: number): void {
    if (flow.closeNotified) return;
    flow.closeNotified = true;
    const [o, r] = flow.dirs;
    if (o.payloadBytes + r.payloadBytes > 0) {
      this.stat.flowsClosedWithData++;
      if (o.packets === 0 || r.packets === 0) this.stat.flowsOneSided++;
    }
    if (this.onFlowClosed) this.onFlowClosed(flowSummary(flow, reason));
    this.counters.inc(`reassembly.flows.closed.${reason}`);
    this.consumer.onClose(flow, reason, ts);
    flow.app = null;
  }
}
