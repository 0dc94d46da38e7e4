// Scores of request texts from a loaded model, in batches, synchronously: the tensors of each batch
// are disposed before the next, and the scores are read outside tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { encodeBatch } from './tokeniser';

export function predictScores(model: tfl.LayersModel, texts: readonly string[], maxLen: number, batchSize: number): Float32Array {
  const out = new Float32Array(texts.length);
  for (let start = 0; start < texts.length; start += batchSize) {
    const rows = texts.slice(start, start + batchSize);
    const input = tf.tensor2d(encodeBatch(rows, maxLen), [rows.length, maxLen], 'int32');
    const output = model.predict(input, { batchSize }) as tf.Tensor;
    out.set(output.dataSync() as Float32Array, start);
    input.dispose();
    output.dispose();
  }
  return out;
}
