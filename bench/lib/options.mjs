// The command line of bench/run.mjs: its usage text and options.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CAPTURES, KNOWN_CAPTURES, OPTIONAL_CAPTURES, OUT } from './paths.mjs';

function usage(code) {
  console.log(`usage: node bench/run.mjs [options] [CAPTURE ...]
  CAPTURE          ${KNOWN_CAPTURES.join(' | ')} (bench/out/<name>.pcap) | path/to/file.pcap
                   (default: ${DEFAULT_CAPTURES.join(' ')}, plus ${OPTIONAL_CAPTURES.join(' ')} if made)
  --decode-only    only the read + decode comparison with tcpdump (the older benchmark)
  --inventory      only the inventory cost: templating + learning alone, end-to-end on vs off
  --no-inventory-bench  HTTP mode without the inventory section that follows it
  --identity       only the cost of identities + baselines: the product on vs off (keepalive unless named)
  --no-identity-bench   HTTP mode without the identities + baselines section
  --detectors      only the cost of the detectors: the product with every detector on vs off (keepalive unless named)
  --no-detectors-bench  HTTP mode without the detectors section
  --models         only the cost of the TF.js models: the product with models on vs off (keepalive unless named)
  --no-models-bench     HTTP mode without the models section
  --runs N         repetitions of tcpdump, tapwatch and suricata per capture, alternating (default 3)
  --tshark-runs N  repetitions of tshark (slow: ~20-200 s per capture; default 1, 0 = skip)
  --no-tshark      same as --tshark-runs 0
  --no-suricata    skip suricata
  --port P         the captures' HTTP server port, for tshark's decode-as (default 18080)
  --no-pin         do not pin the measured processes to one CPU with taskset
  --baseline DIR   also run the product row with another checkout's build (DIR/dist/cli/main.js,
                   e.g. a git worktree of the previous release): before/after in the same run
  --check          exit 2 when a goal is not met
  --timeout SEC    per-run time limit (default 900)`);
  process.exit(code);
}

export function parseArgs(argv) {
  const opts = {
    runs: 3, tsharkRuns: 1, suricata: true, port: 18080, pin: true, check: false, timeoutSec: 900,
    decodeOnly: false, inventoryOnly: false, inventoryBench: true, identityOnly: false, identityBench: true, detectorsOnly: false, detectorsBench: true, modelsOnly: false, modelsBench: true, captures: [], capturesGiven: false, baseline: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (min) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < min) usage(1);
      return v;
    };
    if (a === '--runs') opts.runs = Math.floor(num(1));
    else if (a === '--tshark-runs') opts.tsharkRuns = Math.floor(num(0));
    else if (a === '--no-tshark') opts.tsharkRuns = 0;
    else if (a === '--no-suricata') opts.suricata = false;
    else if (a === '--port') opts.port = Math.floor(num(1));
    else if (a === '--timeout') opts.timeoutSec = num(1);
    else if (a === '--no-pin') opts.pin = false;
    else if (a === '--check') opts.check = true;
    else if (a === '--baseline') {
      const dir = argv[++i];
      const cli = dir === undefined ? '' : path.resolve(dir, 'dist', 'cli', 'main.js');
      if (!fs.existsSync(cli)) {
        console.error(`--baseline ${dir ?? ''}: no ${cli || 'DIR/dist/cli/main.js'} (build that checkout first)`);
        process.exit(1);
      }
      opts.baseline = cli;
    }
    else if (a === '--decode-only') opts.decodeOnly = true;
    else if (a === '--inventory') opts.inventoryOnly = true;
    else if (a === '--no-inventory-bench') opts.inventoryBench = false;
    else if (a === '--identity') opts.identityOnly = true;
    else if (a === '--no-identity-bench') opts.identityBench = false;
    else if (a === '--detectors') opts.detectorsOnly = true;
    else if (a === '--no-detectors-bench') opts.detectorsBench = false;
    else if (a === '--models') opts.modelsOnly = true;
    else if (a === '--no-models-bench') opts.modelsBench = false;
    else if (a === '-h' || a === '--help') usage(0);
    else if (a.startsWith('-')) usage(1);
    else opts.captures.push(a);
  }
  opts.capturesGiven = opts.captures.length > 0;
  if (opts.captures.length === 0) {
    opts.captures = [...DEFAULT_CAPTURES, ...OPTIONAL_CAPTURES.filter((n) => fs.existsSync(path.join(OUT, `${n}.pcap`)))];
  }
  return opts;
}
