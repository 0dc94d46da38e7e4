// Loads the libpcap addon built by node-gyp into native/build. Kept in one place so a missing build
// gives one clear message instead of a stack trace from deep inside a source.
import path from 'node:path';
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

interface NativeModule {
  CaptureHandle: new () => NativeCaptureHandle;
  libVersion(): string;
  /** One datagram to an AF_UNIX socket ('@name' = abstract namespace); never blocks; throws with errno text and `code`. */
  sendUnixDatagram(path: string, data: Buffer): void;
  recordHeaderBytes: number;
}

let cached: NativeModule | undefined;

export function loadNative(): NativeModule {
  if (cached) return cached;
  const addonPath = path.resolve(__dirname, '../../native/build/Release/tapwatch_pcap.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require(addonPath) as NativeModule;
  } catch (err) {
    throw new Error(
      `the libpcap capture addon is not built (${addonPath}): run 'npm ci' with libpcap-dev installed. ` +
        `Cause: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return cached;
}
