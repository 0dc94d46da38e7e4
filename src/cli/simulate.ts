// `tapwatch simulate --seed N --days D --out DIR`: a labelled scenario of API traffic (pcaps,
// labels.json, requests.jsonl) from the scenario generator (src/simulate/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ATTACK_TYPES, type AttackType } from '../core/scenario-labels';
import { simulate } from '../simulate/generate';
import { compressScenario } from '../simulate/compress';
import { AttackSpecError, parseAttackSpec } from '../simulate/plan/attacks/params';
import { defaultAttacks, type AttackRequest } from '../simulate/plan/attacks';
import { Rng } from '../simulate/prng';
import { integerAtLeast } from './option-values';
import { CliFailure, UsageError } from './usage-error';

export interface SimulateCliOptions {
  seed: string;
  days: string;
  out: string;
  users: string;
  rate: string;
  /** false with --no-attacks. */
  attacks: string | false;
  attack: string[];
  start: string;
  concurrency: string;
  force?: boolean;
  /** Write the pcaps and the requests file gzip-compressed. */
  gzip?: boolean;
}

const MAX_DAYS = 31;

function number(option: string, text: string, min: number, max: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= min || n > max) throw new UsageError(`${option} ${text}: give a number above ${min} and at most ${max}`);
  return n;
}

function startOf(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--start ${text}: give a date as YYYY-MM-DD`);
  return ms * 1000;
}

function attackTypes(text: string): AttackType[] {
  if (text.trim() === 'all') return [...ATTACK_TYPES];
  const types = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const t of types) if (!(ATTACK_TYPES as readonly string[]).includes(t)) throw new UsageError(`--attacks: unknown attack type "${t}"; give some of ${ATTACK_TYPES.join(', ')} (comma-separated), or all`);
  return types as AttackType[];
}

function checkOut(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is a file; give a directory (it is created when missing)`);
  const old = readdirSync(dir).filter((f) => /\.pcap(\.gz)?$/.test(f) || f === 'labels.json' || /^requests\.jsonl(\.gz)?$/.test(f));
  if (old.length > 0 && !force) throw new UsageError(`--out ${dir} already holds a scenario (${old.slice(0, 3).join(', ')}${old.length > 3 ? ' ...' : ''}); give an empty directory, or --force to write over it`);
}

function checkTool(cmd: string, args: string[], pkg: string): void {
  const run = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  if (run.error || run.status !== 0) throw new CliFailure(`${cmd} is needed to send the scenario's requests but could not be run; install it (apt-get install ${pkg})`);
}

export async function simulateCommand(opts: SimulateCliOptions): Promise<number> {
  const seed = integerAtLeast('--seed', opts.seed, 0);
  const days = integerAtLeast('--days', opts.days, 1);
  if (days > MAX_DAYS) throw new UsageError(`--days ${opts.days}: give at most ${MAX_DAYS} days`);
  const users = integerAtLeast('--users', opts.users, 1);
  if (users > 20_000) throw new UsageError(`--users ${opts.users}: give at most 20000 users`);
  const rate = number('--rate', opts.rate, 0, 20);
  const concurrency = integerAtLeast('--concurrency', opts.concurrency, 1);
  const startUs = startOf(opts.start);
  const attacks: AttackRequest[] = opts.attacks === false ? [] : defaultAttacks(new Rng(seed, 'attacks'), attackTypes(opts.attacks), days);
  for (const spec of opts.attack) {
    try {
      attacks.push(parseAttackSpec(spec));
    } catch (err) {
      if (err instanceof AttackSpecError) throw new UsageError(`--attack: ${err.message}`);
      throw err;
    }
  }
  checkOut(opts.out, opts.force === true);
  checkTool('curl', ['--version'], 'curl');
  checkTool('python3', ['-c', 'import urllib.request'], 'python3');
  const say = (line: string): void => {
    process.stderr.write(`simulate: ${line}\n`);
  };
  const result = await simulate({ seed, days, users, rate, startUs, out: opts.out, attacks, concurrency, progress: say });
  const labels = opts.gzip === true ? compressScenario(opts.out, result.labels) : result.labels;
  const attackRequests = result.requests - result.labels.benignRequests;
  process.stdout.write(
    `wrote ${result.requests} requests (${result.labels.benignRequests} benign, ${attackRequests} in ${result.labels.attacks.length} attacks) to ${opts.out}: ` +
      `${labels.pcaps.join(', ')}, labels.json, ${labels.requestsFile} (${Math.round(result.seconds)} s)\n`,
  );
  if (result.lost > 0) process.stderr.write(`simulate: warning: ${result.lost} planned requests were not sent (a client failed); the labels list only what was sent\n`);
  return 0;
}

export function registerSimulate(program: Command, settle: (p: Promise<number>) => void): void {
  program
    .command('simulate')
    .description('generate labelled API traffic (pcaps, labels.json, requests.jsonl) for a seed, served and sent by real HTTP programs on 127.0.0.1')
    .requiredOption('-o, --out <dir>', 'directory for the pcaps and labels (created when missing)')
    .option('--seed <n>', 'seed: the same seed gives the same schedule and labels', '1')
    .option('--days <n>', 'simulated days, from --start', '7')
    .option('--users <n>', 'active customer accounts (staff and service accounts come on top)', '600')
    .option('--rate <x>', 'multiplier of every person’s activity', '1')
    .option('--attacks <types>', `attack types drawn at random over the days (comma-separated, or all): ${ATTACK_TYPES.join(', ')}`, 'all')
    .option('--no-attacks', 'no randomly drawn attacks (--attack still adds one)')
    .option('--attack <spec>', 'add one attack: TYPE[:key=value,...] with intensity=low|medium|high, duration=MIN, sources=N, stealth=none|slow|spread|mimic, variant=V, day=D, hour=H (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--start <date>', 'first simulated day (UTC), YYYY-MM-DD', '2026-03-02')
    .option('--concurrency <n>', 'visits sent at once', '16')
    .option('--force', 'write over a scenario already in --out')
    .option('--gzip', 'write the pcaps and the requests file gzip-compressed (replay and eval read them as they are)')
    .action((opts: SimulateCliOptions) => settle(simulateCommand(opts)));
}
