// Composition root (DESIGN §1): one pipeline fed by any PacketSource, so `run` (live) and `replay`
// (files) produce the same records for the same traffic. Stages after decode attach here as they land.
import { forEachFrame } from '../capture/batch';
import type { PacketSource, SourceResult } from '../capture/source';
import { RawFrame } from '../capture/types';
import type { TapwatchConfig } from '../config/schema';
import { Counters } from '../core/counters';
import { PacketDecoder } from '../decode/decoder';
import { DecodedPacket, DecodeStatus } from '../decode/types';
import { TrafficSummary } from './traffic-summary';

export type PacketObserver = (pkt: DecodedPacket, status: DecodeStatus) => void;

export class Sensor {
  readonly counters: Counters;
  readonly decoder: PacketDecoder;
  readonly summary = new TrafficSummary();
  private readonly frame = new RawFrame();
  private readonly packet = new DecodedPacket();
  private readonly observers: PacketObserver[] = [];

  constructor(
    readonly config: Readonly<TapwatchConfig>,
    counters = new Counters(),
  ) {
    this.counters = counters;
    this.decoder = new PacketDecoder(config.decode, counters);
  }

  /** Called for every packet (decoded or skipped); the packet object is reused afterwards. */
  observe(observer: PacketObserver): void {
    this.observers.push(observer);
  }

  /** Batch callback handed to sources: synchronous, no allocation per packet. */
  readonly handleBatch = (batch: Buffer, count: number, linkType: number): void => {
    forEachFrame(batch, count, linkType, this.frame, this.handleFrame);
  };

  private readonly handleFrame = (frame: RawFrame): void => {
    const pkt = this.packet;
    const status = this.decoder.decode(frame, pkt);
    this.summary.record(pkt, status);
    for (let i = 0; i < this.observers.length; i++) this.observers[i]!(pkt, status);
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
}
