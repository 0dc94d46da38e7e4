// Capture files through the product's own composition root, as `tapwatch replay` runs them: the
// Sensor with the installation key of the database (a per-process key without one), FileSource per
// file in order, openPipeline with the product's detectors, close at the last packet's time. What
// eval adds: consumers after the detectors that only observe, and every alert the run raised in its
// final state (count, first and last seen), read back from the alert store before it closes.
// Written so `replay` could share it later (it would need its printing hooks passed in).
import type { Alert } from '../alerting/types';
import { FileSource } from '../capture/file-source';
import { CaptureError } from '../capture/errors';
import type { TapwatchConfig } from '../config/schema';
import { installationKeyFor } from '../core/installation-key';
import { createLogger } from '../core/logger';
import { openPipeline, type Pipeline } from '../daemon/pipeline';
import { describeBackend, initBackend } from '../models/backend';
import type { ModelEntry } from '../models';
import { credentialOptionsFor } from '../daemon/credential-options';
import { Sensor } from '../daemon/sensor';
import type { DetectorEntry } from '../detectors';
import type { TransactionConsumer } from '../http/consumer';
import { EvalInputError } from './errors';

export interface ReplayRun {
  readonly files: readonly string[];
  readonly config: Readonly<TapwatchConfig>;
  /** The state database; null keeps it in memory. */
  readonly dbPath: string | null;
  /** Default: the product's detectors and `config.detectors`. */
  readonly detectors?: readonly DetectorEntry[];
  readonly detectorOptions?: Readonly<Record<string, unknown>>;
  /** Consumers after the detectors: they see each transaction with its context and report nothing. */
  readonly observers?: readonly TransactionConsumer[];
  /** Default: the product's models (config.models). */
  readonly models?: readonly ModelEntry[];
}

export interface ReplayOutcome {
  /** Every alert raised or updated by this run, in its final state, oldest first. */
  readonly alerts: Alert[];
  readonly packets: number;
  readonly transactions: number;
  /** A capture cut short, a spec skipped, alerts left undelivered. */
  readonly warnings: string[];
}

export async function replayCaptures(run: ReplayRun): Promise<ReplayOutcome> {
  const { config, dbPath } = run;
  const warnings: string[] = [];
  const log = createLogger(config.log.level, true);
  const sensor = new Sensor(config, undefined, false, credentialOptionsFor(config, installationKeyFor(dbPath)));
  const alerts = new Map<string, Alert>();
  const startedWall = Date.now() / 1000;
  let pipeline: Pipeline;
  // the models' backend once, before the pipeline creates them (tfjs-node, else wasm, else cpu)
  if (config.models.enabled) log.debug(describeBackend(await initBackend(config.models.backend)));
  try {
    pipeline = openPipeline(config, sensor, {
      dbPath,
      log,
      hooks: { onAlert: (a) => alerts.set(a.id, a) },
      ...(run.detectors !== undefined ? { detectors: run.detectors } : {}),
      ...(run.observers !== undefined ? { observers: run.observers } : {}),
      ...(run.models !== undefined ? { models: run.models } : {}),
      ...(run.detectorOptions !== undefined ? { detectorOptions: run.detectorOptions } : {}),
    });
  } catch (err) {
    throw new EvalInputError('failure', `cannot open the state database ${dbPath ?? '(in memory)'}: ${(err as Error).message}`);
  }
  for (const e of pipeline.stages.inventory?.specErrors ?? []) warnings.push(`OpenAPI spec skipped: ${e}`);

  let failure: EvalInputError | null = null;
  for (const file of run.files) {
    try {
      const result = await sensor.consume(new FileSource(file, { filter: config.capture.filter, batchBytes: config.capture.batchBytes }));
      if (result.error) warnings.push(`${file} ended with a read error after ${result.packets} packets (those were replayed): ${result.error.message}`);
    } catch (err) {
      failure =
        err instanceof CaptureError && err.code === 'ERR_PCAP_FILTER'
          ? new EvalInputError('usage', `capture.filter in the config: ${err.message}; see man pcap-filter for the syntax`)
          : new EvalInputError('failure', `cannot open capture ${file}: ${(err as Error).message}; give a pcap, pcapng or gzip-compressed capture file`);
      break;
    }
  }
  sensor.finish();
  const stages = pipeline.stages;
  const closed = await pipeline.close(sensor.summary.packets > 0 ? sensor.summary.lastTs : 0, config.outputs.outbox.drainTimeoutMs, () => {
    // the stored rows carry every fold; onAlert saw only what was delivered (new, or a milestone)
    for (const a of stages.alerts.store.listAlerts({ since: startedWall, clock: 'wall' })) alerts.set(a.id, a);
  });
  if (failure) throw failure;
  if (!closed.drained) warnings.push('some alerts were not delivered within outputs.outbox.drainTimeoutMs');
  return {
    alerts: [...alerts.values()].sort((a, b) => a.firstSeen - b.firstSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    packets: sensor.summary.packets,
    transactions: sensor.httpTotals.transactions,
    warnings,
  };
}
