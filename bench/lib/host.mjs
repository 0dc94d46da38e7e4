// What the machine offers and is: commands on the PATH, package versions, CPUs, the source revision.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { ROOT } from './paths.mjs';

export function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function debVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : null;
}

// The last CPU this process may run on (cpusets can make CPU ids non-contiguous).
export function lastAllowedCpu() {
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

export function gitRevision() {
  const r = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'native'], { encoding: 'utf8' });
  return r.stdout.trim() + (dirty.stdout && dirty.stdout.trim() ? '+dirty' : '');
}

export function machineInfo() {
  return {
    cpu: os.cpus()[0]?.model ?? null,
    cpus: os.availableParallelism(),
    memMiB: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    node: process.version,
    tcpdump: (spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0] || null,
  };
}
