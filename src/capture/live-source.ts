// Live capture on an interface: the addon watches libpcap's selectable fd through libuv and calls
// back once per batch. stop() closes the handle, which releases the event loop.
import { loadNative, type LiveOptions, type NativeCaptureHandle } from './native-binding';
import { CaptureError, toCaptureError } from './errors';
import type { PacketSource, SourceResult } from './source';
import type { CaptureConfig } from './config';
import type { BatchHandler, CaptureStats, SourceInfo } from './types';

export interface LiveSourceOptions extends Omit<LiveOptions, 'iface'> {
  batchBytes: number;
}

/** The live-capture options of the `capture` config section. */
export function liveOptionsFromConfig(c: Readonly<CaptureConfig>): LiveSourceOptions {
  return {
    snaplen: c.snaplen,
    promisc: c.promisc,
    bufferSize: c.bufferSizeBytes,
    timeoutMs: c.timeoutMs,
    immediate: c.immediate,
    filter: c.filter,
    batchBytes: c.batchBytes,
  };
}

export class LiveSource implements PacketSource {
  private handle: NativeCaptureHandle | null = null;
  private info: (SourceInfo & { warning?: string }) | null = null;
  private finish: ((result: SourceResult) => void) | null = null;
  private readonly result: SourceResult = { packets: 0, batches: 0 };
  private lastStats: CaptureStats | null = null;

  constructor(
    readonly name: string,
    private readonly options: LiveSourceOptions,
  ) {}

  open(): SourceInfo & { warning?: string } {
    const { CaptureHandle } = loadNative();
    const handle = new CaptureHandle();
    const { batchBytes: _batchBytes, ...live } = this.options;
    try {
      this.info = handle.openLive({ ...live, iface: this.name });
    } catch (err) {
      handle.close();
      throw toCaptureError(err);
    }
    this.handle = handle;
    return this.info;
  }

  run(onBatch: BatchHandler): Promise<SourceResult> {
    const handle = this.handle;
    const info = this.info;
    if (!handle || !info) return Promise.reject(new CaptureError('ERR_PCAP_STATE', `${this.name}: open() before run()`));
    const buffer = Buffer.allocUnsafe(this.options.batchBytes);
    return new Promise<SourceResult>((resolve) => {
      this.finish = resolve;
      handle.startPolling(
        buffer,
        (count) => {
          this.result.packets += count;
          this.result.batches += 1;
          onBatch(buffer, count, info.linkType);
        },
        (err) => {
          this.result.error = toCaptureError(err);
          this.stop();
        },
      );
    });
  }

  stop(): void {
    if (this.handle) {
      try {
        this.lastStats = this.handle.stats();
      } catch {
        // stats are best effort at shutdown; the handle is closed either way
      }
      this.handle.close();
      this.handle = null;
    }
    const finish = this.finish;
    this.finish = null;
    finish?.(this.result);
  }

  stats(): CaptureStats | null {
    if (!this.handle) return this.lastStats;
    try {
      this.lastStats = this.handle.stats();
    } catch {
      // keep the last good reading
    }
    return this.lastStats;
  }
}
