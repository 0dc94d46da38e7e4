// Each measured tool: how it is run on a capture and how its output is counted (packets,
// transactions, requests, responses).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH, CLI, OUT, SURICATA_CONF } from './paths.mjs';
import { failure, runTimed, timing } from './timed-run.mjs';

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

export async function runTcpdump(file, ctx) {
  const res = await runTimed(['tcpdump', '-r', file, '-w', '/dev/null'], ctx, 'tcpdump');
  if (res.code !== 0) throw failure('tcpdump', res);
  return timing(res);
}

// Which optional replay flags this build of tapwatch knows (from `replay --help`).
export function tapwatchFlags() {
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
export async function runTapwatch(file, ctx, { decodeOnly = false, inventoryDb = null, product = false, cli = CLI, extraArgs = [] } = {}) {
  const argv = [process.execPath, ...cliNodeOptions(cli), cli, 'replay', file, '--format', 'jsonl', ...extraArgs];
  if (!product) {
    if (decodeOnly && ctx.tw.decodeOnly) argv.push('--decode-only');
    // Against Suricata (HTTP logging only) the endpoint map stays off: same work on both sides.
    if (inventoryDb !== null) argv.push('--db', inventoryDb);
    else if (!decodeOnly && ctx.tw.noInventory) argv.push('--no-inventory');
    if (ctx.tw.noPackets) argv.push('--no-packets');
    if (ctx.tw.noHttpRecords) argv.push('--no-http-records');
  }
  // The product as a user runs it: default config, every stage on, every record written (to a file).
  const countStdout = !product && !ctx.tw.noHttpRecords;
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
export async function runSuricata(file, ctx) {
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
export async function runTshark(file, ctx) {
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

/**
 * The node options of the installed command: the CLI's `#!/usr/bin/env -S node ...` line (heap
 * settings the product ships with), so a run here is the process a user's `tapwatch` starts.
 */
export function cliNodeOptions(cli = CLI) {
  const first = fs.readFileSync(cli, 'utf8').split('\n', 1)[0];
  const m = /^#!\S*env -S node(.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

// The replay command line the results record for tapwatch (stream stages against Suricata).
export function tapwatchCommand(ctx) {
  return [['node', ...cliNodeOptions(), 'dist/cli/main.js replay FILE --format jsonl'].join(' '), ctx.tw.noInventory ? '--no-inventory' : '',
    ctx.tw.noPackets ? '--no-packets' : '', ctx.tw.noHttpRecords ? '--no-http-records' : '']
    .filter(Boolean).join(' ');
}

// The product row: default config, inventory on, every record printed (to a file).
export function productCommand(cli = CLI) {
  return ['node', ...cliNodeOptions(cli), `${cli === CLI ? 'dist/cli/main.js' : cli} replay FILE --format jsonl > FILE.jsonl`].join(' ');
}

// bench/inventory.mjs in a pinned child: transactions/s through templating + learning alone.
export function runInventoryMicro(file, ctx) {
  const cmd = [process.execPath, path.join(BENCH, 'inventory.mjs'), '--capture', file, '--json', '--runs', '5'];
  if (ctx.pinCpu !== null) cmd.unshift('taskset', '-c', String(ctx.pinCpu));
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24, timeout: ctx.timeoutSec * 1000 });
  if (r.status !== 0) throw new Error(`bench/inventory.mjs failed (${r.status}):\n${(r.stderr || '').slice(-1500)}`);
  return JSON.parse(r.stdout);
}
