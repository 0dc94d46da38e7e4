// `tapwatch eval [--labels LABELS.json] [FILE...]`: replays a labelled scenario through the pipeline
// and scores the alerts against its attacks (src/eval/). Exit 0 after an evaluation whatever the
// scores; bad labels or options are one plain sentence (exit 2), unreadable files it names exit 1.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EvalInputError } from '../eval/errors';
import { evaluateScenario } from '../eval/evaluate';
import { DEFAULT_MATCH_OPTIONS } from '../eval/matching';
import { evalReportText } from '../eval/report-text';
import { checkDbOption } from './db-option';
import { FIRST_RUN_LABELS } from './first-run';
import { spanSeconds } from './option-values';
import { resolveConfig, type CommonOptions } from './options';
import { CliFailure, UsageError } from './usage-error';

export interface EvalCommandOptions extends CommonOptions {
  /** Absent: the bundled first-run scenario. */
  labels?: string;
  db?: string;
  format: string;
  out?: string;
  slackBefore?: string;
  slackAfter?: string;
}

/** Adds `eval` to the program; `settle` turns the command's result or error into the exit code. */
export function registerEval(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('eval')
    .description('replay a labelled scenario (tapwatch simulate) and score the alerts against its attacks')
    .argument('[files...]', 'capture files; none = the pcaps the labels list')
    .option('--labels <file>', 'the scenario labels (labels.json); none = the bundled first-run scenario')
    .option('-c, --config <file>', 'YAML config file (its alert destinations are not used)')
    .option('--db <file>', 'SQLite state file (default: in memory)')
    .option('--format <format>', 'table or json', 'table')
    .option('-o, --out <file>', 'write the evaluation to a file instead of standard output')
    .option('--slack-before <span>', `how long before an attack's start an alert still detects it (default ${DEFAULT_MATCH_OPTIONS.slackBeforeSec}s)`)
    .option('--slack-after <span>', `how long after an attack's end an alert still detects it (default ${DEFAULT_MATCH_OPTIONS.slackAfterSec}s)`)
    .action((files: string[], opts: EvalCommandOptions) => settle(evalCommand(files, opts)));
}

export async function evalCommand(files: string[], opts: EvalCommandOptions): Promise<number> {
  if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError(`--format ${opts.format}: give table or json`);
  checkDbOption(opts.db);
  const slackBeforeSec = slackOption('--slack-before', opts.slackBefore, DEFAULT_MATCH_OPTIONS.slackBeforeSec);
  const slackAfterSec = slackOption('--slack-after', opts.slackAfter, DEFAULT_MATCH_OPTIONS.slackAfterSec);
  const config = resolveConfig(opts);
  const report = await evaluateScenario({ labelsFile: opts.labels ?? FIRST_RUN_LABELS, files, config, dbPath: opts.db ?? null, match: { slackBeforeSec, slackAfterSec } }).catch((err: unknown) => {
    if (err instanceof EvalInputError) throw err.problem === 'usage' ? new UsageError(err.message) : new CliFailure(err.message);
    throw err;
  });
  const text = opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : evalReportText(report);
  if (opts.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileSync(opts.out, text);
  } catch (err) {
    throw new CliFailure(`cannot write --out ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; name a file in a folder you can write`);
  }
  return 0;
}

/** Seconds (or 90s, 5m, 1h) of at least 0. */
function slackOption(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (/^0+(\.0+)?[smhd]?$/.test(text.trim())) return 0;
  const sec = spanSeconds(text);
  if (sec === null) throw new UsageError(`${option} ${text}: give seconds of at least 0, or a span such as 90s, 5m, 1h`);
  return sec;
}
