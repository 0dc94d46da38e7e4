// The session model in the pipeline: ended sessions queue (bounded, drops counted) and are scored in
// one batch on the next tick; a session at or over its identity's threshold becomes a
// `session-model` finding with its explanation. Every ended session also enters the training buffer.
// The first training starts once `minTrainingSessions` are buffered, and a retraining every
// `retrainIntervalSec` of packet time; training runs `trainStepsPerTick` steps per tick. A retrained
// model whose scores on the held-back sessions moved more than `maxDrift` is rejected (counted,
// logged, an info finding `session-model.drift`) and the old one stays. Versions are written only in
// flush/close; at start the current version is loaded from the state directory.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Finding } from '../../core/finding';
import type { Logger } from '../../core/logger';
import type { SessionEnd } from '../../features/types';
import type { ModelConsumer, ModelContext } from '../index';
import { setWeightsFromFiles } from '../model-files';
import { AutoencoderTrainer, buildAutoencoder, rowErrors, squaredErrors, type Architecture } from './autoencoder';
import { calibrate, findingScore, scoreOf } from './calibration';
import type { SessionModelConfig } from './config';
import { errorShares, explanationFactors, explanationSummary } from './explain';
import { SessionInputs, type Scaler } from './inputs';
import { SessionBuffer, selectTrainingSet, type Selection } from './training-set';
import { VersionStore, versionName, type VersionMetadata } from './versions';

export const DETECTOR = 'session-model';
export const DRIFT_DETECTOR = 'session-model.drift';
export const C = {
  queueDropped: 'models.session.queue.dropped',
  scored: 'models.session.scored',
  skippedLearning: 'models.session.skipped_learning',
  skippedShort: 'models.session.skipped_short',
  cooldownSuppressed: 'models.session.cooldown_suppressed',
  overThreshold: 'models.session.over_threshold',
  findings: 'models.session.findings',
  trainings: 'models.session.trainings',
  trainingTooSmall: 'models.session.training_too_small',
  driftRejected: 'models.session.drift_rejected',
  versionsSaved: 'models.session.versions_saved',
  loadFailed: 'models.session.load_failed',
  flaggedOverflow: 'models.session.flagged.overflow',
  scoresEvicted: 'models.session.latest_scores.evicted',
} as const;

/** Fewest training rows worth a model (fewer: wait for more sessions). */
const MIN_TRAINING_ROWS = 32;
/** Packet seconds between reads of the alert store's verdicts (flush ticks come far more often). */
const VERDICT_REFRESH_SEC = 60;
/** Explanation factors on a finding. */
const TOP_FACTORS = 5;

/** A trained model with what scoring needs. */
export interface ActiveModel {
  readonly model: tfl.LayersModel;
  readonly meta: VersionMetadata;
}

interface Training {
  readonly trainer: AutoencoderTrainer;
  readonly selection: Selection;
  readonly raw: Float32Array[];
  readonly scaler: Scaler;
  readonly version: number;
  readonly feedback: number;
}

/** One scored session: its calibrated score, reconstruction error and the identity's threshold. */
export type ScoredListener = (session: SessionEnd, score: number, error: number, threshold: number) => void;

interface LatestScore {
  readonly score: number;
  readonly ts: number;
}

export class SessionModelStage implements ModelConsumer {
  readonly name = 'session-model';
  private readonly queue: SessionEnd[] = [];
  readonly buffer: SessionBuffer;
  private readonly versions: VersionStore | null;
  private activeModel: ActiveModel | null = null;
  private training: Training | null = null;
  /** Versions trained but not yet written (written on flush). */
  private unsaved: ActiveModel[] = [];
  /** Models replaced while unsaved; disposed once written. */
  private retired: tfl.LayersModel[] = [];
  private readonly latest = new Map<string, LatestScore>();
  /** Packet time of each identity's last finding (cooldownSec), bounded by maxScoredIdentities. */
  private readonly lastFinding = new Map<string, number>();
  private readonly scoredListeners: ScoredListener[] = [];
  /** Identities this model reported since the last flush (held out of training until the alert store has their alerts). */
  private readonly reported = new Set<string>();
  private flaggedFromAlerts: ReadonlySet<string> = new Set();
  private falsePositives: ReadonlyMap<string, number> = new Map();
  /** The selection the latest training drew (tests and the bench read who trained it). */
  lastSelection: Selection | null = null;
  private nextVersion = 1;
  private nextVerdictRefresh = -Infinity;
  private nextTrainingAt = -Infinity;
  private readonly fingerprint: string;
  readonly inputs: SessionInputs;

