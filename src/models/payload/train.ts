// Training the payload classifier: seeded shuffles of the training rows each epoch, model.fit on
// the chosen backend, a threshold calibrated on the validation slice, metrics on the evaluation sets.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildPayloadModel, type PayloadArchitecture } from './architecture';
import { binaryMetrics, calibrateThreshold, shareAtOrOver, type BinaryMetrics } from './metrics';
import { predictScores } from './predict';
import { SeededRandom } from '../prng';
import type { LabelledText } from './splits';
import { encodeBatch } from './tokeniser';

export interface FitOptions {
  readonly arch: PayloadArchitecture;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Called after each epoch with its mean loss. */
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

export async function fitPayloadModel(rows: readonly LabelledText[], opts: FitOptions): Promise<tfl.LayersModel> {
  const model = buildPayloadModel(opts.arch, opts.seed);
  model.compile({ optimizer: tf.train.adam(opts.learningRate), loss: 'binaryCrossentropy' });
  const rng = new SeededRandom(opts.seed ^ 0x5eed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // fit's own shuffle uses Math.random: shuffle here, seeded, and let fit keep the order
    rng.shuffle(order);
    const texts = order.map((i) => (rows[i] as LabelledText).text);
    const x = tf.tensor2d(encodeBatch(texts, opts.arch.maxLen), [rows.length, opts.arch.maxLen], 'int32');
    const y = tf.tensor2d(Float32Array.from(order, (i) => (rows[i] as LabelledText).label), [rows.length, 1]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: opts.batchSize, shuffle: false, verbose: 0 });
    x.dispose();
    y.dispose();
    opts.onEpoch?.(epoch + 1, Number(history.history.loss?.[0] ?? NaN));
  }
  return model;
}

export interface Calibration {
  readonly threshold: number;
  readonly validationMetrics: BinaryMetrics;
}

/** The threshold that keeps the validation false-positive rate at `targetFpr` (benign validation rows only decide it). */
export function calibrate(model: tfl.LayersModel, validation: readonly LabelledText[], maxLen: number, targetFpr: number, batchSize: number): Calibration {
  const scores = predictScores(model, validation.map((r) => r.text), maxLen, batchSize);
  const normal = scores.filter((_, i) => validation[i]?.label === 0);
  const threshold = calibrateThreshold(normal, targetFpr);
  return { threshold, validationMetrics: binaryMetrics(scores, validation.map((r) => r.label), threshold) };
}

export interface SetEvaluation {
  readonly metrics: BinaryMetrics;
  /** Recall (attack classes) or flagged share (benign classes) per class. */
  readonly byClass: Record<string, number>;
}

export function evaluateRows(model: tfl.LayersModel, rows: readonly LabelledText[], maxLen: number, threshold: number, batchSize: number): SetEvaluation {
  const scores = predictScores(model, rows.map((r) => r.text), maxLen, batchSize);
  const classes = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = classes.get(r.cls) ?? [];
    list.push(scores[i] as number);
    classes.set(r.cls, list);
  });
  const byClass: Record<string, number> = {};
  for (const [cls, list] of [...classes].sort(([a], [b]) => a.localeCompare(b))) byClass[cls] = shareAtOrOver(list, threshold);
  return { metrics: binaryMetrics(scores, rows.map((r) => r.label), threshold), byClass };
}
