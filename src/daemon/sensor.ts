// Composition root (DESIGN §1): one pipeline fed by any PacketSource, so `run` (live) and `replay`
// (files) produce the same records for the same traffic:
// capture → decode → TCP reassembly → HTTP transactions → listeners (inventory, detectors, outputs).
import { forEachFrame } from '../capture/batch';
import type { PacketSource, SourceResult } from '../capture/source';
import { RawFrame } from '../capture/types';
import type { TapwatchConfig } from '../config/schema';
import { Counters } from '../core/counters';
import { PacketDecoder } from '../decode/decoder';
import { DecodedPacket, DecodeStatus, Transport } from '../decode/types';
import { HttpAnalyzer } from '../http/analyzer';
import type { CredentialOptions } from '../http/credentials';
import type { HttpTransaction } from '../http/types';
import type { FlowSummary } from '../reassembly/reports';
import { TcpReassembler } from '../reassembly/tcp-reassembler';
import { TrafficSummary } from './traffic-summary';

export type PacketObserver = (pkt: DecodedPacket, status: DecodeStatus) => void;
export type TransactionListener = (tx: HttpTransaction) => void;

export interface HttpTotals {
  transactions: number;
  requests: number;
  responses: number;
}

export class Sensor {
  readonly counters: Counters;
  readonly decoder: PacketDecoder;
  readonly reassembler: TcpReassembler;
  readonly http: HttpAnalyzer;
  readonly summary = new TrafficSummary();
  readonly httpTotals: HttpTotals = { transactions: 0, requests: 0, responses: 0 };
  private readonly frame = new RawFrame();
  private readonly packet = new DecodedPacket();
  private readonly observers: PacketObserver[] = [];
  private readonly txListeners: TransactionListener[] = [];
  private readonly batchEndListeners: (() => void)[] = [];

  /**
   * @param decodeOnly stop after decode (benchmarks of the capture + decode stages alone).
   * @param credentials installation key and names for credential fingerprints (`installationKeyFor`).
   */
  constructor(
    readonly config: Readonly<TapwatchConfig>,
    counters = new Counters(),
    private readonly decodeOnly = false,
    credentials: CredentialOptions = {},
  ) {
    this.counters = counters;
    this.decoder = new PacketDecoder(config.decode, counters);
    this.http = new HttpAnalyzer(config.http, counters, this.emitTransaction, credentials);
    this.reassembler = new TcpReassembler(config.reassembly, counters, this.http);
  }

  /** Called for every packet (decoded or skipped); the packet object is reused afterwards. */
  observe(observer: PacketObserver): void {
    this.observers.push(observer);
  }

  /** Called once per TCP flow when it closes (flow records, like Zeek's conn.log). */
  onFlowClosed(listener: (summary: FlowSummary) => void): void {
    this.reassembler.onFlowClosed = listener;
  }

  /** Called for every HTTP transaction, in the order they complete. */
  onTransaction(listener: TransactionListener): void {
    this.txListeners.push(listener);
  }

  /** Batch callback handed to sources: synchronous, no allocation per packet. */
  readonly handleBatch = (batch: Buffer, count: number, linkType: number): void => {
    forEachFrame(batch, count, linkType, this.frame, this.handleFrame);
    for (let i = 0; i < this.batchEndListeners.length; i++) this.batchEndListeners[i]!();
  };

  /** Called after each capture batch (and after `finish`): the pipeline's hand-off point. */
  onBatchEnd(listener: () => void): void {
    this.batchEndListeners.push(listener);
  }

  private readonly handleFrame = (frame: RawFrame): void => {
    const pkt = this.packet;
    const status = this.decoder.decode(frame, pkt);
    this.summary.record(pkt, status);
    if (status === DecodeStatus.Ok && pkt.transport === Transport.Tcp && !this.decodeOnly) this.reassembler.handle(pkt);
    for (let i = 0; i < this.observers.length; i++) this.observers[i]!(pkt, status);
  };

  private readonly emitTransaction = (tx: HttpTransaction): void => {
    const totals = this.httpTotals;
    totals.transactions++;
    if (tx.method !== null) totals.requests++;
    if (tx.status !== null) totals.responses++;
    for (let i = 0; i < this.txListeners.length; i++) this.txListeners[i]!(tx);
  };

  /** Opens and drains one source through the pipeline. Open errors propagate (CaptureError). */
  async consume(source: PacketSource): Promise<SourceResult> {
    source.open();
    return this.runSource(source);
  }

  /** Drains a source that is already open (run opens first to log what it opened). */
  async runSource(source: PacketSource): Promise<SourceResult> {
    const result = await source.run(this.handleBatch);
    if (result.error) this.counters.inc('capture.read_error');
    return result;
  }

  /** Advance packet time without packets (heartbeat on an idle live link). */
  advanceTime(ts: number): void {
    this.reassembler.advanceTime(ts);
  }

  /** End of input (end of replay, shutdown): flush every flow so pending transactions are reported. */
  finish(): void {
    this.reassembler.closeAll('shutdown');
    for (let i = 0; i < this.batchEndListeners.length; i++) this.batchEndListeners[i]!();
  }
}
