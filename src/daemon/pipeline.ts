// The composition root (DESIGN §1) of everything after HttpTransaction, for `run`, `replay` and
// the tests alike: the stages on one state database, the consumers in their order (identity →
// inventory → features/baselines → detectors → models),
// a bounded hand-off from the sensor, and the packet clock that ticks and flushes them.
//
// Hand-off: the sensor's transactions are queued while a capture batch is decoded and handed to the
// consumers when the batch ends, so their work, and the SQLite writes of the flush ticks, run between
// batches rather than inside the packet loop. The queue holds at most `maxQueued` transactions; a
// batch that makes more is handed over early (counted as pipeline.handoff.early), never dropped.
// Records are the same whatever the batch size: every decision runs on transaction (packet) time.
import { actorsWithOpenOrConfirmedAlerts, falsePositiveAlertIds, falsePositiveCountsByActor } from '../alerting/alert-queries';
import type { TapwatchConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import type { Finding } from '../core/finding';
import type { Logger } from '../core/logger';
import { DETECTORS, NO_FEEDBACK_TUNING, NO_GEO, type DetectorContext, type DetectorEntry, type FeedbackTuning, type GeoOf } from '../detectors';
import { StoredFeedbackTuning } from '../detectors/feedback-tuning';
import { openFeaturesStage, type FeaturesStage } from '../features/stage';
import { SESSION_FEATURES, normaliseVector, schemaFingerprint } from '../features/feature-schema';
import type { FeatureView } from '../features/types';
import { emptyContext, type TransactionConsumer } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { identityConsumers } from '../identity/consumer';
import type { IdentityStage } from '../identity/stage';
import { inventoryConsumer } from '../inventory/consumer';
import { currentBackend } from '../models/backend';
import { MODELS, modelStateDir, type ModelConsumer, type ModelEntry } from '../models';
import { FEEDS } from '../response/feeds';
import type { FeedFormat } from '../response/decision';
import { openResponseStage, type ResponseStage } from '../response/stage';
import os from 'node:os';
import type { Sensor } from './sensor';
import { openStages, type StageHooks, type Stages } from './stages';

/** Models configured but not run: no TF.js backend was initialised before the pipeline opened. */
export const C_MODELS_NO_BACKEND = 'models.skipped.no_backend';

export interface PipelineOptions {
  /** The state database; null keeps the state in memory (replay without --db). */
  dbPath: string | null;
  log: Logger;
  hooks: StageHooks;
  /** The detectors and their options (default: the product's list and `config.detectors`). */
  detectors?: readonly DetectorEntry[];
  detectorOptions?: Readonly<Record<string, unknown>>;
  /** Consumers after the detectors and models that only look (eval's request index): they report nothing. */
  observers?: readonly TransactionConsumer[];
  /** The models (default: the product's list, each enabled by `config.models.<key>.enabled`). */
  models?: readonly ModelEntry[];
  /** Analysts' verdicts as threshold factors (default: read from the state database, none without one). */
  feedbackTuning?: FeedbackTuning;
  /** The gateway formats the response stage renders (default: the product's list). */
  feeds?: readonly FeedFormat[];
}

export interface Pipeline {
  readonly stages: Stages;
  readonly consumers: readonly TransactionConsumer[];
  /** Behaviour baselines (features.enabled); `features.view` is what detectors and models read. */
  readonly features: FeaturesStage | null;
  /** Gateway decisions and their feeds (response.enabled); `feed(name)` is what the HTTP API serves. */
  readonly response: ResponseStage | null;
  /** Packet time moved on without traffic (the heartbeat of a quiet live link). */
  tick(now: number): void;
  /** Hands what the queue holds to the consumers (the end of a capture batch). */
  drain(): void;
  /** Last flush of every consumer at packet time `now`, then the stages (outbox drain, database). */
  close(now: number, drainMs: number, beforeDbClose?: () => void): Promise<{ drained: boolean }>;
}

export function openPipeline(config: Readonly<TapwatchConfig>, sensor: Sensor, opts: PipelineOptions): Pipeline {
  const counters = sensor.counters;
  // alerts reach the response stage through the alert stage's hook; it is opened on the same database just after
  let response: ResponseStage | null = null;
  const hooks: StageHooks = {
    ...opts.hooks,
    onAlert: (alert, result) => {
      opts.hooks.onAlert?.(alert, result);
      response?.onAlert(alert);
    },
  };
  const stages = openStages(config, counters, opts.dbPath, config.inventory.enabled, opts.log, hooks);
  const feeds: readonly FeedFormat[] = opts.feeds ?? FEEDS;
  response = config.response.enabled
    ? openResponseStage({
        db: stages.db,
        dbFile: stages.dbFile,
        config: config.response,
        counters,
        log: opts.log,
        feeds,
        sensor: config.alerting.sensor || os.hostname(),
        audit: (entry) => stages.alerts.audit(entry),
        falsePositives: (ids) => falsePositiveAlertIds(stages.db, ids),
      })
    : null;
  const report = (f: Finding): void => {
    stages.alerts.process(f);
  };
  // the detectors' findings pass through the models' annotate (filled in once the models exist) on the way to the alerts
  const annotators: ModelConsumer[] = [];
  const annotated = (f: Finding): void => {
    let finding = f;
    for (const m of annotators) finding = m.annotate?.(finding) ?? finding;
    stages.alerts.process(finding);
  };
  const consumers: TransactionConsumer[] = [];
  // identity first (who, from where, which session); its activity hook after the inventory (the endpoint)
  const identity = stages.identity ? identityConsumers(stages.identity) : null;
  if (identity) consumers.push(identity.resolve);
  if (stages.inventory) consumers.push(inventoryConsumer(stages.inventory.inventory));
  if (identity) consumers.push(identity.activity);
  // baselines once identity and endpoint are known, before the detectors that read them
  const features = config.features.enabled
    ? openFeaturesStage(config.features, counters, { db: stages.db, dbFile: stages.dbFile, maxPendingWrites: config.store.maxPendingWrites, ...asnLookup(stages.identity) })
    : null;
  if (features) consumers.push(features.consumer);
  const detectorOptions: Readonly<Record<string, unknown>> = opts.detectorOptions ?? config.detectors;
  const geo: GeoOf = stages.identity?.hasGeo ? (ip) => stages.identity?.geoOf(ip) ?? {} : NO_GEO;
  // analysts' verdicts from the state database raise thresholds; re-read on flush ticks
  let feedback: FeedbackTuning = opts.feedbackTuning ?? NO_FEEDBACK_TUNING;
  if (opts.feedbackTuning === undefined && stages.db !== null) {
    const stored = new StoredFeedbackTuning(stages.db, config.detectors.feedback, counters);
    consumers.push(stored.consumer());
    feedback = stored;
  }
  // without a database file nothing reads a detector's state back: it stays in memory for the run
  const store = opts.dbPath === null ? null : { db: stages.db, dbFile: stages.dbFile, maxPendingWrites: config.store.maxPendingWrites };
  const detectorContext: DetectorContext = { report: annotated, counters, features: features?.view ?? null, feedback, geo, store };
  for (const d of opts.detectors ?? DETECTORS) consumers.push(d.create(d.schema.parse(detectorOptions[d.key] ?? {}), detectorContext));
  for (const m of openModels(config, counters, opts, stages, features?.view ?? null, report)) {
    consumers.push(m);
    if (m.annotate) annotators.push(m);
  }
  for (const o of opts.observers ?? []) consumers.push(o);
  // last: on each flush it stores the decisions of the alerts the consumers above raised
  if (response) consumers.push(response.consumer);

  const ctx = emptyContext();
  const maxQueued = config.daemon.maxQueuedTransactions;
  const tickSec = config.daemon.tickIntervalSec;
  const flushSec = config.store.flushIntervalSec;
  const queue: HttpTransaction[] = [];
  // the first transaction ticks and flushes; then every interval of packet time
  let nextTick = -Infinity;
  let nextFlush = -Infinity;

  const advance = (now: number): void => {
    if (now >= nextTick) {
      nextTick = now + tickSec;
      for (const c of consumers) c.onTick?.(now);
    }
    if (now >= nextFlush) {
      nextFlush = now + flushSec;
      for (const c of consumers) c.flush?.(now);
    }
  };

  const handle = (tx: HttpTransaction): void => {
    ctx.endpoint = null;
    ctx.identity = null;
    ctx.clientIp = null;
    ctx.session = null;
    ctx.loginUser = null;
    for (const c of consumers) c.onTransaction(tx, ctx);
    advance(tx.ts);
  };

  const drain = (): void => {
    // the queue is emptied in order; consumers never see a transaction twice
    for (let i = 0; i < queue.length; i++) handle(queue[i] as HttpTransaction);
    queue.length = 0;
  };

  sensor.onTransaction((tx) => {
    queue.push(tx);
    if (queue.length >= maxQueued) {
      counters.inc('pipeline.handoff.early');
      drain();
    }
  });
  sensor.onBatchEnd(drain);

  return {
    stages,
    consumers,
    features,
    response,
    tick(now: number): void {
      drain();
      advance(now);
    },
    drain,
    async close(now: number, drainMs: number, beforeDbClose?: () => void): Promise<{ drained: boolean }> {
      drain();
      for (const c of consumers) c.close?.(now);
      return stages.close(now, drainMs, beforeDbClose);
    },
  };
}

/**
 * The enabled models (config.models), each with its state directory beside the database. Without an
 * initialised TF.js backend (a test that opens a pipeline directly) they are skipped, counted and logged once.
 */
function openModels(
  config: Readonly<TapwatchConfig>,
  counters: Counters,
  opts: PipelineOptions,
  stages: Stages,
  features: FeatureView | null,
  report: (f: Finding) => void,
): ModelConsumer[] {
  if (!config.models.enabled) return [];
  const section = config.models as Readonly<Record<string, unknown>>;
  const entries = (opts.models ?? MODELS).filter((e) => {
    const own = section[e.key];
    return !(typeof own === 'object' && own !== null && (own as { enabled?: unknown }).enabled === false);
  });
  if (entries.length === 0) return [];
  const backend = currentBackend();
  if (backend === null) {
    counters.inc(C_MODELS_NO_BACKEND);
    opts.log.info(`TF.js models skipped (${entries.map((e) => e.key).join(', ')}): no backend was initialised`);
    return [];
  }
  const db = stages.db;
  const flagged = (limit: number): ReadonlySet<string> => actorsWithOpenOrConfirmedAlerts(db, limit);
  const falsePositives = (detector: string, limit: number): ReadonlyMap<string, number> => falsePositiveCountsByActor(db, detector, limit);
  const sessionSchema = { features: SESSION_FEATURES, fingerprint: schemaFingerprint(SESSION_FEATURES), normalise: normaliseVector };
  return entries.map((e) =>
    e.create(e.schema.parse(section[e.key] ?? {}), {
      report,
      counters,
      features,
      sessionSchema,
      backend,
      stateDir: opts.dbPath === null ? null : modelStateDir(opts.dbPath, e.key),
      flagged,
      falsePositives,
      log: opts.log,
    }),
  );
}

/** The baselines' ASN of a client address (`AS64500`), from the identity stage's geo databases when configured. */
function asnLookup(identity: IdentityStage | null): { asnOf?: (ip: string) => string | null } {
  if (identity === null || !identity.hasGeo) return {};
  return {
    asnOf: (ip) => {
      const asn = identity.geoOf(ip).asn;
      return asn === undefined ? null : `AS${asn}`;
    },
  };
}
