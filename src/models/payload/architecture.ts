// The payload classifier: characters → embedding → one conv1d → global max pool → dense → sigmoid.
// Small on purpose: it scores every request with parameters or a body (see models/README.md for the
// sizes measured). Every initialiser is seeded, so the same seed and data give the same weights.
import * as tfl from '@tensorflow/tfjs-layers';
import { VOCAB_SIZE } from './tokeniser';

export interface PayloadArchitecture {
  /** Characters read per request (longer texts are cut, shorter padded). */
  readonly maxLen: number;
  readonly embedding: number;
  readonly filters: number;
  readonly kernel: number;
  readonly dense: number;
}

export const DEFAULT_ARCHITECTURE: PayloadArchitecture = { maxLen: 320, embedding: 16, filters: 64, kernel: 5, dense: 32 };

export function buildPayloadModel(arch: PayloadArchitecture, seed: number): tfl.LayersModel {
  const model = tfl.sequential({ name: 'payload_cnn' });
  model.add(tfl.layers.embedding({ inputDim: VOCAB_SIZE, outputDim: arch.embedding, inputLength: arch.maxLen, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }), name: 'chars' }));
  model.add(tfl.layers.conv1d({ filters: arch.filters, kernelSize: arch.kernel, activation: 'relu', padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }), name: 'ngrams' }));
  model.add(tfl.layers.globalMaxPooling1d({ name: 'strongest' }));
  model.add(tfl.layers.dense({ units: arch.dense, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }), name: 'hidden' }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 }), name: 'attack' }));
  return model;
}
