// Keeps live capture running on a mirror port that flaps: when the interface goes down (or its
// handle fails), the source is reopened with exponential backoff until it comes back; a reload with
// new capture settings (BPF filter, snaplen ...) swaps the handle. The flow table lives in the
// Sensor, not in the handle, so neither drops a flow; only the packets of the gap are missed, and
// the kernel-drop counters of every handle add up.
import { LiveSource, liveOptionsFromConfig } from '../capture/live-source';
import { backoffCeilingMs } from '../core/backoff';
import { CaptureError } from '../capture/errors';
import type { SourceInfo, CaptureStats } from '../capture/types';
import type { CaptureConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import type { Logger } from '../core/logger';
import type { Sensor } from './sensor';

export interface ReopenBackoff {
  initialMs: number;
  maxMs: number;
}

/** Errors that no retry fixes: the operator must change the config or the permissions. */
const FATAL_AT_START = new Set(['ERR_PCAP_NO_SUCH_DEVICE', 'ERR_PCAP_PERM_DENIED', 'ERR_PCAP_FILTER', 'ERR_PCAP_ARGS']);

export class CaptureSupervisor {
  private source: LiveSource | null = null;
  /** A handle opened with reloaded settings, taking over from `source`. */
  private pending: LiveSource | null = null;
  private stopping = false;
  private swapping = false;
  private wake: (() => void) | null = null;
  private readonly closedStats: CaptureStats = { received: 0, droppedKernel: 0, droppedInterface: 0 };
  /** True while a handle is open and delivering. */
  open = false;
  info: (SourceInfo & { warning?: string }) | null = null;
  lastError: Error | null = null;
  /** The settings of a handle start() opened: logged as started when run() begins delivering. */
  private unannounced: Readonly<CaptureConfig> | null = null;

  constructor(
    private readonly iface: string,
    private capture: Readonly<CaptureConfig>,
    /** Read at each wait, so a reload changes it. */
    private readonly backoff: () => ReopenBackoff,
    private readonly sensor: Sensor,
    private readonly counters: Counters,
    private readonly log: Logger,
  ) {}

  /**
   * Opens the interface. Throws a CaptureError the operator must fix (no such device, no
   * permission, bad filter); other failures (interface down) are retried by run(). The daemon calls
   * it before opening anything else, so "capture started" is logged by run(), once all is up.
   */
  start(): void {
    try {
      this.openSource(false);
    } catch (err) {
      if (err instanceof CaptureError && FATAL_AT_START.has(err.code)) throw err;
      this.lastError = err as Error;
      this.log.warn({ iface: this.iface, err: (err as Error).message }, 'capture not open yet; retrying');
    }
  }

  /** Delivers packets until stop(), reopening after failures. */
  async run(): Promise<void> {
    if (this.unannounced) this.announce(this.unannounced);
    this.unannounced = null;
    let failures = 0;
    while (!this.stopping) {
      if (!this.source && this.pending) {
        this.source = this.pending;
        this.pending = null;
        this.open = true;
      }
      if (!this.source) {
        try {
          this.openSource();
          failures = 0;
        } catch (err) {
          this.lastError = err as Error;
          failures++;
          this.counters.inc('capture.reopen_failed');
          const delay = this.delayAfter(failures);
          this.log.warn({ iface: this.iface, err: (err as Error).message, retryInMs: delay }, 'cannot open capture; retrying');
          await this.sleep(delay);
          continue;
        }
      }
      const source = this.source as LiveSource;
      const result = await this.sensor.runSource(source);
      this.retire(source);
      if (this.stopping) break;
      if (this.swapping) {
        this.swapping = false;
        continue;
      }
      // the handle failed (interface down, device removed): reopen with backoff
      this.lastError = result.error ?? new Error('capture ended');
      this.counters.inc('capture.handle_lost');
      failures++;
      const delay = this.delayAfter(failures);
      this.log.warn({ iface: this.iface, err: this.lastError.message, retryInMs: delay }, 'capture lost; reopening');
      await this.sleep(delay);
    }
  }

  /**
   * New capture settings from a reload. When they differ, a handle is opened with them first, so a
   * bad filter throws here (the caller keeps the old config) instead of breaking capture; then it
   * takes over from the current handle. An interface that is down is left to the reopen loop.
   */
  reconfigure(capture: Readonly<CaptureConfig>): boolean {
    if (JSON.stringify(capture) === JSON.stringify(this.capture)) return false;
    let next: LiveSource | null = this.makeSource(capture);
    try {
      this.info = next.open();
    } catch (err) {
      if (err instanceof CaptureError && FATAL_AT_START.has(err.code)) throw err;
      next = null; // down right now: the loop opens it with the new settings
    }
    this.capture = capture;
    this.counters.inc('capture.reconfigured');
    this.pending?.stop();
    this.pending = next;
    if (this.source) {
      this.swapping = true;
      this.source.stop();
    } else {
      this.wake?.();
    }
    return true;
  }

  stop(): void {
    this.stopping = true;
    this.pending?.stop();
    this.pending = null;
    this.source?.stop();
    this.wake?.();
  }

  /** libpcap counters summed over every handle this supervisor opened. */
  stats(): CaptureStats | null {
    const live = this.source?.stats() ?? null;
    return {
      received: this.closedStats.received + (live?.received ?? 0),
      droppedKernel: this.closedStats.droppedKernel + (live?.droppedKernel ?? 0),
      droppedInterface: this.closedStats.droppedInterface + (live?.droppedInterface ?? 0),
    };
  }

  private delayAfter(failures: number): number {
    const b = this.backoff();
    return backoffCeilingMs(b.initialMs, b.maxMs, failures);
  }

  private makeSource(c: Readonly<CaptureConfig>): LiveSource {
    return new LiveSource(this.iface, liveOptionsFromConfig(c));
  }

  private openSource(announceNow = true): void {
    const c = this.capture;
    const source = this.makeSource(c);
    this.info = source.open();
    this.source = source;
    this.open = true;
    this.lastError = null;
    if (announceNow) this.announce(c);
    else this.unannounced = c;
  }

  private announce(c: Readonly<CaptureConfig>): void {
    if (!this.info) return;
    if (this.info.warning) this.log.warn({ iface: this.iface, warning: this.info.warning }, 'capture started with a warning');
    this.log.info({ iface: this.iface, linkType: this.info.linkTypeName, snaplen: this.info.snaplen, filter: c.filter }, 'capture started');
  }

  private retire(source: LiveSource): void {
    const s = source.stats();
    if (s) {
      this.closedStats.received += s.received;
      this.closedStats.droppedKernel += s.droppedKernel;
      this.closedStats.droppedInterface += s.droppedInterface;
    }
    if (this.source === source) this.source = null;
    this.open = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
