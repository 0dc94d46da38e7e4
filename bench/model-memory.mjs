// Memory of the models over a long replay (issue 14: "tensors are disposed; memory stays flat over a
// long replay"): replays capture files through the product's own composition (eval's replayCaptures:
// default config, every stage and both models on, a state database in a temporary directory) and, on
// every packet-time hour, forces a garbage collection and records the live TF.js tensors and their
// bytes, the JS heap in use and the resident set. A tensor leak shows as a rising tensor count; the
// verdict compares the second and last quarters of the samples, as bench/rss-trace.mjs does.
//
//   node --expose-gc bench/model-memory.mjs [--out FILE.json] [--every-sec N] [--models-off] FILE...
//
// Needs a build (npx tsc -p tsconfig.json) and capture files, e.g. a generated week:
//   node dist/cli/main.js simulate --seed 7 --out /work/scen/seed7
//   node --expose-gc bench/model-memory.mjs --out bench/results/model-memory-week7.json /work/scen/seed7/day-*.pcap
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gitRevision, machineInfo } from './lib/host.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => require(path.join(ROOT, 'dist', p));

const opts = { out: null, everySec: 3600, models: true, files: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--out') opts.out = argv[++i];
  else if (argv[i] === '--every-sec') opts.everySec = Number(argv[++i]);
  else if (argv[i] === '--models-off') opts.models = false;
  else opts.files.push(argv[i]);
}
if (opts.files.length === 0 || typeof globalThis.gc !== 'function') {
  console.error('usage: node --expose-gc bench/model-memory.mjs [--out FILE.json] [--every-sec N] [--models-off] FILE...');
  process.exit(1);
}

const { buildConfig } = dist('config/load.js');
const { replayCaptures } = dist('eval/replay.js');
const { currentBackend } = dist('models/backend.js');
const tf = require('@tensorflow/tfjs-core');

const base = buildConfig({});
// --models-off: the same replay without the models, to tell their growth from the stages' own
const config = { ...base, outputs: { ...base.outputs, webhooks: [], syslog: [] }, models: { ...base.models, enabled: opts.models } };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapwatch-model-memory-'));
const samples = [];
let next = null;
const sample = (packetTs) => {
  globalThis.gc();
  const m = tf.memory();
  const mem = process.memoryUsage();
  samples.push({
    packetTs,
    wallSec: Math.round(process.uptime()),
    tensors: m.numTensors,
    tensorMiB: round(m.numBytes / 2 ** 20),
    heapUsedMiB: round(mem.heapUsed / 2 ** 20),
    externalMiB: round(mem.external / 2 ** 20),
    rssMiB: round(mem.rss / 2 ** 20),
  });
};
const observer = {
  name: 'model-memory',
  onTransaction() {},
  onTick(now) {
    if (next === null) next = now + opts.everySec;
    if (now < next) return;
    next = now + opts.everySec;
    sample(now);
  },
};

const started = Date.now();
const outcome = await replayCaptures({ files: opts.files, config, dbPath: path.join(dir, 'tapwatch.db'), observers: [observer] });
fs.rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.floor(s.length / 2)];
};
const quarter = (key, q) => median(samples.slice(Math.floor((samples.length * q) / 4), Math.floor((samples.length * (q + 1)) / 4)).map((s) => s[key]));
const growth = {};
for (const key of ['tensors', 'tensorMiB', 'heapUsedMiB', 'rssMiB']) growth[key] = { secondQuarter: quarter(key, 1), lastQuarter: quarter(key, 3) };
const doc = {
  bench: 'model-memory',
  date: new Date().toISOString(),
  revision: gitRevision(),
  machine: machineInfo(),
  models: opts.models,
  backend: opts.models ? (currentBackend()?.name ?? null) : null,
  files: opts.files.map((f) => path.basename(f)),
  packets: outcome.packets,
  transactions: outcome.transactions,
  alerts: outcome.alerts.length,
  wallSec: Math.round((Date.now() - started) / 1000),
  everyPacketSec: opts.everySec,
  growth,
  samples,
};
const text = JSON.stringify(doc, null, 2);
if (opts.out) fs.writeFileSync(opts.out, text + '\n');
console.log(`${samples.length} samples over ${doc.wallSec} s on ${doc.backend}: tensors ${growth.tensors.secondQuarter} -> ${growth.tensors.lastQuarter}, heap after GC ${growth.heapUsedMiB.secondQuarter} -> ${growth.heapUsedMiB.lastQuarter} MiB, RSS ${growth.rssMiB.secondQuarter} -> ${growth.rssMiB.lastQuarter} MiB (second quarter -> last quarter)`);

function round(x) {
  return Math.round(x * 10) / 10;
}
