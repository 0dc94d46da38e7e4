// systemd's sd_notify protocol without libsystemd: newline-separated VAR=value assignments sent as one
// datagram to the AF_UNIX socket named by $NOTIFY_SOCKET ('@' = abstract namespace). Everything is a
// no-op outside a Type=notify service, so the daemon calls it unconditionally.
import type { Counters } from '../core/counters';
import { loadNativeAddon } from '../core/native-addon';

export interface SystemdNotifierOptions {
  /** Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** This process's PID, matched against WATCHDOG_PID (default: process.pid). */
  pid?: number;
  /** A notification could not be sent; the daemon keeps running and systemd judges by what it got. */
  onError?: (err: Error, state: string) => void;
  /** Counts `systemd.notify.sent`, `systemd.notify.errors` and `systemd.watchdog.pings`. */
  counters?: Counters;
}

/**
 * The keep-alive interval systemd asks of this process: half of WATCHDOG_USEC, in milliseconds, or
 * undefined when no watchdog is armed for it (unset or invalid WATCHDOG_USEC, WATCHDOG_PID naming
 * another process).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usecText = env['WATCHDOG_USEC'];
  if (usecText === undefined || !/^[0-9]+$/.test(usecText)) return undefined;
  const usec = Number(usecText);
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  const pidText = env['WATCHDOG_PID'];
  if (pidText !== undefined && pidText !== '' && pidText !== String(pid)) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/** CLOCK_MONOTONIC in microseconds: libuv's hrtime reads that clock on Linux. */
function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

/** STATUS= is one line of free text; a newline would start a new assignment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export class SystemdNotifier {
  /** $NOTIFY_SOCKET, or undefined when not started by systemd as a notify service. */
  readonly socketPath: string | undefined;
  /** WATCHDOG_USEC/2 in ms when systemd watches this process, else undefined. */
  readonly watchdogIntervalMs: number | undefined;
  private readonly onError: ((err: Error, state: string) => void) | undefined;
  private readonly counters: Counters | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;

  constructor(options: SystemdNotifierOptions = {}) {
    const env = options.env ?? process.env;
    const socket = env['NOTIFY_SOCKET'];
    this.socketPath = socket ? socket : undefined;
    this.watchdogIntervalMs = this.socketPath ? watchdogIntervalMs(env, options.pid ?? process.pid) : undefined;
    this.onError = options.onError;
    this.counters = options.counters;
  }

  get enabled(): boolean {
    return this.socketPath !== undefined;
  }

  get watchdogRunning(): boolean {
    return this.watchdogTimer !== undefined;
  }

  /** Start-up or a reload finished. */
  ready(status?: string): boolean {
    return this.notify(this.withStatus('READY=1', status));
  }

  /** A reload (SIGHUP) began; call ready() when it is done. MONOTONIC_USEC serves Type=notify-reload. */
  reloading(status?: string): boolean {
    return this.notify(this.withStatus(`RELOADING=1\nMONOTONIC_USEC=${monotonicUsec()}`, status));
  }

  /** Shutdown began. */
  stopping(status?: string): boolean {
    return this.notify(this.withStatus('STOPPING=1', status));
  }

  /** Free-text state shown by `systemctl status`. */
  status(text: string): boolean {
    return this.notify(`STATUS=${oneLine(text)}`);
  }

  /** One keep-alive ping. */
  watchdog(): boolean {
    const sent = this.notify('WATCHDOG=1');
    if (sent) this.counters?.inc('systemd.watchdog.pings');
    return sent;
  }

  /**
   * Pings every WATCHDOG_USEC/2 from a timer on the event loop, so the pings stop by themselves when
   * the loop hangs and systemd restarts the service. `healthy` (optional) can withhold a ping for a
   * wedged pipeline. The timer does not keep the process alive. False when systemd set no watchdog.
   */
  startWatchdog(healthy?: () => boolean): boolean {
    const interval = this.watchdogIntervalMs;
    if (interval === undefined) return false;
    this.stopWatchdog();
    const ping = (): void => {
      if (healthy === undefined || healthy()) this.watchdog();
    };
    ping();
    this.watchdogTimer = setInterval(ping, interval);
    this.watchdogTimer.unref();
    return true;
  }

  stopWatchdog(): void {
    if (this.watchdogTimer !== undefined) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  /** Sends raw assignments (e.g. `EXTEND_TIMEOUT_USEC=...`); true when systemd's socket took them. */
  notify(state: string): boolean {
    if (this.socketPath === undefined) return false;
    try {
      loadNativeAddon().sendUnixDatagram(this.socketPath, Buffer.from(state, 'utf8'));
    } catch (err) {
      this.counters?.inc('systemd.notify.errors');
      this.onError?.(err as Error, state);
      return false;
    }
    this.counters?.inc('systemd.notify.sent');
    return true;
  }

  private withStatus(state: string, status: string | undefined): string {
    return status === undefined ? state : `${state}\nSTATUS=${oneLine(status)}`;
  }
}
