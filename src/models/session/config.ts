// The session autoencoder's options (`models.session`).
import { z } from 'zod';

const positiveInt = (max: number) => z.number().int().positive().max(max);

export const sessionModelSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Score every ended session against an autoencoder trained on the site's own sessions."),
    seed: z.number().int().nonnegative().default(1).describe('Seed of the initial weights and the mini-batch shuffles: the same traffic and seed give the same model.'),
    hiddenUnits: positiveInt(256).default(12).describe('Units of the encoder and decoder layers.'),
    bottleneckUnits: positiveInt(64).default(4).describe('Units of the code layer (smaller: a coarser picture of normal).'),
    learningRate: z.number().positive().max(1).default(0.01).describe('Adam learning rate.'),
    batchSize: positiveInt(4096).default(256).describe('Sessions per training step and per scoring batch.'),
    trainSteps: positiveInt(100_000).default(250).describe('Mini-batch steps of one training.'),
    trainStepsPerTick: positiveInt(10_000).default(25).describe('Training steps run on one tick, so a retrain never holds capture up for long.'),
    minTrainingSessions: positiveInt(1_000_000).default(300).describe('Ended sessions collected before the first training.'),
    maxBufferedSessions: positiveInt(1_000_000).default(20_000).describe('Bound of the recent-session buffer training draws from (oldest dropped, counted).'),
    maxQueuedSessions: positiveInt(1_000_000).default(10_000).describe('Bound of the ended sessions waiting for the next tick to be scored (drops counted).'),
    maxIdentityShare: z.number().positive().max(1).default(0.05).describe('Most of one training set one identity may fill (its most recent sessions are kept).'),
    heldBackSessions: positiveInt(100_000).default(200).describe('Most recent clean sessions kept out of training to judge a retrained model.'),
    thresholdQuantile: z.number().min(0.5).max(1).default(0.999).describe('Quantile of the training reconstruction errors that a session must reach to be reported.'),
    raiseAlerts: z
      .boolean()
      .default(false)
      .describe("Report sessions over the threshold as `session-model` alerts of their own. Off by default: on the generated weeks it added 4 to 67 false alerts a week (seeds 7, 8, 9, 21) where the detectors had none; its scores still rank the detectors' findings (annotate), and models.session.over_threshold counts the sessions it would report."),
    minSessionRequests: positiveInt(1_000_000)
      .default(3)
      .describe('Sessions with fewer requests train the model but are not scored: one or two requests are no behaviour to judge (models.session.skipped_short).'),
    cooldownSec: z
      .number()
      .min(0)
      .default(86_400)
      .describe('Packet-time seconds after a finding during which the same identity raises no other (models.session.cooldown_suppressed): its sessions keep being scored for annotations.'),
    retrainIntervalSec: z.number().positive().default(86_400).describe('Packet time between retrainings on recent clean sessions.'),
    maxDrift: z.number().positive().max(1).default(0.2).describe('Largest mean change of the held-back sessions\' scores a retrained model may bring; beyond it the model is rejected (drift alarm).'),
    keepVersions: positiveInt(100).default(5).describe('Model versions kept in the state directory (rollback targets).'),
    maxFlaggedIdentities: positiveInt(1_000_000).default(10_000).describe('Bound of identities held out of training (open or confirmed alerts, and those this model reported).'),
    maxScoredIdentities: positiveInt(1_000_000).default(50_000).describe("Bound of identities whose latest session score is kept for annotating the detectors' findings."),
    feedbackStepFactor: z.number().min(1).max(10).default(1.5).describe("Each false-positive verdict on this model's alert multiplies that identity's error threshold by this."),
    feedbackMaxFactor: z.number().min(1).max(100).default(4).describe('Cap of the threshold factor false positives can reach.'),
    annotateMinScore: z.number().min(0).max(1).default(0.95).describe("A detector finding whose identity's latest session scores at least this gains rank."),
    annotateBoost: z.number().min(0).max(1).default(0.1).describe('How much a detector finding the model also finds odd gains: score + boost × (1 − score).'),
  })
  .strict();
export type SessionModelConfig = z.infer<typeof sessionModelSchema>;
