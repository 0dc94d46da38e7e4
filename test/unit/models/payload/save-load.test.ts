// Save → load → predict gives identical scores on every backend here (wasm and cpu always,
// tensorflow when tfjs-node loads), through both loaders (TF.js's from model.json, and weights set on
// a model built in code); and the shipped model scores alike on every backend (within 1e-4: the
// backends sum in different orders).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import t from 'tap';
import { loadModelFiles, setWeightsFromFiles, writeModelFiles } from '../../../../src/models/model-files';
import { buildPayloadModel, type PayloadArchitecture } from '../../../../src/models/payload/architecture';
import { predictScores } from '../../../../src/models/payload/predict';
import { PayloadScorer } from '../../../../src/models/payload/scorer';

const ARCH: PayloadArchitecture = { maxLen: 64, embedding: 8, filters: 8, kernel: 3, dense: 4 };
const TEXTS = ['GET /api/users?limit=10', "GET /search?q=' or 1=1--", 'POST /login\nuser=ann&password=x', 'GET /files?name=../../etc/passwd', ''];
const CROSS_BACKEND_TOLERANCE = 1e-4;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-payload-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

async function useBackend(name: string): Promise<string | false> {
  try {
    if (name === 'wasm') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the backend
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    }
    if (name === 'tensorflow') {
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native backend
      require('@tensorflow/tfjs-node');
    }
    return (await tf.setBackend(name)) ? false : `the ${name} backend did not initialise`;
  } catch (err) {
    return `the ${name} backend is not available here (${(err as Error).message.split('\n')[0] ?? ''})`;
  }
}

const shipped = new Map<string, Float32Array>();

for (const backend of ['wasm', 'cpu', 'tensorflow']) {
  t.test(`save → load → predict on ${backend}`, async (t) => {
    const skip = await useBackend(backend);
    if (skip !== false) {
      t.plan(0, skip);
      return;
    }
    const model = buildPayloadModel(ARCH, 7);
    const before = predictScores(model, TEXTS, ARCH.maxLen, 4);
    const dir = path.join(tmp, backend);
    writeModelFiles(model, dir);
    const loaded = await loadModelFiles(dir);
    t.same(Array.from(predictScores(loaded, TEXTS, ARCH.maxLen, 4)), Array.from(before), 'TF.js loader: identical scores');
    const rebuilt = buildPayloadModel(ARCH, 99);
    t.not(Array.from(predictScores(rebuilt, TEXTS, ARCH.maxLen, 4)).join(), Array.from(before).join(), 'another seed scores otherwise');
    setWeightsFromFiles(rebuilt, dir);
    t.same(Array.from(predictScores(rebuilt, TEXTS, ARCH.maxLen, 4)), Array.from(before), 'weights set on a model built in code: identical scores');
    for (const m of [model, loaded, rebuilt]) m.dispose();
    try {
      const scorer = PayloadScorer.open();
      shipped.set(backend, scorer.score(TEXTS));
      scorer.dispose();
    } catch {
      // no shipped model in this checkout: the cross-backend test says so
    }
  });
}

t.test('the shipped model scores alike on every backend', async (t) => {
  const [first, ...rest] = [...shipped];
  if (first === undefined) {
    t.plan(0, 'no shipped model (models/payload) could be loaded');
    return;
  }
  t.ok(rest.length > 0, 'at least two backends ran');
  for (const [name, scores] of rest) {
    const worst = Math.max(...Array.from(scores, (s, i) => Math.abs(s - (first[1][i] as number))));
    t.ok(worst <= CROSS_BACKEND_TOLERANCE, `${name} vs ${first[0]}: largest difference ${worst}`);
  }
});