  constructor(
    private readonly config: Readonly<SessionModelConfig>,
    private readonly context: ModelContext,
    private readonly log: Logger,
  ) {
    this.inputs = new SessionInputs(context.sessionSchema.features, context.sessionSchema.normalise);
    this.fingerprint = context.sessionSchema.fingerprint;
    this.buffer = new SessionBuffer(config.maxBufferedSessions, context.counters);
    this.versions = context.stateDir === null ? null : new VersionStore(context.stateDir, config.keepVersions);
    this.loadCurrent();
    this.refreshVerdicts();
    context.features?.onSessionEnd((s) => this.enqueue(s));
  }

  get active(): ActiveModel | null {
    return this.activeModel;
  }

  get isTraining(): boolean {
    return this.training !== null;
  }

  enqueue(session: SessionEnd): void {
    if (this.queue.length >= this.config.maxQueuedSessions) {
      this.context.counters.inc(C.queueDropped);
      return;
    }
    this.queue.push(session);
  }

  onTransaction(): void {}

  onTick(now: number): void {
    this.scoreQueue();
    if (this.training === null && this.dueForTraining(now)) this.startTraining(now);
    if (this.training !== null) {
      this.training.trainer.step(this.config.trainStepsPerTick);
      if (this.training.trainer.done) this.finishTraining(now);
    }
  }

  /** Re-reads the verdicts (at most every VERDICT_REFRESH_SEC of packet time; always without `now`) and writes new versions. */
  flush(now?: number): void {
    if (now === undefined || now >= this.nextVerdictRefresh) {
      this.nextVerdictRefresh = (now ?? -Infinity) + VERDICT_REFRESH_SEC;
      this.refreshVerdicts();
    }
    this.saveVersions();
  }

  close(): void {
    this.scoreQueue();
    this.flush();
  }

  /** Runs a whole training now (tests, and the bench): starts one when due, then steps it to the end. */
  trainNow(now: number): boolean {
    this.scoreQueue();
    if (this.training === null && !this.startTraining(now)) return false;
    const t = this.training as Training | null;
    if (t === null) return false;
    while (!t.trainer.done) t.trainer.step(this.config.trainSteps);
    this.finishTraining(now);
    return true;
  }

  /** The identity's error threshold: the calibrated one raised by false-positive verdicts. */
  thresholdFor(identity: string): number | null {
    const active = this.activeModel;
    if (active === null) return null;
    const n = this.falsePositives.get(identity) ?? 0;
    const factor = n === 0 ? 1 : Math.min(this.config.feedbackMaxFactor, this.config.feedbackStepFactor ** n);
    return active.meta.calibration.thresholdError * factor;
  }

  /**
   * Ranks a detector's finding higher when this model also finds the identity's latest session odd:
   * its score always joins the factors; at `annotateMinScore` or more the finding's score becomes
   * score + annotateBoost × (1 − score).
   */
  annotate(finding: Finding): Finding {
    const who = finding.identity ?? finding.client;
    const latest = who === undefined ? undefined : this.latest.get(who);
    if (latest === undefined || finding.detector.startsWith(DETECTOR)) return finding;
    const odd = latest.score >= this.config.annotateMinScore;
    const factor = { name: 'session-model score', value: Number(latest.score.toFixed(4)), baseline: this.config.annotateMinScore };
    return {
      ...finding,
      score: odd ? finding.score + this.config.annotateBoost * (1 - finding.score) : finding.score,
      explanation: {
        summary: odd ? `${finding.explanation.summary} (the session model also finds this identity's latest session odd: ${latest.score.toFixed(3)})` : finding.explanation.summary,
        factors: [...finding.explanation.factors, factor],
      },
    };
  }

  /** Called with every scored session (the evaluation bench). */
  onScored(listener: ScoredListener): void {
    this.scoredListeners.push(listener);
  }

