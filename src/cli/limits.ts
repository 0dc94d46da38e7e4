// `tapwatch limits [--db FILE] [--format text|json]`: the rate limits the rate-limit detector learned
// per identity, endpoint and hour-of-week band (stored by replay --db or run): the limit per minute a
// gateway could enforce, how sure it is and how many 10-minute peaks it rests on. Text is a table for
// people, JSON an array for tools; no database is one plain sentence, exit 1.
import { safeJsonStringify } from '../core/escape-control';
import type { Command } from 'commander';
import { listRateLimits, type RateLimitRow } from '../detectors/rate-limits-store';
import { resolveConfig, type CommonOptions } from './options';
import { openStateDatabase } from './stored-map';
import { table } from './table';
import { UsageError } from './usage-error';

export interface LimitsOptions extends CommonOptions {
  db?: string;
  format: string;
  minConfidence?: string;
}

/** Adds `limits` to the program; `settle` turns the command's result or error into the exit code. */
export function registerLimits(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('limits')
    .description('rate limits learned per identity, endpoint and hour-of-week band (from replay --db or run)')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--min-confidence <x>', 'only limits at least this confident (0–1)')
    .option('--format <format>', 'text or json', 'text')
    .action((opts: LimitsOptions) => settle(Promise.resolve().then(() => limitsCommand(opts))));
}

function minConfidenceOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`--min-confidence ${text}: give a number from 0 to 1`);
  return x;
}

function when(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function limitsCommand(opts: LimitsOptions): number {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format ${opts.format}: give text or json`);
  const minConfidence = minConfidenceOf(opts.minConfidence);
  const config = resolveConfig(opts);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const rows = listRateLimits(opened.db, minConfidence);
    if (opts.format === 'json') {
      process.stdout.write(safeJsonStringify(rows, 2) + '\n');
      return 0;
    }
    const lines = [['IDENTITY', 'ENDPOINT', 'BAND', 'LIMIT/MIN', 'CONFIDENCE', 'PEAKS', 'P99 PEAK/MIN', 'LAST SEEN']];
    for (const r of rows) lines.push([r.identity, endpointOf(r), r.band, String(r.limitPerMinute), r.confidence.toFixed(2), String(r.peaks), String(r.p99PeakPerMinute), when(r.lastSeen)]);
    process.stdout.write(table(lines));
    if (rows.length === 0) {
      process.stdout.write(
        minConfidence > 0 ? `(no limit with confidence of at least ${minConfidence})\n` : '(no rate limits learned yet: replay traffic with --db, or run the sensor, with detectors.rateLimits enabled)\n',
      );
    }
    return 0;
  } finally {
    opened.db.close();
  }
}

function endpointOf(r: RateLimitRow): string {
  return `${r.method} ${r.host}${r.template}`;
}
