// Runs one measured process: wall time here, CPU time and peak RSS from /usr/bin/time -v, pinned
// with taskset, killed (by its process group) on timeout or when the benchmark is interrupted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { OUT, TIME } from './paths.mjs';

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

let current = null; // the running child, killed (by its process group) on timeout or Ctrl-C

// Runs argv with stdout/stderr to files, wall time measured here (high resolution),
// CPU and peak RSS from /usr/bin/time -v when available. With countStdout, stdout is a
// pipe read here instead: its lines are counted and its last 4 MiB kept (res.stdoutTail).
export function runTimed(argv, ctx, tag, { countStdout = false } = {}) {
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

export function failure(name, res) {
  const err = fs.readFileSync(res.errFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  const why = res.timedOut ? 'timed out' : `exit code ${res.code}${res.signal ? `, signal ${res.signal}` : ''}`;
  return new Error(`${name} failed (${why}):\n${err}`);
}

export const timing = (res) => ({ wallSec: res.wallSec, cpuSec: res.cpuSec, peakRssMiB: res.peakRssMiB });

// Kills the running child, if any (Ctrl-C, SIGTERM).
export function killRunning() {
  if (current) {
    try {
      process.kill(-current.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function cleanRunFiles() {
  for (const t of ['tcpdump', 'tapwatch', 'suricata', 'tshark']) {
    for (const f of ['stdout', 'stderr']) fs.rmSync(path.join(OUT, `.run-${t}.${f}`), { force: true });
  }
}