  /** Latest calibrated session score of an identity (tests, bench). */
  latestScore(identity: string): number | null {
    return this.latest.get(identity)?.score ?? null;
  }

  /** Scores raw session vectors with the active model: calibrated scores and raw errors (bench, tests). */
  score(raw: readonly Float32Array[]): { scores: number[]; errors: number[]; squared: Float32Array } | null {
    const active = this.activeModel;
    if (active === null) return null;
    const squared = squaredErrors(active.model, this.inputs.scaled(raw, active.meta.scaler), this.config.batchSize);
    const errors = [...rowErrors(squared, this.inputs.size)];
    return { scores: errors.map((e) => scoreOf(active.meta.calibration, e)), errors, squared };
  }

  dispose(): void {
    this.training?.trainer.dispose();
    this.training?.trainer.model.dispose();
    this.training = null;
    for (const m of this.retired) m.dispose();
    this.retired = [];
    this.activeModel?.model.dispose();
    this.activeModel = null;
  }

  private scoreQueue(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    for (const s of batch) this.buffer.add({ identity: s.identity, end: s.end, vector: s.vector });
    if (this.activeModel === null) return;
    // sessions still in their identity's learning period, and too short to judge, train but are never scored
    const grown = batch.filter((s) => !this.inputs.learning(s.vector));
    this.context.counters.inc(C.skippedLearning, batch.length - grown.length);
    const scored = grown.filter((s) => this.inputs.requests(s.vector) >= this.config.minSessionRequests);
    this.context.counters.inc(C.skippedShort, grown.length - scored.length);
    if (scored.length === 0) return;
    const result = this.score(scored.map((s) => s.vector));
    if (result === null) return;
    this.context.counters.inc(C.scored, scored.length);
    const meta = this.activeModel.meta;
    scored.forEach((s, i) => {
      const score = result.scores[i] as number;
      const error = result.errors[i] as number;
      this.remember(s.identity, score, s.end);
      const threshold = this.thresholdFor(s.identity) as number;
      for (const l of this.scoredListeners) l(s, score, error, threshold);
      if (error < threshold) return;
      this.context.counters.inc(C.overThreshold);
      // by default a session over the threshold only ranks the detectors' findings (annotate)
      if (!this.config.raiseAlerts) return;
      if (this.coolingDown(s.identity, s.end)) {
        this.context.counters.inc(C.cooldownSuppressed);
        return;
      }
      const d = this.inputs.size;
      const shares = errorShares(this.inputs, result.squared.subarray(i * d, (i + 1) * d), s.vector, meta.medians);
      this.reportedIdentity(s.identity);
      this.context.counters.inc(C.findings);
      this.context.report({
        detector: DETECTOR,
        ts: s.end,
        score: findingScore(error, threshold),
        identity: s.identity,
        explanation: {
          summary: explanationSummary(shares, score),
          factors: [
            { name: 'session score', value: Number(score.toFixed(4)), baseline: meta.calibration.thresholdQuantile },
            { name: 'reconstruction error', value: Number(error.toPrecision(4)), baseline: Number(threshold.toPrecision(4)) },
            ...explanationFactors(shares, TOP_FACTORS),
          ],
        },
        evidence: [],
      });
    });
  }

  /** True while `identity` is within cooldownSec of its last finding; else starts a new cooldown at `ts`. */
  private coolingDown(identity: string, ts: number): boolean {
    const last = this.lastFinding.get(identity);
    if (last !== undefined && ts - last < this.config.cooldownSec) return true;
    this.lastFinding.delete(identity);
    this.lastFinding.set(identity, ts);
    // bounded like the latest scores: the identity whose finding is oldest is forgotten first
    if (this.lastFinding.size > this.config.maxScoredIdentities) this.lastFinding.delete(this.lastFinding.keys().next().value as string);
    return false;
  }

  private remember(identity: string, score: number, ts: number): void {
    this.latest.delete(identity);
    this.latest.set(identity, { score, ts });
    if (this.latest.size > this.config.maxScoredIdentities) {
      const oldest = this.latest.keys().next().value as string;
      this.latest.delete(oldest);
      this.context.counters.inc(C.scoresEvicted);
    }
  }

