// Is the mirror port giving us what we need? Evaluated every few seconds on counter deltas, the way an
// operator would read them: both directions of each conversation, little loss (Zeek's capture-loss
// estimate: ACKs for data never seen), HTTP found in the TCP traffic, and not everything encrypted.
// Each problem is a structured warning with what to check; the daemon logs them, /metrics and /readyz
// show them.
import { DecodeStatus, Transport, type DecodedPacket } from '../decode/types';
import type { ReassemblyStats } from '../reassembly/reports';
import type { MirrorHealthConfig } from './config';
import type { HttpTotals, PacketObserver } from './sensor';

export type MirrorWarningKind = 'one-direction' | 'capture-loss' | 'no-http' | 'encrypted';
export const MIRROR_WARNING_KINDS: readonly MirrorWarningKind[] = ['one-direction', 'capture-loss', 'no-http', 'encrypted'];

export interface MirrorWarning {
  readonly kind: MirrorWarningKind;
  /** What is wrong, with the numbers. */
  readonly message: string;
  /** What the operator should check. */
  readonly fix: string;
  readonly evidence: Readonly<Record<string, number>>;
}

/** What the checks read: the Sensor satisfies it. */
export interface MirrorHealthSensor {
  readonly reassembler: { stats(): ReassemblyStats };
  readonly httpTotals: HttpTotals;
  observe(observer: PacketObserver): void;
}

/** The counters of one interval (deltas), also what a check reports as evidence. */
export interface MirrorInterval {
  readonly seconds: number;
  readonly flowsWithData: number;
  readonly flowsOneSided: number;
  readonly ackEvents: number;
  readonly ackGapEvents: number;
  readonly tcpPayloadPackets: number;
  readonly tcpPayloadBytes: number;
  readonly tlsPackets: number;
  readonly httpTransactions: number;
}

interface Totals {
  flowsWithData: number;
  flowsOneSided: number;
  ackEvents: number;
  ackGapEvents: number;
  tcpPayloadPackets: number;
  tcpPayloadBytes: number;
  tlsPackets: number;
  httpTransactions: number;
}

const TLS_PORT = 443;

/** A TLS record header at the start of the payload: content type 20–23, version 3.0–3.4. */
function startsWithTlsRecord(data: Uint8Array, at: number, len: number): boolean {
  if (len < 3) return false;
  const type = data[at]!;
  return type >= 20 && type <= 23 && data[at + 1] === 3 && data[at + 2]! <= 4;
}

function pct(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}

