// `tapwatch run --iface IF`: the daemon (src/daemon/daemon.ts). Signals: SIGTERM/SIGINT stop it
// cleanly within daemon.shutdownTimeoutSec; SIGHUP reloads the config file.
import { createLogger } from '../core/logger';
import { Daemon } from '../daemon/daemon';
import { defaultDatabasePath } from '../store/paths';
import { resolveConfig, type CommonOptions } from './options';
import type { TapwatchConfig } from '../config/schema';

export interface RunOptions extends CommonOptions {
  iface?: string;
  immediate?: boolean;
  /** Stop after this many seconds (tests and smoke checks); 0 = until signalled. */
  duration?: string;
  /** SQLite state database (default: store.path, else the state directory). */
  db?: string;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  // command-line settings win over the file, also after a reload
  const load = (): Readonly<TapwatchConfig> =>
    resolveConfig(opts, (raw) => {
      if (opts.iface !== undefined) raw.capture.interface = opts.iface;
      if (opts.immediate) raw.capture.immediate = true;
    });
  const config = load();
  const log = createLogger(config.log.level, false);
  if (!config.capture.interface) {
    log.error('no interface: pass --iface IF or set capture.interface in the config');
    return 2;
  }
  const dbPath = defaultDatabasePath(opts.db ?? config.store.path);
  const daemon = new Daemon(config, { loadConfig: load, dbPath, log });
  try {
    await daemon.start();
  } catch (err) {
    log.error({ iface: config.capture.interface, db: dbPath, err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot start');
    return 1;
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
  const durationSec = Number(opts.duration ?? 0);
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
