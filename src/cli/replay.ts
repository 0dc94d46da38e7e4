// `tapwatch replay FILE...`: capture files through the same pipeline as live capture, in order.
import { FileSource } from '../capture/file-source';
import { Sensor } from '../daemon/sensor';
import { installationKeyFor } from '../core/installation-key';
import { createLogger } from '../core/logger';
import { httpRecordJson } from '../http/record-json';
import { alertRecord, alertText, packetRecord, statsRecord, statsText, transactionText } from '../daemon/records';
import { resolveConfig, type CommonOptions } from './options';
import { JsonlWriter } from './jsonl-writer';
import { openPipeline, type Pipeline } from '../daemon/pipeline';
import { describeBackend, initBackend } from '../models/backend';
import { credentialOptionsFor } from '../daemon/credential-options';
import { CaptureError } from '../capture/errors';
import { checkDbOption } from './db-option';
import { endpointMapText } from './replay-summary';
import { alertReportText } from './alert-report';
import { CliFailure, sayError, UsageError } from './usage-error';
import { FIRST_RUN_INTRO, firstRunCaptures } from './first-run';

export interface ReplayOptions extends CommonOptions {
  format: string;
  stats?: boolean;
  packets?: boolean;
  /** --http-records / --no-http-records; unset: printed, except in text for the first-run scenario. */
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


export async function replayCommand(files: string[], opts: ReplayOptions): Promise<number> {
  const jsonl = opts.format === 'jsonl' || opts.format === 'json';
  if (!jsonl && opts.format !== 'text') throw new UsageError(`--format ${opts.format}: give text or jsonl`);
  checkDbOption(opts.db);
  const config = resolveConfig(opts);
  // errors and warnings for the person at the terminal are plain lines (sayError); pino only for
  // the alert stage's rare runtime logs
  const log = createLogger(config.log.level, true);
  const firstRun = files.length === 0;
  const inputs = firstRun ? firstRunCaptures() : files;
  // ten thousand transaction lines would bury the first run's map and alerts
  const printTransactions = opts.httpRecords ?? (jsonl || !firstRun);
  // the state database's directory holds the installation key; without one, a per-process key
  const installationKey = installationKeyFor(opts.db ?? (config.store.path || null));
  const sensor = new Sensor(config, undefined, opts.decodeOnly === true, credentialOptionsFor(config, installationKey));
  const out = new JsonlWriter(process.stdout);
  if (firstRun && !jsonl) out.writeRaw(FIRST_RUN_INTRO);
  if (opts.packets && jsonl) sensor.observe((pkt, status) => out.write(packetRecord(pkt, status)));
  if (opts.flows && jsonl) sensor.onFlowClosed((f) => out.write({ type: 'flow', ...f }));
  if (printTransactions) {
    sensor.onTransaction(jsonl ? (tx) => out.writeRaw(httpRecordJson(tx) + '\n') : (tx) => out.writeRaw(transactionText(tx)));
  }

  // --no-inventory and --decode-only measure the stream stages alone: nothing after HTTP runs
  let pipeline: Pipeline | null = null;
  if (config.inventory.enabled && opts.inventory !== false && opts.decodeOnly !== true) {
    const dbPath = opts.db ?? (config.store.path || null);
    // the models' backend once, before the pipeline creates them (tfjs-node, else wasm, else cpu)
    if (config.models.enabled) log.debug(describeBackend(await initBackend(config.models.backend)));
    try {
      pipeline = openPipeline(config, sensor, { dbPath, log, hooks: {
        onInventoryEvent: (e) => {
          if (jsonl) out.write(e);
        },
        onAlert: (alert) => {
          if (jsonl) out.write(alertRecord(alert));
          // between the transactions they come from; otherwise the report at the end shows them
          else if (printTransactions) out.writeRaw(alertText(alert));
        },
      } });
    } catch (err) {
      throw new CliFailure(`cannot open the state database ${dbPath ?? '(in memory)'} or an alert destination: ${(err as Error).message}`);
    }
    const inventory = pipeline.stages.inventory;
    if (inventory) {
      for (const e of inventory.specErrors) sayError(`OpenAPI spec skipped: ${e}`);
      inventory.inventory.onStoreError = (err) => sayError(`writing the endpoint map failed (will retry): ${err.message}`);
    }
    const identity = pipeline.stages.identity;
    if (identity) identity.onStoreError = (err) => sayError(`writing the identities failed (will retry): ${err.message}`);
    if (pipeline.features) pipeline.features.onStoreError = (err) => sayError(`writing the baselines failed (will retry): ${err.message}`);
  }
  const stages = pipeline?.stages ?? null;

  let exitCode = 0;
  let badFilter: string | null = null;
  const started = process.hrtime.bigint();
  for (const file of inputs) {
    const source = new FileSource(file, { filter: config.capture.filter, batchBytes: config.capture.batchBytes });
    try {
      const result = await sensor.consume(source);
      if (result.error) {
        // A damaged file (e.g. truncated) keeps every packet read before the damage.
        sayError(`${file} ended with a read error after ${result.packets} packets (those were replayed): ${result.error.message}`);
        if (jsonl) out.write({ type: 'anomaly', name: 'capture.read_error', file, message: result.error.message });
      }
    } catch (err) {
      // The filter is the same for every file: it is bad usage, said once, and nothing is replayed.
      if (err instanceof CaptureError && err.code === 'ERR_PCAP_FILTER') {
        badFilter = `${opts.filter !== undefined ? '--filter' : 'capture.filter in the config'}: ${err.message}; see man pcap-filter for the syntax`;
        break;
      }
      sensor.counters.inc('capture.open_error');
      sayError(`cannot open capture ${file}: ${(err as Error).message}; give a pcap, pcapng or gzip-compressed capture file (the other files are still replayed)`);
      if (jsonl) out.write({ type: 'anomaly', name: 'capture.open_error', file, message: (err as Error).message });
      exitCode = 1;
    }
  }
  sensor.finish();
  // read before the database closes; it stays 0 when everything was delivered
  let undelivered = 0;
  let summary = '';
  if (pipeline && stages) {
    const open = stages;
    const closed = await pipeline.close(sensor.summary.packets > 0 ? sensor.summary.lastTs : 0, config.outputs.outbox.drainTimeoutMs, () => {
      undelivered = open.alerts.backlog();
      if (jsonl || badFilter !== null) return;
      const dbFile = open.dbFile === ':memory:' ? null : open.dbFile;
      if (open.inventory) summary += endpointMapText(open.inventory.inventory.rows(), dbFile);
      const listHint = dbFile ? `tapwatch alerts --db ${dbFile}` : 'replay with --db FILE, then tapwatch alerts --db FILE';
      summary += (summary ? '\n' : '') + alertReportText(open.alerts.store, listHint);
    });
    if (!closed.drained) {
      sayError(`${undelivered} alert(s) not delivered within outputs.outbox.drainTimeoutMs (${config.outputs.outbox.drainTimeoutMs} ms) stay queued in the database for the next run`);
    }
  }
  if (badFilter !== null) throw new UsageError(badFilter);
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  const rec = statsRecord(sensor, inputs, elapsedSec);
  if (stages?.inventory) rec['inventory'] = { endpoints: stages.inventory.inventory.size, ...sensor.counters.snapshot('inventory.') };
  if (stages) rec['alerting'] = { ...sensor.counters.snapshot('alerting.'), ...sensor.counters.snapshot('outputs.'), undelivered };
  const models = sensor.counters.snapshot('models.');
  if (Object.keys(models).length > 0) rec['models'] = models;
  if (jsonl) {
    if (opts.stats !== false) out.write(rec);
  } else {
    out.writeRaw(summary ? `\n${summary}\n${statsText(rec)}` : statsText(rec));
  }
  out.flush();
  return exitCode;
}
