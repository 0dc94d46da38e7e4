// Loads the libpcap addon built by node-gyp into native/build. Kept in one place so a missing build
// gives one clear message instead of a stack trace from deep inside a stage. In core/ because more
// than capture uses it: syslog's unix-dgram transport and systemd notify send datagrams through it.
import path from 'node:path';

/** The parts of the addon any stage may call; capture adds the typed handle (capture/native-binding.ts). */
export interface NativeAddon {
  libVersion(): string;
  /** One datagram to an AF_UNIX socket ('@name' = abstract namespace); never blocks; throws with errno text and `code`. */
  sendUnixDatagram(path: string, data: Buffer): void;
  recordHeaderBytes: number;
}

let cached: NativeAddon | undefined;

/** The addon, loaded once; `Addon` lets a stage declare the richer slice it uses (the module is untyped). */
export function loadNativeAddon<Addon extends NativeAddon = NativeAddon>(): Addon {
  if (!cached) {
    // dist/core/ -> <package>/native/build
    const addonPath = path.resolve(__dirname, '../../native/build/Release/tapwatch_pcap.node');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(addonPath) as NativeAddon;
    } catch (err) {
      throw new Error(
        `the libpcap capture addon is not built (${addonPath}): run 'npm ci' with libpcap-dev installed. ` +
          `Cause: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return cached as Addon;
}
