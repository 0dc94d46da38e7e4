// The backend choice and the model files: what one backend saves, every backend loads and predicts
// with identically; the backends agree with each other within a float32 tolerance.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackend, initBackend } from '../../../src/models/backend';
import { loadModelFiles, setWeightsFromFiles, writeModelFiles } from '../../../src/models/model-files';
import { availableBackends, onBackend } from '../../helpers/tf-backends';

/** Outputs of different backends may differ by float32 rounding of sums in another order, no more. */
const CROSS_BACKEND_TOLERANCE = 1e-4;

function buildModel(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed + s });
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 40, outputDim: 8, inputLength: 24, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed }) }),
      tfl.layers.conv1d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.globalMaxPooling1d(),
      tfl.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(3) }),
    ],
  });
}

function inputs(): tf.Tensor {
  const rows = Array.from({ length: 5 }, (_, r) => Array.from({ length: 24 }, (_, c) => (r * 7 + c * 3) % 40));
  return tf.tensor2d(rows, [5, 24], 'int32');
}

function predict(model: tfl.LayersModel): Float32Array {
  const x = inputs();
  const y = model.predict(x, { batchSize: 5 }) as tf.Tensor;
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  return Float32Array.from(out);
}

t.test('initBackend picks the fastest backend that loads and says which', async (t) => {
  const info = await initBackend('auto');
  t.ok(['tensorflow', 'wasm'].includes(info.name), `auto never falls to cpu when wasm ships (got ${info.name})`);
  t.equal(tf.getBackend(), info.name);
  t.match(describeBackend(info), new RegExp(`^TF\\.js models run on the ${info.name} backend \\(@tensorflow/`));
  t.equal(await initBackend('cpu'), info, 'one choice per process');
});

t.test('save on one backend, load on every backend: identical predictions', async (t) => {
  const backends = await availableBackends();
  t.ok(backends.includes('wasm') && backends.includes('cpu'), `wasm and cpu always load (${backends.join(', ')})`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tapwatch-model-'));
  const reference = await onBackend('cpu', () => {
    const model = buildModel(7);
    writeModelFiles(model, dir);
    return predict(model);
  });
  for (const name of backends) {
    await onBackend(name, async () => {
      const loaded = await loadModelFiles(dir);
      const a = predict(loaded);
      const again = await loadModelFiles(dir);
      t.same(Array.from(predict(again)), Array.from(a), `${name}: two loads predict identically`);
      const built = buildModel(99);
      setWeightsFromFiles(built, dir);
      t.same(Array.from(predict(built)), Array.from(a), `${name}: weights set from the files predict as the loaded model`);
      const worst = Math.max(...a.map((v, i) => Math.abs(v - (reference[i] as number))));
      t.ok(worst <= CROSS_BACKEND_TOLERANCE, `${name} agrees with cpu within ${CROSS_BACKEND_TOLERANCE} (worst ${worst.toExponential(2)})`);
      loaded.dispose();
      again.dispose();
      built.dispose();
    });
  }
});

t.test('a file written by tfjs-node file:// loads here', async (t) => {
  const backends = await availableBackends();
  if (!backends.includes('tensorflow')) {
    t.pass('skipped: needs @tensorflow/tfjs-node (native/install-tensorflow.sh)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tapwatch-model-node-'));
  await onBackend('tensorflow', async () => {
    const model = buildModel(3);
    await model.save(`file://${dir}`);
    const expected = predict(model);
    const loaded = await loadModelFiles(dir);
    t.same(Array.from(predict(loaded)), Array.from(expected));
    // and the other way: tfjs-node reads what writeModelFiles wrote
    const ours = path.join(dir, 'ours');
    writeModelFiles(model, ours);
    const node = await tfl.loadLayersModel(`file://${ours}/model.json`);
    t.same(Array.from(predict(node)), Array.from(expected));
  });
});

t.test('a weights file that does not fit the model is refused with a clear error', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapwatch-model-bad-'));
  await onBackend('cpu', () => {
    writeModelFiles(buildModel(1), dir);
    const other = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
    t.throws(() => setWeightsFromFiles(other, dir), /weights saved, the model has/);
  });
});
