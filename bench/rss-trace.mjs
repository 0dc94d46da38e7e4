// Memory over a long run: starts a command, samples its resident set (VmRSS of /proc/PID/status)
// every --every seconds until it exits, and writes the series with a verdict on flatness: the
// median of the last quarter of samples against the median of the second quarter (after start-up).
//
//   node bench/rss-trace.mjs [--every SEC] [--out FILE.json] -- COMMAND [ARGS...]
//
// Used for issue 14's "memory stays flat over a long replay" with the models on:
//   node bench/rss-trace.mjs --out bench/results/models-rss-week7.json -- \
//     node dist/cli/main.js replay /work/scen/seed7/day-0*.pcap --db /tmp/w7.db --format jsonl --out /dev/null
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0 || sep === argv.length - 1) {
  console.error('usage: node bench/rss-trace.mjs [--every SEC] [--out FILE.json] -- COMMAND [ARGS...]');
  process.exit(1);
}
const opts = { every: 1, out: null };
for (let i = 0; i < sep; i++) {
  if (argv[i] === '--every') opts.every = Number(argv[++i]);
  else if (argv[i] === '--out') opts.out = argv[++i];
}
const command = argv.slice(sep + 1);

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.floor(s.length / 2)];
};

const started = Date.now();
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
const samples = [];
const timer = setInterval(() => {
  const rss = rssMiB(child.pid);
  if (rss !== null) samples.push({ sec: (Date.now() - started) / 1000, rssMiB: Math.round(rss * 10) / 10 });
}, opts.every * 1000);

child.on('exit', (code) => {
  clearInterval(timer);
  const q = Math.floor(samples.length / 4);
  const second = samples.slice(q, 2 * q).map((s) => s.rssMiB);
  const last = samples.slice(3 * q).map((s) => s.rssMiB);
  const summary = {
    command: command.join(' '),
    exitCode: code,
    wallSec: (Date.now() - started) / 1000,
    samples: samples.length,
    peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    secondQuarterMedianMiB: median(second),
    lastQuarterMedianMiB: median(last),
    growthMiB: median(last) !== null && median(second) !== null ? Math.round((median(last) - median(second)) * 10) / 10 : null,
  };
  console.log(JSON.stringify(summary));
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify({ ...summary, series: samples }, null, 1) + '\n');
  process.exit(code ?? 1);
});
