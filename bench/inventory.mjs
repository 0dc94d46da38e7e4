// Inventory micro-benchmark: transactions/s through templating + learning alone (no capture, no
// HTTP parsing, no SQLite). The transactions come from a real capture run through the pipeline
// once and kept in memory; each timed pass feeds them to a fresh Inventory.
//
//   node bench/inventory.mjs [--capture FILE] [--limit N] [--runs N] [--json]
//
// Reported per setting: the default sampling (full analysis of an endpoint's first calls, then
// novelty-driven sampling), and full analysis of every call (the classifier's own cost).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

export async function collectTransactions(capture, limit) {
  const { buildConfig } = require(path.join(DIST, 'config/load.js'));
  const { Sensor } = require(path.join(DIST, 'daemon/sensor.js'));
  const { FileSource } = require(path.join(DIST, 'capture/file-source.js'));
  const config = buildConfig({});
  const sensor = new Sensor(config);
  const txs = [];
  sensor.onTransaction((tx) => {
    if (txs.length < limit) txs.push(tx);
  });
  await sensor.consume(new FileSource(capture, { filter: '', batchBytes: config.capture.batchBytes }));
  sensor.finish();
  return txs;
}

/** Seconds to feed every transaction to a fresh Inventory with `inventoryOverrides`. */
export function timeInventory(txs, inventoryOverrides) {
  const { buildConfig } = require(path.join(DIST, 'config/load.js'));
  const { Counters } = require(path.join(DIST, 'core/counters.js'));
  const { Inventory } = require(path.join(DIST, 'inventory/inventory.js'));
  const config = buildConfig({ inventory: inventoryOverrides });
  const counters = new Counters();
  const inventory = new Inventory(config.inventory, config.store, counters, null, () => {});
  const t0 = process.hrtime.bigint();
  for (const tx of txs) inventory.observe(tx);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  return { sec, endpoints: inventory.size, analysed: txs.length - counters.get('inventory.sampled_out') };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function inventoryBench({ capture, limit = 100000, runs = 5 }) {
  const txs = await collectTransactions(capture, limit);
  const settings = [
    { name: 'default sampling', overrides: {} },
    { name: 'every call analysed', overrides: { fullAnalysisCalls: 1e9 } },
  ];
  const results = [];
  for (const s of settings) {
    timeInventory(txs, s.overrides); // warm-up: JIT, caches
    const passes = [];
    for (let i = 0; i < runs; i++) passes.push(timeInventory(txs, s.overrides));
    const sec = median(passes.map((p) => p.sec));
    results.push({ setting: s.name, transactions: txs.length, analysed: passes[0].analysed, endpoints: passes[0].endpoints, sec, txPerSec: txs.length / sec, usPerTx: (sec / txs.length) * 1e6 });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const get = (flag, dflt) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const capture = get('--capture', path.join(ROOT, 'bench/out/keepalive.pcap'));
  if (!existsSync(capture)) {
    console.error(`${capture} not found: make it with bench/make-capture.sh or pass --capture FILE`);
    process.exit(2);
  }
  const results = await inventoryBench({ capture, limit: Number(get('--limit', 100000)), runs: Number(get('--runs', 5)) });
  if (args.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const r of results) console.log(`${r.setting.padEnd(22)} ${r.transactions} tx (${r.analysed} analysed, ${r.endpoints} endpoints): ${Math.round(r.txPerSec)} tx/s, ${r.usPerTx.toFixed(2)} µs/tx`);
}
