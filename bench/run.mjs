// Tapwatch read+decode benchmark: tcpdump's read floor vs `tapwatch replay --stats`.
//
//   node bench/run.mjs [--runs N] [--no-pin] [--check] [--timeout SEC] [CAPTURE ...]
//
// CAPTURE is `keepalive`, `close` (bench/out/<name>.pcap, made by
// bench/make-capture.sh when missing) or a path to any classic .pcap file.
// Default: keepalive close. See bench/README.md for what the numbers mean.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const OUT = path.join(BENCH, 'out');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const TIME = '/usr/bin/time';
const GOAL = 0.3; // read+decode >= 30% of tcpdump's packet rate on one core
const DEFAULT_CAPTURES = ['keepalive', 'close'];

function usage(code) {
  console.log(`usage: node bench/run.mjs [options] [CAPTURE ...]
  CAPTURE        keepalive | close (bench/out/<name>.pcap) | path/to/file.pcap
                 (default: ${DEFAULT_CAPTURES.join(' ')})
  --runs N       repetitions per tool and capture, alternating (default 3)
  --no-pin       do not pin the measured processes to one CPU with taskset
  --check        exit 2 when a capture's in-loop ratio is below ${GOAL}
  --timeout SEC  per-run time limit (default 600)`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { runs: 3, pin: true, check: false, timeoutSec: 600, captures: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) usage(1);
      return v;
    };
    if (a === '--runs') opts.runs = Math.floor(num());
    else if (a === '--timeout') opts.timeoutSec = num();
    else if (a === '--no-pin') opts.pin = false;
    else if (a === '--check') opts.check = true;
    else if (a === '-h' || a === '--help') usage(0);
    else if (a.startsWith('-')) usage(1);
    else opts.captures.push(a);
  }
  if (opts.captures.length === 0) opts.captures = DEFAULT_CAPTURES;
  return opts;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// The last CPU this process may run on (cpusets can make CPU ids non-contiguous).
function lastAllowedCpu() {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) {
      const ids = m[1].split(',').map((r) => Number(r.split('-').pop()));
      if (ids.every(Number.isInteger)) return Math.max(...ids);
    }
  } catch {
    // not Linux: fall through
  }
  return os.availableParallelism() - 1;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Counts the records of a classic pcap file (and reads it into the page cache).
function scanPcap(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(24);
    if (fs.readSync(fd, head, 0, 24, 0) < 24) throw new Error(`${file}: too short for a pcap file`);
    const magic = head.readUInt32LE(0);
    let le;
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
    else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
    else return { packets: null, capturedBytes: null, note: 'not a classic pcap file (pcapng?): packets from tapwatch' };
    const u32 = (buf, off) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
    const linkType = u32(head, 20) & 0x0fffffff;
    const buf = Buffer.alloc(8 << 20);
    let filePos = 24;
    let have = 0;
    let packets = 0;
    let capturedBytes = 0;
    while (true) {
      const n = fs.readSync(fd, buf, have, buf.length - have, filePos);
      filePos += n;
      have += n;
      let off = 0;
      while (off + 16 <= have) {
        const incl = u32(buf, off + 8);
        if (incl > buf.length - 16) throw new Error(`${file}: bad record length ${incl} after ${packets} packets`);
        if (off + 16 + incl > have) break;
        packets++;
        capturedBytes += incl;
        off += 16 + incl;
      }
      buf.copy(buf, 0, off, have);
      have -= off;
      if (n === 0) break;
    }
    return { packets, capturedBytes, linkType, trailingBytes: have };
  } finally {
    fs.closeSync(fd);
  }
}

function parseTimeV(text) {
  const get = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const user = get(/User time \(seconds\): ([\d.]+)/);
  const sys = get(/System time \(seconds\): ([\d.]+)/);
  const rssKb = get(/Maximum resident set size \(kbytes\): (\d+)/);
  return { cpuSec: user !== null && sys !== null ? user + sys : null, peakRssMiB: rssKb !== null ? rssKb / 1024 : null };
}

