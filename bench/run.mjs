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
// file) on vs off, alternating. `npm run bench` runs the HTTP mode, then this one.
//
// CAPTURE is `keepalive`, `close`, `keepalive-mtu1500` (bench/out/<name>.pcap, made
// by bench/make-capture.sh when missing) or a path to any classic .pcap file.
// Default: keepalive close (+ keepalive-mtu1500 when its file exists).
// See bench/README.md for what the numbers mean.
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
const SURICATA_CONF = path.join(BENCH, 'suricata-http.yaml');
const TIME = '/usr/bin/time';
const DECODE_GOAL = 0.3; // read+decode >= 30% of tcpdump's packet rate on one core
const RSS_GOAL_MIB = 300; // HTTP mode: peak RSS under 300 MB
const INVENTORY_GOAL = 0.75; // end-to-end tx/s with the inventory on >= 75% of off (it costs < 25%)
const KNOWN_CAPTURES = ['keepalive', 'close', 'keepalive-mtu1500'];
const DEFAULT_CAPTURES = ['keepalive', 'close'];
const OPTIONAL_CAPTURES = ['keepalive-mtu1500']; // in the default list only when the file exists

function usage(code) {
  console.log(`usage: node bench/run.mjs [options] [CAPTURE ...]
  CAPTURE          ${KNOWN_CAPTURES.join(' | ')} (bench/out/<name>.pcap) | path/to/file.pcap
                   (default: ${DEFAULT_CAPTURES.join(' ')}, plus ${OPTIONAL_CAPTURES.join(' ')} if made)
  --decode-only    only the read + decode comparison with tcpdump (the older benchmark)
  --inventory      only the inventory cost: templating + learning alone, end-to-end on vs off
  --no-inventory-bench  HTTP mode without the inventory section that follows it
  --runs N         repetitions of tcpdump, tapwatch and suricata per capture, alternating (default 3)
  --tshark-runs N  repetitions of tshark (slow: ~20-200 s per capture; default 1, 0 = skip)
  --no-tshark      same as --tshark-runs 0
  --no-suricata    skip suricata
  --port P         the captures' HTTP server port, for tshark's decode-as (default 18080)
  --no-pin         do not pin the measured processes to one CPU with taskset
  --check          exit 2 when a goal is not met
  --timeout SEC    per-run time limit (default 900)`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = {
    runs: 3, tsharkRuns: 1, suricata: true, port: 18080, pin: true, check: false, timeoutSec: 900,
    decodeOnly: false, inventoryOnly: false, inventoryBench: true, captures: [],
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
    else if (a === '--decode-only') opts.decodeOnly = true;
    else if (a === '--inventory') opts.inventoryOnly = true;
    else if (a === '--no-inventory-bench') opts.inventoryBench = false;
    else if (a === '-h' || a === '--help') usage(0);
    else if (a.startsWith('-')) usage(1);
    else opts.captures.push(a);
  }
  if (opts.captures.length === 0) {
    opts.captures = [...DEFAULT_CAPTURES, ...OPTIONAL_CAPTURES.filter((n) => fs.existsSync(path.join(OUT, `${n}.pcap`)))];
  }
  return opts;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function debVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : null;
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

// Calls onLine(line) for every line of a (possibly large) text file, without reading it whole.
function forEachLine(file, onLine) {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8 << 20);
    let rest = '';
    while (true) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + buf.toString('latin1', 0, n);
      const lines = text.split('\n');
      rest = lines.pop();
      for (const l of lines) onLine(l);
    }
    if (rest) onLine(rest);
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
// CPU and peak RSS from /usr/bin/time -v when available. With countStdout, stdout is a
// pipe read here instead: its lines are counted and its last 4 MiB kept (res.stdoutTail).
function runTimed(argv, ctx, tag, { countStdout = false } = {}) {
  const outFile = path.join(OUT, `.run-${tag}.stdout`);
  const errFile = path.join(OUT, `.run-${tag}.stderr`);
  const timeFile = path.join(OUT, `.run-${tag}.time`);
  let cmd = [...argv];
  if (ctx.useTime) cmd = [TIME, '-v', '-o', timeFile, ...cmd];
  if (ctx.pinCpu !== null) cmd = ['taskset', '-c', String(ctx.pinCpu), ...cmd];
  const outFd = countStdout ? null : fs.openSync(outFile, 'w');
  const errFd = fs.openSync(errFile, 'w');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let wallSec = null;
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', countStdout ? 'pipe' : outFd, errFd], detached: true });
    current = child;
    let timedOut = false;
    let stdoutLines = 0;
    let stdoutBytes = 0;
    let tail = Buffer.alloc(0);
    if (countStdout) {
      child.stdout.on('data', (chunk) => {
        stdoutBytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) stdoutLines++;
        tail = Buffer.concat([tail, chunk]);
        if (tail.length > 8 << 20) tail = tail.subarray(tail.length - (4 << 20));
      });
    }
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, ctx.timeoutSec * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', () => {
      wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    child.on('close', (code, signal) => {
      if (wallSec === null) wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      current = null;
      if (outFd !== null) fs.closeSync(outFd);
      fs.closeSync(errFd);
      const res = { wallSec, code, signal, timedOut, outFile, errFile, cpuSec: null, peakRssMiB: null };
      if (countStdout) Object.assign(res, { outFile: null, stdoutLines, stdoutBytes, stdoutTail: tail.toString('utf8') });
      if (ctx.useTime && fs.existsSync(timeFile)) {
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

const timing = (res) => ({ wallSec: res.wallSec, cpuSec: res.cpuSec, peakRssMiB: res.peakRssMiB });

async function runTcpdump(file, ctx) {
  const res = await runTimed(['tcpdump', '-r', file, '-w', '/dev/null'], ctx, 'tcpdump');
  if (res.code !== 0) throw failure('tcpdump', res);
  return timing(res);
}

// Which optional replay flags this build of tapwatch knows (from `replay --help`).
function tapwatchFlags() {
  const r = spawnSync(process.execPath, [CLI, 'replay', '--help'], { encoding: 'utf8' });
  const help = `${r.stdout}${r.stderr}`;
  return {
    noPackets: help.includes('--no-packets'),
    noHttpRecords: help.includes('--no-http-records'),
    decodeOnly: help.includes('--decode-only'),
    noInventory: help.includes('--no-inventory'),
  };
}

// `tapwatch replay FILE --format jsonl`; its last stdout line is the stats record.
// Without --no-http-records (older builds) the per-transaction lines go to a pipe and
// are counted here, so the JSON output is part of what is measured (a note says so).
async function runTapwatch(file, ctx, { decodeOnly = false, inventoryDb = null } = {}) {
  const argv = [process.execPath, CLI, 'replay', file, '--format', 'jsonl'];
  if (decodeOnly && ctx.tw.decodeOnly) argv.push('--decode-only');
  // Against Suricata (HTTP logging only) the endpoint map stays off: same work on both sides.
  if (inventoryDb !== null) argv.push('--db', inventoryDb);
  else if (!decodeOnly && ctx.tw.noInventory) argv.push('--no-inventory');
  if (ctx.tw.noPackets) argv.push('--no-packets');
  if (ctx.tw.noHttpRecords) argv.push('--no-http-records');
  const countStdout = !ctx.tw.noHttpRecords;
  const res = await runTimed(argv, ctx, 'tapwatch', { countStdout });
  if (res.code !== 0) throw failure('tapwatch replay', res);
  const out = countStdout ? { text: res.stdoutTail, size: res.stdoutBytes } : readTail(res.outFile, 4 << 20);
  const stats = findStats(out.text);
  if (!stats || typeof stats.elapsedSec !== 'number' || typeof stats.packets !== 'number') {
    throw new Error(`tapwatch replay printed no {"type":"stats","packets":N,"elapsedSec":x} record; stdout ends with:\n${out.text.slice(-800)}`);
  }
  const http = stats.http && typeof stats.http === 'object' ? stats.http : null;
  const num = (x) => (typeof x === 'number' ? x : null);
  return {
    ...timing(res),
    loopSec: stats.elapsedSec,
    packets: stats.packets,
    stdoutBytes: out.size,
    stdoutLines: countStdout ? res.stdoutLines : null,
    transactions: http ? num(http.transactions) : null,
    requests: http ? num(http.requests) : null,
    responses: http ? num(http.responses) : null,
    stats,
  };
}

// suricata -r FILE --runmode single, HTTP parser only (bench/suricata-http.yaml), no
// detection; one eve.json "http" event per transaction, "status" when a response was seen.
async function runSuricata(file, ctx) {
  const dir = path.join(OUT, '.suricata');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const argv = ['suricata', '-c', SURICATA_CONF, '-r', file, '-l', dir, '--runmode', 'single', '-k', 'none', '--disable-detection'];
  const res = await runTimed(argv, ctx, 'suricata');
  if (res.code !== 0) throw failure('suricata', res);
  let events = 0;
  let withStatus = 0;
  const eve = path.join(dir, 'eve.json');
  if (fs.existsSync(eve)) {
    forEachLine(eve, (l) => {
      if (l.includes('"event_type":"http"')) {
        events++;
        if (l.includes('"status":')) withStatus++;
      }
    });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...timing(res), transactions: events, requests: events, responses: withStatus };
}

// tshark's HTTP dissector, one pass: every frame that carries HTTP, with the request
// method and the response code (a frame carrying several messages lists them comma-joined).
// -d tcp.port==PORT,http: PORT is not a port Wireshark maps to HTTP, and client ports that
// collide with registered ones would otherwise go to other dissectors.
async function runTshark(file, ctx) {
  const argv = ['tshark', '-n', '-r', file, '-d', `tcp.port==${ctx.port},http`, '-Y', 'http', '-T', 'fields',
    '-e', 'http.request.method', '-e', 'http.response.code'];
  const res = await runTimed(argv, ctx, 'tshark');
  if (res.code !== 0) throw failure('tshark', res);
  let requests = 0;
  let responses = 0;
  forEachLine(res.outFile, (l) => {
    const [method = '', code = ''] = l.split('\t');
    if (method) requests += method.split(',').length;
    if (code) responses += code.split(',').length;
  });
  fs.rmSync(res.outFile, { force: true });
  return { ...timing(res), transactions: requests, requests, responses };
}

function resolveCaptures(names) {
  const list = names.map((n) => {
    if (KNOWN_CAPTURES.includes(n)) return { name: n, file: path.join(OUT, `${n}.pcap`), generated: true };
    if (fs.existsSync(n)) return { name: path.basename(n).replace(/\.pcap$/, ''), file: path.resolve(n), generated: false };
    console.error(`unknown capture ${n}: expected ${KNOWN_CAPTURES.join(', ')}, or an existing pcap file`);
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

function readMeta(cap) {
  if (!cap.generated) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(OUT, `${cap.name}.meta.json`), 'utf8'));
  } catch {
    return null;
  }
}

function rates(packets, mb, sec) {
  return { sec, pps: packets / sec, mbps: mb / sec };
}

const fmtInt = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const fmtNum = (x, d) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const fmtRatio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : `${x.toFixed(x < 0.1 ? 3 : 2)}x`);
const med = (xs) => (xs.length === 0 || xs.some((x) => x === null || x === undefined) ? null : median(xs));
const maxOf = (xs) => (xs.length === 0 || xs.some((x) => x === null || x === undefined) ? null : Math.max(...xs));

function printTable(header, right, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
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

function machineInfo() {
  return {
    cpu: os.cpus()[0]?.model ?? null,
    cpus: os.availableParallelism(),
    memMiB: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    node: process.version,
    tcpdump: (spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0] || null,
  };
}

function stamp() {
  return new Date().toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function cleanRunFiles() {
  for (const t of ['tcpdump', 'tapwatch', 'suricata', 'tshark']) {
    for (const f of ['stdout', 'stderr']) fs.rmSync(path.join(OUT, `.run-${t}.${f}`), { force: true });
  }
}

// Common set-up of both modes: pinning, /usr/bin/time, tool checks, captures.
function setUp(opts, notes) {
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

function scanCapture(cap) {
  const fileBytes = fs.statSync(cap.file).size;
  const mb = fileBytes / 1e6;
  process.stdout.write(`== ${cap.name}: ${cap.file} (${mb.toFixed(1)} MB), counting packets ... `);
  const scan = scanPcap(cap.file); // also warms the page cache
  console.log(scan.packets === null ? scan.note : `${scan.packets.toLocaleString('en-US')} packets`);
  return { fileBytes, mb, scan };
}

// ---- --decode-only: tcpdump -r -w /dev/null vs tapwatch replay ------------------------------

async function mainDecode(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  if (!ctx.tw.decodeOnly) {
    notes.push('this tapwatch build has no --decode-only: its "read+decode loop" is the whole pipeline');
  }
  const results = [];
  const rows = [];
  for (const cap of captures) {
    const { fileBytes, mb, scan } = scanCapture(cap);
    const runs = { tcpdump: [], tapwatch: [] };
    for (let i = 1; i <= opts.runs; i++) {
      // alternate the tools so slow drifts of the machine hit both alike
      const order = i % 2 ? ['tcpdump', 'tapwatch'] : ['tapwatch', 'tcpdump'];
      for (const tool of order) {
        const r = tool === 'tcpdump' ? await runTcpdump(cap.file, ctx) : await runTapwatch(cap.file, ctx, { decodeOnly: true });
        runs[tool].push(r);
        const extra = tool === 'tapwatch' ? `, in-loop ${r.loopSec.toFixed(3)} s` : '';
        console.log(`   run ${i}/${opts.runs} ${tool.padEnd(8)} ${r.wallSec.toFixed(3)} s wall${extra}`);
      }
    }
    cleanRunFiles();

    const tw = runs.tapwatch;
    const twPackets = tw[tw.length - 1].packets;
    const packets = scan.packets ?? twPackets;
    if (tw.some((r) => r.packets !== packets)) {
      notes.push(`${cap.name}: tapwatch reported ${tw.map((r) => r.packets).join('/')} packets, the file has ${packets}`);
    }
    const floor = rates(packets, mb, median(runs.tcpdump.map((r) => r.wallSec)));
    const twWall = rates(packets, mb, median(tw.map((r) => r.wallSec)));
    const twLoop = rates(twPackets, mb, median(tw.map((r) => r.loopSec)));
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
        runs: tw.map(({ stats: _stats, ...r }) => r),
        lastStats: tw[tw.length - 1].stats,
      },
      ratioLoop,
      ratioWall,
      meetsGoal: ratioLoop >= DECODE_GOAL,
    });
  }

  console.log('');
  printTable(
    ['capture', 'measure', 'packets', 'MB', 'median s', 'packets/s', 'MB/s', 'vs tcpdump', 'CPU s', 'peak RSS MiB'],
    [false, false, true, true, true, true, true, true, true, true],
    rows.map((r) => [
      r.capture, r.measure, fmtInt(r.packets), fmtNum(r.mb, 1), fmtNum(r.sec, 3), fmtInt(r.pps), fmtNum(r.mbps, 1),
      r.ratio === null ? '-' : `${(r.ratio * 100).toFixed(1)}%`, fmtNum(r.cpuSec, 2), fmtNum(r.peakRssMiB, 0),
    ]),
  );
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: tapwatch read+decode = ${(r.ratioLoop * 100).toFixed(1)}% of tcpdump's packet rate ` +
      `(${(r.ratioWall * 100).toFixed(1)}% counting Node start-up); goal >= ${DECODE_GOAL * 100}%: ${r.meetsGoal ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  const outFile = path.join(OUT, `results-${stamp()}.json`);
  const doc = {
    date: new Date().toISOString(),
    mode: 'decode-only',
    goal: { ratio: DECODE_GOAL, description: 'tapwatch read+decode packets/s >= 30% of tcpdump -r -w /dev/null packets/s, one core' },
    machine: machineInfo(),
    tapwatch: { revision: gitRevision(), command: tapwatchCommand(ctx) },
    options: { runs: opts.runs, pinnedCpu: ctx.pinCpu, timeTool: ctx.useTime ? TIME : null },
    notes,
    captures: results,
  };
  fs.writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.meetsGoal)) process.exit(2);
}

function tapwatchCommand(ctx) {
  return ['node dist/cli/main.js replay FILE --format jsonl', ctx.tw.noPackets ? '--no-packets' : '', ctx.tw.noHttpRecords ? '--no-http-records' : '']
    .filter(Boolean).join(' ');
}

// ---- HTTP mode --------------------------------------------------------------------------------

const TOOL_LABEL = {
  tcpdump: 'tcpdump -r -w /dev/null',
  tapwatch: 'tapwatch replay (wall)',
  tapwatchLoop: 'tapwatch (in-loop)',
  suricata: 'suricata --runmode single',
  tshark: 'tshark -Y http',
};

// "=" when requests, responses and transactions all equal the ground truth, else the differences.
function versusTruth(s, truth) {
  if (truth === null || truth === undefined || s.transactions === null) return '-';
  const parts = [];
  const d = (name, v) => {
    if (v !== null && v !== undefined && v !== truth) parts.push(`${name} ${v - truth > 0 ? '+' : ''}${v - truth}`);
  };
  d('tx', s.transactions);
  if (s.requests !== s.transactions) d('req', s.requests);
  d('resp', s.responses);
  return parts.length === 0 ? '=' : parts.join(', ');
}

async function mainHttp(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  const tools = ['tcpdump', 'tapwatch'];
  if (opts.suricata) {
    if (hasCommand('suricata')) tools.push('suricata');
    else notes.push('suricata not installed (bench/install-peers.sh): skipped');
  }
  let tsharkRuns = opts.tsharkRuns;
  if (tsharkRuns > 0 && !hasCommand('tshark')) {
    notes.push('tshark not installed (bench/install-peers.sh): skipped');
    tsharkRuns = 0;
  }
  if (!ctx.tw.noHttpRecords) {
    notes.push('this tapwatch build has no --no-http-records: its transaction lines were piped to the harness and counted, so JSON output is part of its time');
  }
  const runners = { tcpdump: runTcpdump, tapwatch: runTapwatch, suricata: runSuricata, tshark: runTshark };

  const results = [];
  const body = [];
  const summaries = [];
  for (const cap of captures) {
    const { fileBytes, mb, scan } = scanCapture(cap);
    const meta = readMeta(cap);
    const truth = typeof meta?.nginxRequests === 'number' ? meta.nginxRequests : null;
    const loadAvgBefore = os.loadavg()[0];
    console.log(`   ground truth: ${truth === null ? 'unknown (not made by make-capture.sh)' : `${truth.toLocaleString('en-US')} transactions (nginx access log)`}`);
    const runs = Object.fromEntries([...tools, 'tshark'].map((t) => [t, []]));
    for (let i = 1; i <= Math.max(opts.runs, tsharkRuns); i++) {
      // rotate the order so slow drifts of the machine hit every tool alike
      const order = i <= opts.runs ? tools.map((_, k) => tools[(k + i - 1) % tools.length]) : [];
      if (i <= tsharkRuns) order.splice(Math.min(1, order.length), 0, 'tshark');
      for (const tool of order) {
        const r = await runners[tool](cap.file, ctx);
        runs[tool].push(r);
        const n = tool === 'tshark' ? tsharkRuns : opts.runs;
        let extra = '';
        if (tool === 'tapwatch') extra = `, in-loop ${r.loopSec.toFixed(3)} s`;
        if (r.transactions !== undefined) extra += `, ${r.transactions === null ? 'no http stats' : `${r.transactions} tx (req ${r.requests}, resp ${r.responses})`}`;
        console.log(`   run ${i}/${n} ${tool.padEnd(8)} ${r.wallSec.toFixed(3)} s wall${r.peakRssMiB !== null ? `, ${r.peakRssMiB.toFixed(0)} MiB` : ''}${extra}`);
      }
    }
    cleanRunFiles();

    const packets = scan.packets ?? runs.tapwatch[runs.tapwatch.length - 1].packets;
    const tw = runs.tapwatch;
    if (tw.some((r) => r.packets !== packets)) {
      notes.push(`${cap.name}: tapwatch reported ${tw.map((r) => r.packets).join('/')} packets, the file has ${packets}`);
    }
    if (tw.some((r) => r.transactions === null)) {
      notes.push(`${cap.name}: tapwatch's stats record has no http.transactions (HTTP stage not in this build of dist/?)`);
    }
    // per tool: medians of the runs (peak RSS: the maximum); the counts of the last run
    const summary = {};
    for (const [tool, rs] of Object.entries(runs)) {
      if (rs.length === 0) continue;
      const last = rs[rs.length - 1];
      const sec = median(rs.map((r) => r.wallSec));
      const tx = last.transactions ?? null;
      const countsVary = rs.some((r) => r.transactions !== last.transactions || r.responses !== last.responses);
      if (countsVary) notes.push(`${cap.name}: ${tool}'s counts differ between runs: ${rs.map((r) => `${r.transactions}/${r.responses}`).join(' ')}`);
      summary[tool] = {
        runs: rs.length,
        medianWallSec: sec,
        cpuSec: med(rs.map((r) => r.cpuSec)),
        peakRssMiB: maxOf(rs.map((r) => r.peakRssMiB)),
        packetsPerSec: packets / sec,
        mbPerSec: mb / sec,
        transactions: tx,
        requests: last.requests ?? null,
        responses: last.responses ?? null,
        txPerSec: tx === null ? null : tx / sec,
        vsGroundTruth: tool === 'tcpdump' ? null : versusTruth(last, truth),
        runsDetail: rs.map(({ stats: _stats, ...r }) => r),
      };
      if (tool === 'tapwatch') {
        const loopSec = median(rs.map((r) => r.loopSec));
        Object.assign(summary[tool], {
          medianLoopSec: loopSec,
          loopPacketsPerSec: packets / loopSec,
          loopMbPerSec: mb / loopSec,
          loopTxPerSec: tx === null ? null : tx / loopSec,
          lastStats: last.stats,
        });
      }
    }
    for (const [tool, s] of Object.entries(summary)) {
      // tshark's own threads push CPU above wall when not pinned; below wall means the CPU was shared
      if (s.cpuSec !== null && s.medianWallSec > 1 && s.cpuSec < 0.85 * s.medianWallSec) {
        notes.push(`${cap.name}: ${tool} used the CPU ${((100 * s.cpuSec) / s.medianWallSec).toFixed(0)}% of its wall time: ` +
          'something else ran on that CPU, its timings are noisy (compare CPU s, or re-run on a quiet machine)');
      }
    }
    const t = summary.tapwatch;
    const ratio = (peer) => {
      const p = summary[peer];
      if (!p) return null;
      return {
        wallTime: t.medianWallSec / p.medianWallSec, // < 1: tapwatch takes less time
        txPerSec: t.txPerSec !== null && p.txPerSec ? t.txPerSec / p.txPerSec : null, // > 1: tapwatch is faster
        loopTxPerSec: t.loopTxPerSec !== null && p.txPerSec ? t.loopTxPerSec / p.txPerSec : null,
      };
    };
    const ratios = { suricata: ratio('suricata'), tshark: ratio('tshark') };
    const goals = {
      atLeastAsFastAsSuricata: ratios.suricata && ratios.suricata.txPerSec !== null ? ratios.suricata.txPerSec >= 1 : null,
      peakRssUnder300MB: t.peakRssMiB === null ? null : t.peakRssMiB < RSS_GOAL_MIB,
      transactionsMatchGroundTruth: truth === null || t.transactions === null ? null : t.vsGroundTruth === '=',
    };
    summaries.push({ capture: cap.name, truth, t, ratios, goals });

    for (const tool of ['tcpdump', 'tapwatch', 'tapwatchLoop', 'suricata', 'tshark']) {
      const s = tool === 'tapwatchLoop' ? t : summary[tool];
      if (!s) continue;
      const loop = tool === 'tapwatchLoop';
      body.push([
        cap.name,
        TOOL_LABEL[tool],
        loop ? String(tw.length) : String(s.runs),
        fmtNum(loop ? s.medianLoopSec : s.medianWallSec, 3),
        loop ? '-' : fmtNum(s.cpuSec, 2),
        loop ? '-' : fmtNum(s.peakRssMiB, 0),
        fmtInt(loop ? s.loopPacketsPerSec : s.packetsPerSec),
        fmtNum(loop ? s.loopMbPerSec : s.mbPerSec, 1),
        fmtInt(loop ? s.loopTxPerSec : s.txPerSec),
        tool === 'tcpdump' ? '-' : fmtInt(s.transactions),
        tool === 'tcpdump' ? '-' : `${fmtInt(s.requests)}/${fmtInt(s.responses)}`,
        tool === 'tcpdump' || loop ? '' : s.vsGroundTruth,
      ]);
    }

    results.push({
      capture: cap.name,
      file: cap.file,
      fileBytes,
      packets,
      capturedBytes: scan.capturedBytes,
      meta,
      groundTruthTransactions: truth,
      loadAvg1mBefore: loadAvgBefore,
      tools: summary,
      ratios,
      goals,
    });
  }

  console.log('');
  printTable(
    ['capture', 'tool', 'runs', 'median s', 'CPU s', 'peak RSS MiB', 'packets/s', 'MB/s', 'tx/s', 'transactions', 'req/resp', 'vs nginx'],
    [false, false, true, true, true, true, true, true, true, true, true, false],
    body,
  );
  console.log('');
  const yn = (v) => (v === null ? 'n/a' : v ? 'met' : 'NOT met');
  for (const s of summaries) {
    const r = s.ratios;
    const peer = (name, x) => (x ? `tapwatch/${name}: wall time ${fmtRatio(x.wallTime)}, tx/s ${fmtRatio(x.txPerSec)} (in-loop tx/s ${fmtRatio(x.loopTxPerSec)})` : `${name}: not run`);
    console.log(`${s.capture}: ${peer('suricata', r.suricata)}; ${peer('tshark', r.tshark)}`);
    console.log(`  goals: tx/s >= suricata single-thread: ${yn(s.goals.atLeastAsFastAsSuricata)}` +
      ` | peak RSS ${fmtNum(s.t.peakRssMiB, 0)} MiB < ${RSS_GOAL_MIB}: ${yn(s.goals.peakRssUnder300MB)}` +
      ` | transactions ${fmtInt(s.t.transactions)} = nginx ${fmtInt(s.truth)}: ${yn(s.goals.transactionsMatchGroundTruth)}`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  const outFile = path.join(OUT, `results-http-${stamp()}.json`);
  const doc = {
    date: new Date().toISOString(),
    mode: 'http',
    goals: {
      description: 'tapwatch tx/s >= suricata --runmode single tx/s on every capture (process wall time); peak RSS < 300 MB; transactions = nginx access-log count',
      rssMiB: RSS_GOAL_MIB,
    },
    machine: { ...machineInfo(), suricata: debVersion('suricata'), tshark: debVersion('tshark') },
    commands: {
      tapwatch: tapwatchCommand(ctx),
      suricata: 'suricata -c bench/suricata-http.yaml -r FILE -l OUTDIR --runmode single -k none --disable-detection',
      tshark: `tshark -n -r FILE -d tcp.port==${opts.port},http -Y http -T fields -e http.request.method -e http.response.code`,
      tcpdump: 'tcpdump -r FILE -w /dev/null',
    },
    tapwatch: { revision: gitRevision() },
    options: { runs: opts.runs, tsharkRuns, pinnedCpu: ctx.pinCpu, timeTool: ctx.useTime ? TIME : null },
    notes,
    captures: results,
  };
  fs.writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  const failed = summaries.some((s) => Object.values(s.goals).some((g) => g === false || g === null));
  if (opts.check && failed) process.exit(2);
}

// ---- --inventory: the endpoint inventory's share of end-to-end throughput -------------------

// bench/inventory.mjs in a pinned child: transactions/s through templating + learning alone.
function runInventoryMicro(file, ctx) {
  const cmd = [process.execPath, path.join(BENCH, 'inventory.mjs'), '--capture', file, '--json', '--runs', '5'];
  if (ctx.pinCpu !== null) cmd.unshift('taskset', '-c', String(ctx.pinCpu));
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24, timeout: ctx.timeoutSec * 1000 });
  if (r.status !== 0) throw new Error(`bench/inventory.mjs failed (${r.status}):\n${(r.stderr || '').slice(-1500)}`);
  return JSON.parse(r.stdout);
}

async function mainInventory(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  if (!ctx.tw.noInventory) {
    console.error('this tapwatch build has no --no-inventory: nothing to compare');
    process.exit(1);
  }
  const dbFile = path.join(OUT, '.run-inventory.db');
  const dropDb = () => {
    for (const sfx of ['', '-wal', '-shm']) fs.rmSync(dbFile + sfx, { force: true });
  };
  const results = [];
  for (const cap of captures) {
    const { mb, scan } = scanCapture(cap);
    const micro = runInventoryMicro(cap.file, ctx);
    for (const m of micro) {
      console.log(`   templating + learning alone, ${m.setting}: ${fmtInt(m.txPerSec)} tx/s (${m.usPerTx.toFixed(2)} µs/tx; ${m.analysed} of ${m.transactions} tx analysed, ${m.endpoints} endpoints)`);
    }
    const runs = { off: [], on: [] };
    for (let i = 1; i <= opts.runs; i++) {
      const order = i % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) {
        dropDb();
        const r = await runTapwatch(cap.file, ctx, { inventoryDb: mode === 'on' ? dbFile : null });
        runs[mode].push(r);
        const endpoints = r.stats.inventory?.endpoints;
        console.log(`   run ${i}/${opts.runs} inventory ${mode.padEnd(3)} ${r.wallSec.toFixed(3)} s wall, in-loop ${r.loopSec.toFixed(3)} s, ${r.transactions} tx${endpoints !== undefined ? `, ${endpoints} endpoints` : ''}`);
      }
    }
    dropDb();
    cleanRunFiles();
    const side = (rs) => {
      const sec = median(rs.map((r) => r.wallSec));
      const loopSec = median(rs.map((r) => r.loopSec));
      const tx = rs[rs.length - 1].transactions;
      return { runs: rs.length, medianWallSec: sec, medianLoopSec: loopSec, cpuSec: med(rs.map((r) => r.cpuSec)), peakRssMiB: maxOf(rs.map((r) => r.peakRssMiB)), transactions: tx, txPerSec: tx / sec, loopTxPerSec: tx / loopSec };
    };
    const off = side(runs.off);
    const on = side(runs.on);
    const share = on.txPerSec / off.txPerSec;
    const loopShare = on.loopTxPerSec / off.loopTxPerSec;
    console.log(`   end to end: inventory off ${fmtInt(off.txPerSec)} tx/s, on ${fmtInt(on.txPerSec)} tx/s: on/off ${fmtRatio(share)} (in-loop ${fmtRatio(loopShare)}), peak RSS ${fmtNum(off.peakRssMiB, 0)} -> ${fmtNum(on.peakRssMiB, 0)} MiB`);
    results.push({ capture: cap.name, file: cap.file, mb, packets: scan.packets, micro, off, on, onOverOff: share, loopOnOverOff: loopShare, goalMet: share >= INVENTORY_GOAL });
  }
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: inventory costs ${(100 * (1 - r.onOverOff)).toFixed(1)}% of end-to-end tx/s (goal < ${Math.round(100 * (1 - INVENTORY_GOAL))}%): ${r.goalMet ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  const outFile = path.join(OUT, `results-inventory-${stamp()}.json`);
  fs.writeFileSync(outFile, JSON.stringify({
    date: new Date().toISOString(),
    mode: 'inventory',
    goal: `end-to-end tx/s with the inventory on (SQLite file, default sampling) >= ${INVENTORY_GOAL} x off, same machine, alternating runs`,
    machine: machineInfo(),
    commands: {
      off: `${tapwatchCommand(ctx)} (with --no-inventory)`,
      on: 'node dist/cli/main.js replay FILE --format jsonl --no-packets --no-http-records --db FILE.db',
      micro: 'node bench/inventory.mjs --capture FILE --json --runs 5',
    },
    tapwatch: { revision: gitRevision() },
    options: { runs: opts.runs, pinnedCpu: ctx.pinCpu },
    notes,
    captures: results,
  }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.goalMet)) process.exit(2);
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

const opts = parseArgs(process.argv.slice(2));
const main = async () => {
  if (opts.decodeOnly) return mainDecode(opts);
  if (opts.inventoryOnly) return mainInventory(opts);
  await mainHttp(opts);
  if (opts.inventoryBench) {
    console.log('');
    await mainInventory(opts);
  }
};
main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
