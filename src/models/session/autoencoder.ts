// The session autoencoder (tfjs-layers): the standardised session inputs squeezed through a small
// code layer and back; a session far from the site's normal is reconstructed badly. Training is
// synchronous and incremental (a bounded number of Adam steps per call, on seeded mini-batches) so a
// retrain runs across ticks without holding capture up, and the same rows and seed give the same weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '../prng';

export interface Architecture {
  /** Inputs (and outputs). */
  readonly inputSize: number;
  readonly hiddenUnits: number;
  readonly bottleneckUnits: number;
  readonly seed: number;
}

/** A fresh autoencoder with seeded initial weights (every layer its own seed derived from `seed`). */
export function buildAutoencoder(arch: Architecture): tfl.LayersModel {
  const sizes = [arch.hiddenUnits, arch.bottleneckUnits, arch.hiddenUnits, arch.inputSize];
  const model = tfl.sequential({ name: 'session_autoencoder' });
  sizes.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        ...(i === 0 ? { inputShape: [arch.inputSize] } : {}),
        activation: i === sizes.length - 1 ? 'linear' : 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: arch.seed * 31 + i }),
        biasInitializer: 'zeros',
        name: `dense_${i}`,
      }),
    );
  });
  return model;
}

export interface TrainerOptions {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly totalSteps: number;
  readonly seed: number;
}

/** Trains one model on fixed rows, a few steps at a time. Dispose when done. */
export class AutoencoderTrainer {
  private readonly x: tf.Tensor2D;
  private readonly optimizer: tf.Optimizer;
  private readonly random: SeededRandom;
  private readonly rows: number;
  private order: Int32Array;
  private pos = 0;
  private stepsDone = 0;
  /** Mean squared error of the last mini-batch. */
  lastLoss = Number.NaN;

  constructor(
    readonly model: tfl.LayersModel,
    scaled: Float32Array,
    private readonly opts: TrainerOptions,
  ) {
    const size = inputSizeOf(model);
    this.rows = scaled.length / size;
    if (this.rows < 1) throw new Error('session model: no training rows');
    this.x = tf.tensor2d(scaled, [this.rows, size]);
    this.optimizer = tf.train.adam(opts.learningRate);
    this.random = new SeededRandom(opts.seed);
    this.order = this.random.permutation(this.rows);
  }

  get done(): boolean {
    return this.stepsDone >= this.opts.totalSteps;
  }

  get steps(): number {
    return this.stepsDone;
  }

  /** Runs up to `maxSteps` steps; returns how many ran. */
  step(maxSteps: number): number {
    const vars = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    let ran = 0;
    while (ran < maxSteps && !this.done) {
      const idx = this.nextBatch();
      const loss = this.optimizer.minimize(
        () => {
          const batch = tf.gather(this.x, idx);
          const out = this.model.apply(batch, { training: true }) as tf.Tensor;
          return tf.losses.meanSquaredError(batch, out) as tf.Scalar;
        },
        true,
        vars,
      );
      idx.dispose();
      if (loss !== null) {
        this.lastLoss = (loss.dataSync() as Float32Array)[0] as number;
        loss.dispose();
      }
      this.stepsDone++;
      ran++;
    }
    return ran;
  }

  dispose(): void {
    this.x.dispose();
    this.optimizer.dispose();
  }

  /** The next mini-batch's row indices (a new seeded shuffle every epoch). */
  private nextBatch(): tf.Tensor1D {
    const size = Math.min(this.opts.batchSize, this.rows);
    if (this.pos + size > this.rows) {
      this.order = this.random.permutation(this.rows);
      this.pos = 0;
    }
    const idx = tf.tensor1d(this.order.subarray(this.pos, this.pos + size), 'int32');
    this.pos += size;
    return idx;
  }
}

/** The model's input width. */
export function inputSizeOf(model: tfl.LayersModel): number {
  const shape = model.inputs[0]?.shape;
  const size = shape?.[shape.length - 1];
  if (typeof size !== 'number') throw new Error(`model ${model.name}: no fixed input width`);
  return size;
}

/** Squared reconstruction error of every input of every row (row-major, rows × input width). */
export function squaredErrors(model: tfl.LayersModel, scaled: Float32Array, batchSize: number): Float32Array {
  const size = inputSizeOf(model);
  const rows = scaled.length / size;
  if (rows === 0) return new Float32Array(0);
  const x = tf.tensor2d(scaled, [rows, size]);
  const err = tf.tidy(() => {
    const out = model.predict(x, { batchSize }) as tf.Tensor;
    return tf.squaredDifference(x, out);
  });
  const values = new Float32Array(err.dataSync() as Float32Array);
  x.dispose();
  err.dispose();
  return values;
}

/** Mean of each row's squared errors (the session's reconstruction error); `size` inputs a row. */
export function rowErrors(squared: Float32Array, size: number): Float64Array {
  const rows = squared.length / size;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < size; j++) sum += squared[i * size + j] as number;
    out[i] = sum / size;
  }
  return out;
}
