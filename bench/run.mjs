// Tapwatch benchmark.
//
//   node bench/run.mjs [options] [CAPTURE ...]
//
// HTTP mode (default): for each capture, Tapwatch's whole pipeline (decode, TCP
// reassembly, HTTP/1.x transactions) against Suricata single-thread (HTTP app-layer
// only, eve http logging) and tshark (HTTP dissector), with tcpdump's read floor for
// scale; transaction counts checked against nginx's access log (the ground truth).
// --decode-only: the older read + decode comparison, tcpdump -r vs tapwatch replay.
// --inventory: the endpoint inventory's cost: transactions/s through templating + learning
// alone (bench/inventory.mjs), and end-to-end replay with the inventory (and its SQLite
// file) on vs off, alternating.
// --identity: the product with identities and baselines on vs off, alternating.
// --detectors: the product with every detector on vs off, alternating.
// --models: the product with the TF.js models on vs off, alternating.
// `npm run bench` runs the HTTP mode, then the inventory, identity, detectors and models modes.
//
// CAPTURE is `keepalive`, `close`, `keepalive-mtu1500` (bench/out/<name>.pcap, made
// by bench/make-capture.sh when missing) or a path to any classic .pcap file.
// Default: keepalive close (+ keepalive-mtu1500 when its file exists).
// See bench/README.md for what the numbers mean.
import { runDecodeMode } from './lib/decode-mode.mjs';
import { runHttpMode } from './lib/http-mode.mjs';
import { runDetectorsMode } from './lib/detectors-mode.mjs';
import { runIdentityMode } from './lib/identity-mode.mjs';
import { runInventoryMode } from './lib/inventory-mode.mjs';
import { runModelsMode } from './lib/models-mode.mjs';
import { parseArgs } from './lib/options.mjs';
import { killRunning } from './lib/timed-run.mjs';

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killRunning();
    process.exit(130);
  });
}

const opts = parseArgs(process.argv.slice(2));
const main = async () => {
  if (opts.decodeOnly) return runDecodeMode(opts);
  if (opts.inventoryOnly) return runInventoryMode(opts);
  if (opts.identityOnly) return runIdentityMode(opts);
  if (opts.detectorsOnly) return runDetectorsMode(opts);
  if (opts.modelsOnly) return runModelsMode(opts);
  await runHttpMode(opts);
  if (opts.inventoryBench) {
    console.log('');
    await runInventoryMode(opts);
  }
  if (opts.identityBench) {
    console.log('');
    await runIdentityMode(opts);
  }
  if (opts.detectorsBench) {
    console.log('');
    await runDetectorsMode(opts);
  }
  if (opts.modelsBench) {
    console.log('');
    await runModelsMode(opts);
  }
};
main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
