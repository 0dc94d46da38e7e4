// Runs the built CLI (dist/cli/main.js) as a child process, as a user would.
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Like runCli, without blocking this process: for tests that serve something (a webhook receiver,
 * a syslog collector) the CLI talks to while it runs.
 */
export function runCliAsync(args: string[], timeoutMs = 60000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A row of `tapwatch endpoints --format json`. */
export interface EndpointJson {
  host: string;
  method: string;
  template: string;
  calls: number;
  specStatus: string;
}

/** `tapwatch endpoints --db DB --format json [extra...]`; throws with its stderr on failure. */
export function listEndpoints(db: string, ...extra: string[]): EndpointJson[] {
  const run = runCli(['endpoints', '--db', db, '--format', 'json', ...extra]);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as EndpointJson[];
}
