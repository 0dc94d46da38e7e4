// Model inference speed (issue 14's benchmark): rows/s of the shipped payload model and of a session
// autoencoder per TF.js backend (tensorflow where native/install-tensorflow.sh ran, wasm, cpu) and
// batch size, on real request texts (the first-run scenario's requests with a payload and the
// scenario generator's attack payloads), best of --runs timings after a warm-up batch.
// Results of a run: bench/results/model-inference-*.json.
//
//   node bench/model-inference.mjs [--runs N] [--rows N] [--out FILE.json]
//
// Needs a build (npm run build). The end-to-end cost of the models (the product with models on vs
// off) is `node bench/run.mjs --models`.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gitRevision, machineInfo } from './lib/host.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => require(path.join(ROOT, 'dist', p));

const opts = { runs: 3, rows: 4096, out: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
  else if (argv[i] === '--rows') opts.rows = Number(argv[++i]);
  else if (argv[i] === '--out') opts.out = argv[++i];
  else {
    console.error('usage: node bench/model-inference.mjs [--runs N] [--rows N] [--out FILE.json]');
    process.exit(1);
  }
}

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const wasm = require('@tensorflow/tfjs-backend-wasm');

async function backends() {
  const out = [];
  try {
    require('@tensorflow/tfjs-node');
    out.push('tensorflow');
  } catch {
    console.log('tensorflow backend: not installed (npm run models:backend)');
  }
  tf.enableProdMode();
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  if (await tf.setBackend('wasm')) out.push('wasm');
  if (await tf.setBackend('cpu')) out.push('cpu');
  return out;
}

function time(f, runs) {
  f(); // warm-up: kernels compiled, buffers allocated
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

async function payloadTexts(rows) {
  const corpora = dist('cli/payload-eval-corpora.js');
  const { requestText } = dist('models/payload/request-text.js');
  const benign = (await corpora.firstRunBenignTexts()).texts;
  const attacks = corpora.generatorAttacks([1, 2, 3], 40).map((a) => requestText(a.parts));
  const all = [...benign, ...attacks];
  return Array.from({ length: rows }, (_, i) => all[i % all.length]);
}

const main = async () => {
  const names = await backends();
  const { PayloadScorer } = dist('models/payload/scorer.js');
  const texts = await payloadTexts(opts.rows);
  const results = [];
  for (const backend of names) {
    await tf.setBackend(backend);
    const scorer = PayloadScorer.open();
    // the plain-JavaScript backend is ~100x slower: fewer rows keep the run short
    const rows = backend === 'cpu' ? texts.slice(0, 256) : texts;
    for (const batch of [1, 16, 64, 256, 1024]) {
      if (backend === 'cpu' && batch === 1) continue;
      const n = batch === 1 ? rows.slice(0, 256) : rows;
      const sec = time(() => scorer.score(n, batch), opts.runs);
      const r = { model: 'payload', backend, batch, rows: n.length, sec: Number(sec.toFixed(4)), rowsPerSec: Math.round(n.length / sec) };
      results.push(r);
      console.log(`payload  ${backend.padEnd(10)} batch ${String(batch).padStart(4)}: ${String(r.rowsPerSec).padStart(7)} rows/s`);
    }
    scorer.dispose();
    const session = sessionBench(backend, opts.rows);
    for (const r of session) {
      results.push(r);
      console.log(`session  ${backend.padEnd(10)} batch ${String(r.batch).padStart(4)}: ${String(r.rowsPerSec).padStart(7)} rows/s`);
    }
  }
  const report = { bench: 'model-inference', date: new Date().toISOString(), git: gitRevision(), machine: machineInfo(), runs: opts.runs, results };
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify(report, null, 1) + '\n');
};

/** The session autoencoder as the product builds it (default sizes, 17 inputs; seeded weights: speed only). */
function sessionBench(backend, rows) {
  const { buildAutoencoder, squaredErrors } = dist('models/session/autoencoder.js');
  const width = 17;
  const model = buildAutoencoder({ inputSize: width, hiddenUnits: 12, bottleneckUnits: 4, seed: 1 });
  const x = new Float32Array(rows * width).map((_, i) => ((i * 7919) % 97) / 97 - 0.5);
  const out = [];
  for (const batch of [1, 64, 256, 1024]) {
    const n = batch === 1 ? 256 : backend === 'cpu' ? Math.min(rows, 1024) : rows;
    const sec = time(() => squaredErrors(model, x.subarray(0, n * width), batch), opts.runs);
    out.push({ model: 'session', backend, batch, rows: n, sec: Number(sec.toFixed(4)), rowsPerSec: Math.round(n / sec) });
  }
  model.dispose();
  return out;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
