// Runs the built CLI (dist/cli/main.js) as a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { CLI } from './paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: Buffer): CliRun {
  const res = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
