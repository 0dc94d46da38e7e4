// tcpdump as an independent reference: packet counts and timestamps of a capture file.
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

/** Packet count tcpdump reports for a file (it reads gzip only through stdin, so we never pass .gz). */
export function tcpdumpCount(file: string, filter?: string): number {
  const args = ['-n', '-r', file, '--count'];
  if (filter) args.push(filter);
  const res = spawnSync('tcpdump', args, { encoding: 'utf8' });
  const m = /(\d+) packets?/.exec(res.stdout + res.stderr);
  if (!m) throw new Error(`tcpdump gave no count for ${file}: ${res.stderr}`);
  return Number(m[1]);
}

/** Per-packet "sec.nsec caplen" from tcpdump, nanosecond precision. */
export function tcpdumpTimestamps(file: string): string[] {
  const out = execFileSync('tcpdump', ['-n', '-r', file, '--nano', '-tt', '-q'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(' ')[0] ?? '');
}