export class MirrorHealth {
  private tcpPayloadPackets = 0;
  private tcpPayloadBytes = 0;
  private tlsPackets = 0;
  private last: Totals;
  private lastAt: number;
  /** Start of the current stretch without HTTP, and the TCP bytes since. */
  private quietSince: number;
  private quietTcpBytes = 0;
  private current: MirrorWarning[] = [];
  private lastInterval: MirrorInterval | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private config: Readonly<MirrorHealthConfig>,
    private readonly sensor: MirrorHealthSensor,
    nowMs = Date.now(),
  ) {
    sensor.observe(this.observePacket);
    this.last = this.totals();
    this.lastAt = nowMs;
    this.quietSince = nowMs;
  }

  /** Per-packet count of TCP payload and TLS-looking payload: plain number fields, no allocation. */
  private readonly observePacket = (pkt: DecodedPacket, status: DecodeStatus): void => {
    if (status !== DecodeStatus.Ok || pkt.transport !== Transport.Tcp || pkt.payloadLength === 0) return;
    this.tcpPayloadPackets++;
    this.tcpPayloadBytes += pkt.payloadLength;
    if (pkt.srcPort === TLS_PORT || pkt.dstPort === TLS_PORT || startsWithTlsRecord(pkt.data, pkt.payloadOffset, pkt.payloadLength)) this.tlsPackets++;
  };

  /** Warnings of the latest check (empty until the first). */
  get warnings(): readonly MirrorWarning[] {
    return this.current;
  }

  /** The counters the latest check judged. */
  get interval(): MirrorInterval | null {
    return this.lastInterval;
  }

  /** Capture loss of the latest interval in percent (gap ACKs per 100 ACKs), null before the first check or without ACKs. */
  get lossPercent(): number | null {
    const i = this.lastInterval;
    return i && i.ackEvents > 0 ? pct(i.ackGapEvents, i.ackEvents) : null;
  }

  /** Thresholds from a reloaded config; the counts carry on. */
  reconfigure(config: Readonly<MirrorHealthConfig>): void {
    this.config = config;
  }

  /** Judges the traffic since the previous call; returns (and keeps) the warnings that apply now. */
  evaluate(nowMs = Date.now()): readonly MirrorWarning[] {
    const now = this.totals();
    const d: MirrorInterval = {
      seconds: Math.max(0, (nowMs - this.lastAt) / 1000),
      flowsWithData: now.flowsWithData - this.last.flowsWithData,
      flowsOneSided: now.flowsOneSided - this.last.flowsOneSided,
      ackEvents: now.ackEvents - this.last.ackEvents,
      ackGapEvents: now.ackGapEvents - this.last.ackGapEvents,
      tcpPayloadPackets: now.tcpPayloadPackets - this.last.tcpPayloadPackets,
      tcpPayloadBytes: now.tcpPayloadBytes - this.last.tcpPayloadBytes,
      tlsPackets: now.tlsPackets - this.last.tlsPackets,
      httpTransactions: now.httpTransactions - this.last.httpTransactions,
    };
    this.last = now;
    this.lastAt = nowMs;
    this.lastInterval = d;
    if (d.httpTransactions > 0) {
      this.quietSince = nowMs;
      this.quietTcpBytes = 0;
    } else {
      this.quietTcpBytes += d.tcpPayloadBytes;
    }
    this.current = this.judge(d, nowMs);
    return this.current;
  }

  /** Evaluates every config.intervalSec and hands each result to `report` (the daemon logs it). */
  start(report: (warnings: readonly MirrorWarning[], interval: MirrorInterval) => void): void {
    this.stop();
    if (!this.config.enabled) return;
    this.timer = setInterval(() => {
      const warnings = this.evaluate();
      if (this.lastInterval) report(warnings, this.lastInterval);
    }, this.config.intervalSec * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private judge(d: MirrorInterval, nowMs: number): MirrorWarning[] {
    const c = this.config;
    const out: MirrorWarning[] = [];
    if (d.flowsWithData >= c.minFlows && d.flowsOneSided / d.flowsWithData > c.maxOneSidedRatio) {
      out.push({
        kind: 'one-direction',
        message: `${d.flowsOneSided} of ${d.flowsWithData} TCP flows with data (${pct(d.flowsOneSided, d.flowsWithData).toFixed(1)}%) were seen in one direction only`,
        fix: 'mirror both directions: SPAN source ports/VLANs with "both" (rx and tx), or a TAP feeding both halves; with asymmetric routing mirror every path of the traffic',
        evidence: { flowsWithData: d.flowsWithData, flowsOneSided: d.flowsOneSided },
      });
    }
    const loss = pct(d.ackGapEvents, d.ackEvents);
    if (d.ackEvents >= c.minAcks && loss > c.maxLossPercent) {
      out.push({
        kind: 'capture-loss',
        message: `estimated capture loss ${loss.toFixed(1)}%: ${d.ackGapEvents} of ${d.ackEvents} TCP ACKs acknowledged data the sensor never saw`,
        fix: 'check the kernel and interface drops (tapwatch_capture_dropped_*), raise capture.bufferSizeBytes, give the sensor more CPU, and check the switch: an oversubscribed SPAN port drops before the sensor',
        evidence: { ackEvents: d.ackEvents, ackGapEvents: d.ackGapEvents, lossPercent: loss },
      });
    }
    const quietSec = (nowMs - this.quietSince) / 1000;
    if (quietSec >= c.noHttpAfterSec && this.quietTcpBytes >= Math.max(1, c.noHttpMinTcpBytes)) {
      out.push({
        kind: 'no-http',
        message: `no HTTP transaction found in ${Math.round(quietSec)} s despite ${this.quietTcpBytes} bytes of TCP payload`,
        fix: 'check that the mirrored traffic carries the API (right VLAN, right SPAN session), that capture.filter does not exclude it, and that HTTP on unusual ports is listed in http.ports',
        evidence: { quietSec, tcpPayloadBytes: this.quietTcpBytes },
      });
    }
    if (d.tcpPayloadPackets >= c.minTcpPackets && d.tlsPackets / d.tcpPayloadPackets > c.maxEncryptedRatio) {
      out.push({
        kind: 'encrypted',
        message: `${pct(d.tlsPackets, d.tcpPayloadPackets).toFixed(1)}% of TCP payload packets are TLS: the API calls inside cannot be read`,
        fix: 'mirror the traffic after TLS termination (between the load balancer / ingress / reverse proxy and the backends), where it is plain HTTP',
        evidence: { tcpPayloadPackets: d.tcpPayloadPackets, tlsPackets: d.tlsPackets },
      });
    }
    return out;
  }

  private totals(): Totals {
    const r = this.sensor.reassembler.stats();
    return {
      flowsWithData: r.flowsClosedWithData,
      flowsOneSided: r.flowsOneSided,
      ackEvents: r.ackEvents,
      ackGapEvents: r.ackGapEvents,
      tcpPayloadPackets: this.tcpPayloadPackets,
      tcpPayloadBytes: this.tcpPayloadBytes,
      tlsPackets: this.tlsPackets,
      httpTransactions: this.sensor.httpTotals.transactions,
    };
  }
}
