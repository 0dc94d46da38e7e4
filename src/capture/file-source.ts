// Capture files (pcap, pcapng, nanosecond pcap, gzip, "-" for stdin) read through the addon in
// batches, yielding to the event loop between batches so signals and timers still run.
import { loadNative, type NativeCaptureHandle } from './native-binding';
import { CaptureError, toCaptureError } from './errors';
import type { PacketSource, SourceResult } from './source';
import type { BatchHandler, CaptureStats, SourceInfo } from './types';

export interface FileSourceOptions {
  filter: string;
  batchBytes: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FileSource implements PacketSource {
  private handle: NativeCaptureHandle | null = null;
  private info: SourceInfo | null = null;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly options: FileSourceOptions,
  ) {}

  open(): SourceInfo {
    const { CaptureHandle } = loadNative();
    const handle = new CaptureHandle();
    try {
      this.info = handle.openOffline(this.name, this.options.filter);
    } catch (err) {
      handle.close();
      throw toCaptureError(err);
    }
    this.handle = handle;
    return this.info;
  }

  async run(onBatch: BatchHandler): Promise<SourceResult> {
    const handle = this.handle;
    const info = this.info;
    if (!handle || !info) throw new CaptureError('ERR_PCAP_STATE', `${this.name}: open() before run()`);
    const buffer = Buffer.allocUnsafe(this.options.batchBytes);
    const result: SourceResult = { packets: 0, batches: 0 };
    try {
      while (!this.stopped) {
        let count: number;
        try {
          count = handle.readInto(buffer);
        } catch (err) {
          result.error = toCaptureError(err);
          break;
        }
        if (count < 0) break;
        if (count > 0) {
          result.packets += count;
          result.batches += 1;
          onBatch(buffer, count, info.linkType);
        }
        await yieldToEventLoop();
      }
    } finally {
      this.close();
    }
    return result;
  }

  stop(): void {
    this.stopped = true;
  }

  stats(): CaptureStats | null {
    return null;
  }

  private close(): void {
    this.handle?.close();
    this.handle = null;
  }
}
