// The capture stage's view of the libpcap addon: the handle that opens files and interfaces. The
// loader itself is core/native-addon.ts, shared with the stages that only send datagrams.
import { loadNativeAddon, type NativeAddon } from '../core/native-addon';
import type { CaptureStats, SourceInfo } from './types';

export interface LiveOptions {
  iface: string;
  snaplen: number;
  promisc: boolean;
  bufferSize: number;
  timeoutMs: number;
  immediate: boolean;
  filter: string;
}

export interface NativeCaptureHandle {
  openOffline(path: string, filter?: string): SourceInfo;
  openLive(options: LiveOptions): SourceInfo & { warning?: string };
  /** Packets copied into `buffer`, or -1 at end of file. */
  readInto(buffer: Buffer): number;
  startPolling(buffer: Buffer, onBatch: (count: number) => void, onError: (err: Error) => void): void;
  stats(): CaptureStats;
  close(): void;
}

/** The addon as capture sees it: the generic parts plus the capture handle class. */
interface CaptureAddon extends NativeAddon {
  CaptureHandle: new () => NativeCaptureHandle;
}

export function loadNative(): CaptureAddon {
  return loadNativeAddon<CaptureAddon>();
}
