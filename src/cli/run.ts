// `tapwatch run --iface IF`: live capture through the same pipeline as replay. Logs capture stats
// periodically and shuts down cleanly on SIGINT/SIGTERM.
import { LiveSource } from '../capture/live-source';
import { Sensor } from '../daemon/sensor';
import { createLogger } from '../core/logger';
import { resolveConfig, type CommonOptions } from './options';
import { alertRecord, statsRecord } from './records';
import { httpRecord } from '../http/record';
import { openStages, type Stages } from '../daemon/stages';
import { defaultDatabasePath } from '../store/paths';

export interface RunOptions extends CommonOptions {
  iface?: string;
  immediate?: boolean;
  /** Stop after this many seconds (tests and smoke checks); 0 = until signalled. */
  duration?: string;
  /** SQLite file for the endpoint map (default: store.path, else the state directory). */
  db?: string;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const config = resolveConfig(opts, (raw) => {
    if (opts.iface !== undefined) raw.capture.interface = opts.iface;
    if (opts.immediate) raw.capture.immediate = true;
  });
  const log = createLogger(config.log.level, false);
  const iface = config.capture.interface;
  if (!iface) {
    log.error('no interface: pass --iface IF or set capture.interface in the config');
    return 2;
  }
  const sensor = new Sensor(config);
  const dbPath = defaultDatabasePath(opts.db ?? config.store.path);
  let stages: Stages;
  try {
    stages = openStages(config, sensor.counters, dbPath, config.inventory.enabled, log, {
      onInventoryEvent: (e) => log.info({ event: e }, `inventory: ${e.event}`),
      onAlert: (alert, result) => log.warn({ alert: alertRecord(alert), outcome: result.outcome }, `alert: ${alert.type} ${alert.severity}`),
    });
  } catch (err) {
    log.error({ db: dbPath, err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot open the state database or an alert destination');
    return 1;
  }
  const inventory = stages.inventory;
  if (inventory) {
    for (const e of inventory.specErrors) log.warn({ err: e }, 'OpenAPI spec skipped');
    inventory.inventory.onStoreError = (err) => log.error({ err: err.message }, 'inventory flush failed; will retry');
    sensor.onTransaction((tx) => inventory.inventory.observe(tx));
  }
  log.info({ db: dbPath, specs: config.inventory.specs, destinations: stages.alerts.destinations.map((d) => `${d.kind}:${d.transport.name}`) }, 'state and alerting ready');
  const c = config.capture;
  const source = new LiveSource(iface, {
    snaplen: c.snaplen,
    promisc: c.promisc,
    bufferSize: c.bufferSizeBytes,
    timeoutMs: c.timeoutMs,
    immediate: c.immediate,
    filter: c.filter,
    batchBytes: c.batchBytes,
  });
  let info;
  try {
    info = source.open();
  } catch (err) {
    log.error({ iface, err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot start capture');
    return 1;
  }
  if (info.warning) log.warn({ iface, warning: info.warning }, 'capture started with a warning');
  log.info({ iface, linkType: info.linkTypeName, snaplen: info.snaplen, filter: c.filter }, 'capture started');

  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const logStats = (msg: string): void => {
    const rec = statsRecord(sensor, [iface], elapsed());
    log.info({ ...rec, type: undefined, pcap: source.stats() }, msg);
  };
  const timer = setInterval(() => logStats('capture stats'), config.statsIntervalSec * 1000);
  // Packet time is the pipeline's clock; on an idle link a heartbeat moves it on by wall time so
  // idle flows still time out and their transactions are reported.
  let lastPackets = 0;
  let lastPacketWall = Date.now();
  const heartbeat = setInterval(() => {
    const s = sensor.summary;
    if (s.packets !== lastPackets) {
      lastPackets = s.packets;
      lastPacketWall = Date.now();
    } else if (s.packets > 0) {
      sensor.advanceTime(s.lastTs + (Date.now() - lastPacketWall) / 1000);
    }
  }, 1000);
  sensor.onTransaction((tx) => log.debug({ tx: httpRecord(tx) }, 'http transaction'));
  const stop = (signal: string): void => {
    log.info({ signal }, 'stopping');
    source.stop();
  };
  const onSigint = (): void => stop('SIGINT');
  const onSigterm = (): void => stop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  const durationSec = Number(opts.duration ?? 0);
  const durationTimer = durationSec > 0 ? setTimeout(() => stop('duration'), durationSec * 1000) : null;

  const result = await sensor.runSource(source);
  sensor.finish();
  const closed = await stages.close(sensor.summary.packets > 0 ? sensor.summary.lastTs : 0, config.outputs.outbox.drainTimeoutMs);
  if (!closed.drained) log.warn('alerts not delivered before the drain timeout stay queued in the database for the next start');
  clearInterval(timer);
  clearInterval(heartbeat);
  if (durationTimer) clearTimeout(durationTimer);
  process.removeListener('SIGINT', onSigint);
  process.removeListener('SIGTERM', onSigterm);
  logStats('capture stopped');
  if (result.error) {
    log.error({ iface, err: result.error.message }, 'capture failed');
    return 1;
  }
  return 0;
}
