// `tapwatch run --iface IF`: the daemon (src/daemon/daemon.ts). Signals: SIGTERM/SIGINT stop it
// cleanly within daemon.shutdownTimeoutSec; SIGHUP reloads the config file.
import { createLogger } from '../core/logger';
import { Daemon } from '../daemon/daemon';
import { defaultDatabasePath } from '../store/paths';
import { resolveConfig, type CommonOptions } from './options';
import type { TapwatchConfig } from '../config/schema';
import { CaptureError } from '../capture/errors';
import { checkDbOption } from './db-option';
import { positiveSeconds } from './option-values';
import { CliFailure, UsageError } from './usage-error';

export interface RunOptions extends CommonOptions {
  iface?: string;
  immediate?: boolean;
  /** Stop after this many seconds, > 0 (tests and smoke checks); absent = until signalled. */
  duration?: string;
  /** SQLite state database (default: store.path, else the state directory). */
  db?: string;
}

/** Why the daemon could not start, as one sentence naming what to fix. */
function startError(err: unknown, iface: string, db: string): Error {
  const source = (what: string): string => `${what} (from --iface or capture.interface)`;
  if (err instanceof CaptureError) {
    if (err.code === 'ERR_PCAP_NO_SUCH_DEVICE') return new UsageError(`no network interface ${source(iface)}; list them with 'ip link' and pass --iface NAME`);
    if (err.code === 'ERR_PCAP_FILTER') return new UsageError(`capture filter: ${err.message}; see man pcap-filter for the syntax`);
    if (err.code === 'ERR_PCAP_PERM_DENIED') return new CliFailure(`no permission to capture on ${iface}: ${err.message}; run as root or grant CAP_NET_RAW and CAP_NET_ADMIN`);
    return new CliFailure(`cannot capture on ${iface}: ${err.message}`);
  }
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') return new CliFailure(`cannot start: ${(err as Error).message}; another process holds that port: stop it or change api.listen`);
  if (code?.startsWith('STORE_')) return new CliFailure(`cannot open the state database ${db}: ${(err as Error).message}`);
  return new CliFailure(`cannot start: ${(err as Error).message}`);
}

export async function runCommand(opts: RunOptions): Promise<number> {
  // bad option values are refused before anything is opened
  const durationSec = opts.duration !== undefined ? positiveSeconds('--duration', opts.duration) : 0;
  checkDbOption(opts.db);
  // everything the daemon creates (database, installation key, model versions) is the service
  // user's alone, also when started by hand from a shell whose umask is 022
  process.umask(0o077);
  // command-line settings win over the file, also after a reload
  const load = (): Readonly<TapwatchConfig> =>
    resolveConfig(opts, (raw) => {
      if (opts.iface !== undefined) raw.capture.interface = opts.iface;
      if (opts.immediate) raw.capture.immediate = true;
    });
  const config = load();
  if (!config.capture.interface) throw new UsageError('no interface: pass --iface IF or set capture.interface in the config');
  // JSON logs (journald) from here on; errors before the daemon is up are plain lines on stderr
  const log = createLogger(config.log.level, false);
  const dbPath = defaultDatabasePath(opts.db ?? config.store.path);
  const daemon = new Daemon(config, { loadConfig: load, dbPath, log });
  try {
    await daemon.start();
  } catch (err) {
    throw startError(err, config.capture.interface, dbPath);
  }

  let forced: NodeJS.Timeout | null = null;
  const stop = (reason: string): void => {
    if (daemon.stopping) return;
    daemon.stop(reason);
    // the bound on a clean stop: whatever is still running after it, the process exits
    forced = setTimeout(() => {
      log.error({ shutdownTimeoutSec: daemon.config.daemon.shutdownTimeoutSec }, 'shutdown took too long; exiting');
      process.exit(1);
    }, daemon.config.daemon.shutdownTimeoutSec * 1000);
    forced.unref();
  };
  const onSigint = (): void => stop('SIGINT');
  const onSigterm = (): void => stop('SIGTERM');
  let reloading = Promise.resolve();
  const onSighup = (): void => {
    log.info('SIGHUP: reloading the config');
    reloading = reloading.then(async () => {
      await daemon.reload();
    });
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  const durationTimer = durationSec > 0 ? setTimeout(() => stop('duration'), durationSec * 1000) : null;

  const code = await daemon.run();
  await reloading;
  if (durationTimer) clearTimeout(durationTimer);
  if (forced) clearTimeout(forced);
  process.removeListener('SIGINT', onSigint);
  process.removeListener('SIGTERM', onSigterm);
  process.removeListener('SIGHUP', onSighup);
  return code;
}
