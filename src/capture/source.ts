// The capture source interface shared by live interfaces and capture files, so `run` and `replay`
// drive the very same pipeline (DESIGN §1).
import type { BatchHandler, CaptureStats, SourceInfo } from './types';

export interface SourceResult {
  packets: number;
  batches: number;
  /** A read error that ended the source early (e.g. a truncated file); packets before it were delivered. */
  error?: Error;
}

export interface PacketSource {
  /** Human-readable name: file path or interface. */
  readonly name: string;
  /** Opens the handle; throws CaptureError (bad file, no such device, bad filter ...). */
  open(): SourceInfo;
  /** Delivers batches until end of file or stop(). */
  run(onBatch: BatchHandler): Promise<SourceResult>;
  stop(): void;
  /** libpcap's counters for live sources; null for files. */
  stats(): CaptureStats | null;
}
