// The set-up every mode shares: Tapwatch built, tcpdump present, pinning, /usr/bin/time, captures.
import fs from 'node:fs';
import path from 'node:path';
import { resolveCaptures } from './captures.mjs';
import { hasCommand, lastAllowedCpu } from './host.mjs';
import { CLI, OUT, TIME } from './paths.mjs';
import { tapwatchFlags } from './tools.mjs';

export function setUp(opts, notes) {
  if (!fs.existsSync(CLI)) {
    console.error(`${path.relative(process.cwd(), CLI) || CLI} not found: build Tapwatch first (npm run build)`);
    process.exit(1);
  }
  if (!hasCommand('tcpdump')) {
    console.error('tcpdump not found: run bench/make-capture.sh (it installs it) or apt-get install tcpdump');
    process.exit(1);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const useTime = fs.existsSync(TIME);
  if (!useTime) notes.push(`${TIME} not found (apt-get install time): CPU time and peak RSS not measured`);
  let pinCpu = null;
  if (opts.pin) {
    if (hasCommand('taskset')) {
      pinCpu = lastAllowedCpu(); // the harness itself mostly sleeps; other CPUs take the stray work
      notes.push(`measured processes pinned to CPU ${pinCpu} (taskset): one core for all their threads`);
    } else {
      notes.push('taskset not found: processes not pinned (may use more than one core)');
    }
  } else {
    notes.push('not pinned (--no-pin): the tools may use more than one core (see CPU s vs median s)');
  }
  const tw = tapwatchFlags();
  const ctx = { useTime, pinCpu, timeoutSec: opts.timeoutSec, port: opts.port, tw };
  const captures = resolveCaptures(opts.captures);
  return { ctx, captures };
}