  private reportedIdentity(identity: string): void {
    this.reported.delete(identity);
    this.reported.add(identity);
    if (this.reported.size > this.config.maxFlaggedIdentities) {
      this.reported.delete(this.reported.values().next().value as string);
      this.context.counters.inc(C.flaggedOverflow);
    }
  }

  private dueForTraining(now: number): boolean {
    return this.buffer.size >= this.config.minTrainingSessions && now >= this.nextTrainingAt;
  }

  private startTraining(now: number): boolean {
    if (this.buffer.size < this.config.minTrainingSessions) return false;
    const flagged = new Set([...this.flaggedFromAlerts, ...this.reported]);
    const forgiven = new Set([...this.falsePositives.keys()]);
    const selection = selectTrainingSet(this.buffer.records(), {
      flagged,
      forgiven,
      maxIdentityShare: this.config.maxIdentityShare,
      heldBack: this.config.heldBackSessions,
    });
    // try again after another interval rather than on every tick
    this.nextTrainingAt = now + this.config.retrainIntervalSec;
    if (selection.train.length < MIN_TRAINING_ROWS) {
      this.context.counters.inc(C.trainingTooSmall);
      return false;
    }
    const raw = selection.train.map((r) => r.vector);
    const scaler = this.inputs.fitScaler(this.inputs.normalised(raw));
    const version = this.nextVersion++;
    const seed = this.config.seed;
    const model = buildAutoencoder(this.architecture());
    const trainer = new AutoencoderTrainer(model, this.inputs.scaled(raw, scaler), {
      learningRate: this.config.learningRate,
      batchSize: this.config.batchSize,
      totalSteps: this.config.trainSteps,
      seed,
    });
    const feedback = selection.forgivenIdentities.reduce((sum, id) => sum + (this.falsePositives.get(id) ?? 0), 0);
    this.training = { trainer, selection, raw, scaler, version, feedback };
    this.lastSelection = selection;
    return true;
  }

  private finishTraining(now: number): void {
    const t = this.training as Training;
    this.training = null;
    const { trainer, selection, raw, scaler } = t;
    trainer.dispose();
    const errors = rowErrors(squaredErrors(trainer.model, this.inputs.scaled(raw, scaler), this.config.batchSize), this.inputs.size);
    const calibration = calibrate(errors, this.config.thresholdQuantile);
    const candidate: ActiveModel = {
      model: trainer.model,
      meta: {
        version: t.version,
        packetTime: now,
        trainingSessions: selection.train.length,
        identities: selection.identities,
        excludedFlagged: selection.excludedFlagged,
        cappedSessions: selection.capped,
        feedbackLearnedFrom: t.feedback,
        calibration,
        scaler,
        medians: this.inputs.rawMedians(raw),
        heldBack: { sessions: 0, meanScore: 0, alertRate: 0, drift: null },
        featureSchema: this.fingerprint,
        inputFeatures: this.inputs.features.map((f) => f.name),
        architecture: this.architecture(),
        trainSteps: trainer.steps,
        finalLoss: trainer.lastLoss,
      },
    };
    const held = selection.heldBack.map((r) => r.vector);
    const fresh = this.heldBackScores(candidate, held);
    const old = this.activeModel === null ? null : this.heldBackScores(this.activeModel, held);
    const drift = old === null || held.length === 0 ? null : meanAbsDifference(fresh.scores, old.scores);
    const metrics = { sessions: held.length, meanScore: mean(fresh.scores), alertRate: fresh.alertRate, drift };
    const accepted: ActiveModel = { model: candidate.model, meta: { ...candidate.meta, heldBack: metrics } };
    this.context.counters.inc(C.trainings);
    if (drift !== null && drift > this.config.maxDrift) {
      this.rejectForDrift(accepted, drift, now, held.length);
      return;
    }
    if (this.activeModel !== null) this.retired.push(this.activeModel.model);
    this.activeModel = accepted;
    this.unsaved.push(accepted);
    this.log.debug({ model: 'session', version: accepted.meta.version, sessions: selection.train.length, drift }, `session model ${versionName(accepted.meta.version)} trained on ${selection.train.length} sessions`);
  }