// Finds the last {"type":"stats",...} object in tapwatch's stdout (one-line or pretty-printed).
function findStats(text) {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i].trim();
    if (!l.startsWith('{')) continue;
    for (const candidate of [l, lines.slice(i).join('\n')]) {
      try {
        const o = JSON.parse(candidate);
        if (o && o.type === 'stats') return o;
      } catch {
        // not (a complete) JSON object: keep looking upwards
      }
    }
  }
  return null;
}

function readTail(file, max) {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    return { text: buf.toString('utf8'), size };
  } finally {
    fs.closeSync(fd);
  }
}

let current = null; // the running child, killed (by its process group) on timeout or Ctrl-C

// Runs argv with stdout/stderr to files, wall time measured here (high resolution),
// CPU and peak RSS from /usr/bin/time -v when available.
function runTimed(argv, env, useTime, pinCpu, timeoutSec, tag) {
  const outFile = path.join(OUT, `.run-${tag}.stdout`);
  const errFile = path.join(OUT, `.run-${tag}.stderr`);
  const timeFile = path.join(OUT, `.run-${tag}.time`);
  let cmd = [...argv];
  if (useTime) cmd = [TIME, '-v', '-o', timeFile, ...cmd];
  if (pinCpu !== null) cmd = ['taskset', '-c', String(pinCpu), ...cmd];
  const outFd = fs.openSync(outFile, 'w');
  const errFd = fs.openSync(errFile, 'w');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', outFd, errFd], detached: true, env });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutSec * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      current = null;
      fs.closeSync(outFd);
      fs.closeSync(errFd);
      const res = { wallSec, code, signal, timedOut, outFile, errFile, cpuSec: null, peakRssMiB: null };
      if (useTime && fs.existsSync(timeFile)) {
        Object.assign(res, parseTimeV(fs.readFileSync(timeFile, 'utf8')));
        fs.rmSync(timeFile, { force: true });
      }
      resolve(res);
    });
  });
}

function failure(name, res) {
  const err = fs.readFileSync(res.errFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  const why = res.timedOut ? 'timed out' : `exit code ${res.code}${res.signal ? `, signal ${res.signal}` : ''}`;
  return new Error(`${name} failed (${why}):\n${err}`);
}

async function runTcpdump(file, ctx) {
  const res = await runTimed(['tcpdump', '-r', file, '-w', '/dev/null'], process.env, ctx.useTime, ctx.pinCpu, ctx.timeoutSec, 'tcpdump');
  if (res.code !== 0) throw failure('tcpdump', res);
  return { wallSec: res.wallSec, cpuSec: res.cpuSec, peakRssMiB: res.peakRssMiB };
}

async function runTapwatch(file, ctx) {
  const argv = [process.execPath, CLI, 'replay', file, '--stats', '--format', 'json'];
  const res = await runTimed(argv, process.env, ctx.useTime, ctx.pinCpu, ctx.timeoutSec, 'tapwatch');
  if (res.code !== 0) throw failure('tapwatch replay', res);
  const { text, size } = readTail(res.outFile, 4 << 20);
  const stats = findStats(text);
  if (!stats || typeof stats.elapsedSec !== 'number' || typeof stats.packets !== 'number') {
    throw new Error(`tapwatch replay printed no {"type":"stats","packets":N,"elapsedSec":x} object; stdout ends with:\n${text.slice(-800)}`);
  }
  return { wallSec: res.wallSec, cpuSec: res.cpuSec, peakRssMiB: res.peakRssMiB, stdoutBytes: size, stats };
}

function resolveCaptures(names) {
  const list = names.map((n) => {
    if (DEFAULT_CAPTURES.includes(n)) return { name: n, file: path.join(OUT, `${n}.pcap`), generated: true };
    if (fs.existsSync(n)) return { name: path.basename(n).replace(/\.pcap$/, ''), file: path.resolve(n), generated: false };
    console.error(`unknown capture ${n}: expected ${DEFAULT_CAPTURES.join(' or ')}, or an existing pcap file`);
    process.exit(1);
  });
  const missing = list.filter((c) => c.generated && !fs.existsSync(c.file)).map((c) => c.name);
  if (missing.length > 0) {
    console.log(`== making missing captures: ${missing.join(' ')} (bench/make-capture.sh)`);
    const r = spawnSync('bash', [path.join(BENCH, 'make-capture.sh'), ...missing], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`bench/make-capture.sh failed (exit ${r.status})`);
      process.exit(1);
    }
  }
  return list;
}

