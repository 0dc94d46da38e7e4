// The TF.js backends a test can run on here: wasm and cpu always (they ship as dependencies), and
// tensorflow where native/install-tensorflow.sh built tfjs-node. Tests that must hold on every
// backend switch between them with tf.setBackend; the product picks one per process (initBackend).
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'tensorflow' | 'wasm' | 'cpu';

let registered: TestBackend[] | null = null;

/** Registers every backend that loads and returns their names, tensorflow first when present. */
export async function availableBackends(): Promise<TestBackend[]> {
  if (registered !== null) return registered;
  const out: TestBackend[] = [];
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- present only after native/install-tensorflow.sh
    require('@tensorflow/tfjs-node');
    out.push('tensorflow');
  } catch {
    // not installed here: wasm and cpu remain
  }
  tf.enableProdMode();
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  if (await tf.setBackend('wasm')) out.push('wasm');
  if (await tf.setBackend('cpu')) out.push('cpu');
  registered = out;
  return out;
}

/** Runs `f` on backend `name` (which must be available). */
export async function onBackend<T>(name: TestBackend, f: () => T | Promise<T>): Promise<T> {
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} did not initialise`);
  return f();
}
