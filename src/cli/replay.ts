// `tapwatch replay FILE...`: capture files through the same pipeline as live capture, in order.
import path from 'node:path';
import { FileSource } from '../capture/file-source';
import { Sensor } from '../daemon/sensor';
import { createLogger } from '../core/logger';
import { httpRecord } from '../http/record';
import { alertRecord, alertText, packetRecord, statsRecord, statsText, transactionText } from './records';
import { resolveConfig, type CommonOptions } from './options';
import { JsonlWriter } from './jsonl-writer';
import { openStages, type Stages } from '../daemon/stages';

export interface ReplayOptions extends CommonOptions {
  format: string;
  stats?: boolean;
  packets?: boolean;
  /** false with --no-http-records: count transactions without printing them. */
  httpRecords?: boolean;
  /** Print one record per TCP flow when it closes. */
  flows?: boolean;
  /** SQLite file for the endpoint map; without it (and without store.path) the map is in memory. */
  db?: string;
  /** false with --no-inventory: no endpoint map (benchmarks of the stream stages alone). */
  inventory?: boolean;
  /** Stop after decode (benchmark of capture + decode alone). */
  decodeOnly?: boolean;
}

/** The capture replayed when no file is named: bundled in the repository (see its PROVENANCE.md). */
export const BUNDLED_SAMPLE = path.resolve(__dirname, '../../test/pcap/traces/docker-http-upgrade.pcap');

export async function replayCommand(files: string[], opts: ReplayOptions): Promise<number> {
  const config = resolveConfig(opts);
  const log = createLogger(config.log.level, true);
  const jsonl = opts.format === 'jsonl' || opts.format === 'json';
  if (!jsonl && opts.format !== 'text') {
    log.error({ format: opts.format }, 'unknown --format (use text or jsonl)');
    return 2;
  }
  const inputs = files.length > 0 ? files : [BUNDLED_SAMPLE];
  const sensor = new Sensor(config, undefined, opts.decodeOnly === true);
  const out = new JsonlWriter(process.stdout);
  if (opts.packets && jsonl) sensor.observe((pkt, status) => out.write(packetRecord(pkt, status)));
  if (opts.flows && jsonl) sensor.onFlowClosed((f) => out.write({ type: 'flow', ...f }));
  if (opts.httpRecords !== false) {
    sensor.onTransaction(jsonl ? (tx) => out.write(httpRecord(tx)) : (tx) => out.writeRaw(transactionText(tx)));
  }

  // --no-inventory and --decode-only measure the stream stages alone: nothing after HTTP runs
  let stages: Stages | null = null;
  if (config.inventory.enabled && opts.inventory !== false && opts.decodeOnly !== true) {
    try {
      stages = openStages(config, sensor.counters, opts.db ?? (config.store.path || null), true, log, {
        onInventoryEvent: (e) => {
          if (jsonl) out.write(e);
        },
        onAlert: (alert) => {
          if (jsonl) out.write(alertRecord(alert));
          else out.writeRaw(alertText(alert));
        },
      });
    } catch (err) {
      log.error({ err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot open the state database or an alert destination');
      return 1;
    }
    const inventory = stages.inventory;
    if (inventory) {
      for (const e of inventory.specErrors) log.warn({ err: e }, 'OpenAPI spec skipped');
      inventory.inventory.onStoreError = (err) => log.error({ err: err.message }, 'inventory flush failed; will retry');
      sensor.onTransaction((tx) => inventory.inventory.observe(tx));
    }
  }

  let exitCode = 0;
  const started = process.hrtime.bigint();
  for (const file of inputs) {
    const source = new FileSource(file, { filter: config.capture.filter, batchBytes: config.capture.batchBytes });
    try {
      const result = await sensor.consume(source);
      if (result.error) {
        // A damaged file (e.g. truncated) keeps every packet read before the damage.
        log.warn({ file, packets: result.packets, err: result.error.message }, 'capture file ended with a read error');
        if (jsonl) out.write({ type: 'anomaly', name: 'capture.read_error', file, message: result.error.message });
      }
    } catch (err) {
      sensor.counters.inc('capture.open_error');
      log.error({ file, err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot open capture');
      if (jsonl) out.write({ type: 'anomaly', name: 'capture.open_error', file, message: (err as Error).message });
      exitCode = 1;
    }
  }
  sensor.finish();
  let undelivered = 0;
  if (stages) {
    const closed = await stages.close(sensor.summary.packets > 0 ? sensor.summary.lastTs : 0, config.outputs.outbox.drainTimeoutMs);
    if (!closed.drained) {
      undelivered = stages.alerts.backlog();
      log.warn({ drainTimeoutMs: config.outputs.outbox.drainTimeoutMs }, 'alerts not delivered before the drain timeout stay queued in the database for the next run');
    }
  }
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  const rec = statsRecord(sensor, inputs, elapsedSec);
  if (stages?.inventory) rec['inventory'] = { endpoints: stages.inventory.inventory.size, ...sensor.counters.snapshot('inventory.') };
  if (stages) rec['alerting'] = { ...sensor.counters.snapshot('alerting.'), ...sensor.counters.snapshot('outputs.'), undelivered };
  if (jsonl) {
    if (opts.stats !== false) out.write(rec);
  } else {
    out.writeRaw(statsText(rec));
  }
  out.flush();
  return exitCode;
}