function rates(packets, mb, sec) {
  return { sec, pps: packets / sec, mbps: mb / sec };
}

const fmtInt = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const fmtNum = (x, d) => (x === null || x === undefined ? '-' : x.toFixed(d));

function printTable(rows) {
  const header = ['capture', 'measure', 'packets', 'MB', 'median s', 'packets/s', 'MB/s', 'vs tcpdump', 'CPU s', 'peak RSS MiB'];
  const right = [false, false, true, true, true, true, true, true, true, true];
  const body = rows.map((r) => [
    r.capture, r.measure, fmtInt(r.packets), fmtNum(r.mb, 1), fmtNum(r.sec, 3), fmtInt(r.pps), fmtNum(r.mbps, 1),
    r.ratio === null ? '-' : `${(r.ratio * 100).toFixed(1)}%`, fmtNum(r.cpuSec, 2), fmtNum(r.peakRssMiB, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

function gitRevision() {
  const r = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'native'], { encoding: 'utf8' });
  return r.stdout.trim() + (dirty.stdout && dirty.stdout.trim() ? '+dirty' : '');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CLI)) {
    console.error(`${path.relative(process.cwd(), CLI) || CLI} not found: build Tapwatch first (npm run build)`);
    process.exit(1);
  }
  if (!hasCommand('tcpdump')) {
    console.error('tcpdump not found: run bench/make-capture.sh (it installs it) or apt-get install tcpdump');
    process.exit(1);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const captures = resolveCaptures(opts.captures);

  const notes = [];
  const useTime = fs.existsSync(TIME);
  if (!useTime) notes.push(`${TIME} not found (apt-get install time): CPU time and peak RSS not measured`);
  let pinCpu = null;
  if (opts.pin) {
    if (hasCommand('taskset')) {
      pinCpu = lastAllowedCpu(); // the harness itself mostly sleeps; other CPUs take the stray work
      notes.push(`measured processes pinned to CPU ${pinCpu} (taskset): one core`);
    } else {
      notes.push('taskset not found: processes not pinned (may use more than one core)');
    }
  } else {
    notes.push('not pinned (--no-pin): tapwatch may use more than one core (see CPU s vs median s)');
  }
  const ctx = { useTime, pinCpu, timeoutSec: opts.timeoutSec };

  const results = [];
  const rows = [];
  for (const cap of captures) {
    const fileBytes = fs.statSync(cap.file).size;
    const mb = fileBytes / 1e6;
    process.stdout.write(`== ${cap.name}: ${cap.file} (${mb.toFixed(1)} MB), counting packets ... `);
    const scan = scanPcap(cap.file); // also warms the page cache
    console.log(scan.packets === null ? scan.note : `${scan.packets.toLocaleString('en-US')} packets`);
    const runs = { tcpdump: [], tapwatch: [] };
    for (let i = 1; i <= opts.runs; i++) {
      // alternate the tools so slow drifts of the machine hit both alike
      const order = i % 2 ? ['tcpdump', 'tapwatch'] : ['tapwatch', 'tcpdump'];
      for (const tool of order) {
        const r = tool === 'tcpdump' ? await runTcpdump(cap.file, ctx) : await runTapwatch(cap.file, ctx);
        runs[tool].push(r);
        const extra = tool === 'tapwatch' ? `, in-loop ${r.stats.elapsedSec.toFixed(3)} s` : '';
        console.log(`   run ${i}/${opts.runs} ${tool.padEnd(8)} ${r.wallSec.toFixed(3)} s wall${extra}`);
      }
    }
    for (const f of ['stdout', 'stderr']) {
      for (const t of ['tcpdump', 'tapwatch']) fs.rmSync(path.join(OUT, `.run-${t}.${f}`), { force: true });
    }

    const tw = runs.tapwatch;
    const twPackets = tw[tw.length - 1].stats.packets;
    const packets = scan.packets ?? twPackets;
    if (tw.some((r) => r.stats.packets !== packets)) {
      notes.push(`${cap.name}: tapwatch reported ${tw.map((r) => r.stats.packets).join('/')} packets, the file has ${packets}`);
    }
    const med = (xs) => (xs.some((x) => x === null || x === undefined) ? null : median(xs));
    const maxOf = (xs) => (xs.some((x) => x === null) ? null : Math.max(...xs));
    const floor = rates(packets, mb, median(runs.tcpdump.map((r) => r.wallSec)));
    const twWall = rates(packets, mb, median(tw.map((r) => r.wallSec)));
    const twLoop = rates(twPackets, mb, median(tw.map((r) => r.stats.elapsedSec)));
    const ratioWall = twWall.pps / floor.pps;
    const ratioLoop = twLoop.pps / floor.pps;
    rows.push(
      { capture: cap.name, measure: 'tcpdump -r -w /dev/null', packets, mb, ...floor, ratio: null, cpuSec: med(runs.tcpdump.map((r) => r.cpuSec)), peakRssMiB: maxOf(runs.tcpdump.map((r) => r.peakRssMiB)) },
      { capture: cap.name, measure: 'tapwatch replay (wall)', packets, mb, ...twWall, ratio: ratioWall, cpuSec: med(tw.map((r) => r.cpuSec)), peakRssMiB: maxOf(tw.map((r) => r.peakRssMiB)) },
      { capture: cap.name, measure: 'tapwatch read+decode loop', packets: twPackets, mb, ...twLoop, ratio: ratioLoop, cpuSec: null, peakRssMiB: null },
    );
    results.push({
      capture: cap.name,
      file: cap.file,
      fileBytes,
      packets,
      capturedBytes: scan.capturedBytes,
      meta: readMeta(cap),
      tcpdump: { medianWallSec: floor.sec, packetsPerSec: floor.pps, mbPerSec: floor.mbps, runs: runs.tcpdump },
      tapwatch: {
        medianWallSec: twWall.sec,
        wallPacketsPerSec: twWall.pps,
        wallMbPerSec: twWall.mbps,
        medianLoopSec: twLoop.sec,
        loopPacketsPerSec: twLoop.pps,
        loopMbPerSec: twLoop.mbps,
        peakRssMiB: maxOf(tw.map((r) => r.peakRssMiB)),
        runs: tw,
      },
      ratioLoop,
      ratioWall,
      meetsGoal: ratioLoop >= GOAL,
    });
  }

  console.log('');
  printTable(rows);
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: tapwatch read+decode = ${(r.ratioLoop * 100).toFixed(1)}% of tcpdump's packet rate ` +
      `(${(r.ratioWall * 100).toFixed(1)}% counting Node start-up); goal >= ${GOAL * 100}%: ${r.meetsGoal ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const outFile = path.join(OUT, `results-${stamp}.json`);
  const doc = {
    date: new Date().toISOString(),
    goal: { ratio: GOAL, description: "tapwatch read+decode packets/s >= 30% of tcpdump -r -w /dev/null packets/s, one core" },
    machine: {
      cpu: os.cpus()[0]?.model ?? null,
      cpus: os.availableParallelism(),
      memMiB: Math.round(os.totalmem() / 2 ** 20),
      kernel: os.release(),
      node: process.version,
      tcpdump: (spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0] || null,
    },
    tapwatch: { revision: gitRevision(), command: 'node dist/cli/main.js replay FILE --stats --format json' },
    options: { runs: opts.runs, pinnedCpu: pinCpu, timeTool: useTime ? TIME : null },
    notes,
    captures: results,
  };
  fs.writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.meetsGoal)) process.exit(2);
}

function readMeta(cap) {
  if (!cap.generated) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(OUT, `${cap.name}.meta.json`), 'utf8'));
  } catch {
    return null;
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