  private rejectForDrift(candidate: ActiveModel, drift: number, now: number, heldBack: number): void {
    this.context.counters.inc(C.driftRejected);
    const current = this.activeModel?.meta.version ?? 0;
    this.log.warn({ model: 'session', drift, maxDrift: this.config.maxDrift, kept: current }, `session model retraining rejected: held-back scores moved ${drift.toFixed(3)} (more than ${this.config.maxDrift})`);
    this.context.report({
      detector: DRIFT_DETECTOR,
      ts: now,
      score: 0.1,
      explanation: {
        summary: `A retrained session model was rejected: its scores on ${heldBack} recent clean sessions moved ${drift.toFixed(3)} on average (bound ${this.config.maxDrift}); ${versionName(current)} stays in use. Traffic changed, or someone is shaping it.`,
        factors: [
          { name: 'held-back score drift', value: Number(drift.toFixed(4)), baseline: this.config.maxDrift },
          { name: 'training sessions', value: candidate.meta.trainingSessions },
        ],
      },
      evidence: [],
    });
    candidate.model.dispose();
    // the rejected version number is not reused: a rejection stays visible as a gap
  }

  private saveVersions(): void {
    const pending = this.unsaved;
    this.unsaved = [];
    if (this.versions !== null) {
      for (const m of pending) {
        try {
          this.versions.save(m.model, m.meta);
          this.context.counters.inc(C.versionsSaved);
        } catch (err) {
          this.log.error({ model: 'session', err: (err as Error).message }, `saving session model ${versionName(m.meta.version)} failed`);
        }
      }
    }
    for (const m of this.retired) m.dispose();
    this.retired = [];
  }

  private refreshVerdicts(): void {
    // what was reported before this flush is in the alert store now: its open alerts hold them out
    this.reported.clear();
    const flagged = this.context.flagged(this.config.maxFlaggedIdentities);
    if (flagged.size > this.config.maxFlaggedIdentities) this.context.counters.inc(C.flaggedOverflow);
    this.flaggedFromAlerts = flagged;
    this.falsePositives = this.context.falsePositives(DETECTOR, this.config.maxFlaggedIdentities);
  }

  private architecture(): Architecture {
    return { inputSize: this.inputs.size, hiddenUnits: this.config.hiddenUnits, bottleneckUnits: this.config.bottleneckUnits, seed: this.config.seed };
  }

  private heldBackScores(m: ActiveModel, raw: readonly Float32Array[]): { scores: number[]; alertRate: number } {
    if (raw.length === 0) return { scores: [], alertRate: 0 };
    const errors = rowErrors(squaredErrors(m.model, this.inputs.scaled(raw, m.meta.scaler), this.config.batchSize), this.inputs.size);
    let over = 0;
    const scores = [...errors].map((e) => {
      if (e >= m.meta.calibration.thresholdError) over++;
      return scoreOf(m.meta.calibration, e);
    });
    return { scores, alertRate: over / raw.length };
  }

  private loadCurrent(): void {
    const store = this.versions;
    if (store === null) return;
    const existing = store.versions();
    this.nextVersion = (existing[existing.length - 1] ?? 0) + 1;
    const v = store.current();
    if (v === null) return;
    try {
      const meta = store.metadata(v);
      const arch = this.architecture();
      if (meta.featureSchema !== this.fingerprint) throw new Error(`trained on feature schema ${meta.featureSchema}, this build has ${this.fingerprint}`);
      if (meta.architecture.hiddenUnits !== arch.hiddenUnits || meta.architecture.bottleneckUnits !== arch.bottleneckUnits) throw new Error('its layer sizes differ from models.session');
      const model = buildAutoencoder(arch);
      setWeightsFromFiles(model, store.modelDir(v));
      this.activeModel = { model, meta };
      this.nextTrainingAt = meta.packetTime + this.config.retrainIntervalSec;
      this.log.debug({ model: 'session', version: v }, `session model ${versionName(v)} loaded`);
    } catch (err) {
      this.context.counters.inc(C.loadFailed);
      this.log.warn({ model: 'session', version: v, err: (err as Error).message }, `session model ${versionName(v)} not loaded (a new one trains): ${(err as Error).message}`);
    }
  }
}


function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanAbsDifference(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return a.length === 0 ? 0 : sum / a.length;
}

