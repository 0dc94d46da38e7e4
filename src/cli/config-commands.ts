// `tapwatch check-config FILE` and `tapwatch config docs`. The commands are plain functions returning
// what to print and the exit code, so tests run them without a child process.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { configDocsMarkdown, configJsonSchema } from '../config/docs';
import { renderEffectiveConfig } from '../config/effective';
import { formatIssue, validateConfigText } from '../config/validate';

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Exit 0 with the effective config (secrets masked), or exit 1 with every error, one per line. */
export function checkConfig(file: string, env: NodeJS.ProcessEnv = process.env): CommandOutput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { exitCode: 1, stdout: '', stderr: `${file}: cannot read: ${(err as Error).message}\n` };
  }
  const result = validateConfigText(text, file, env);
  if (!result.ok) return { exitCode: 1, stdout: '', stderr: result.issues.map((issue) => `${formatIssue(issue)}\n`).join('') };
  return { exitCode: 0, stdout: renderEffectiveConfig(result.config, result.substitutions, file), stderr: '' };
}

export function configDocs(format: string): CommandOutput {
  if (format === 'markdown' || format === 'md') return { exitCode: 0, stdout: configDocsMarkdown(), stderr: '' };
  if (format === 'json') return { exitCode: 0, stdout: `${JSON.stringify(configJsonSchema(), null, 2)}\n`, stderr: '' };
  return { exitCode: 2, stdout: '', stderr: `unknown format ${JSON.stringify(format)}: markdown or json\n` };
}

function emit(output: CommandOutput): void {
  process.stdout.write(output.stdout);
  process.stderr.write(output.stderr);
  process.exitCode = output.exitCode;
}

export function registerConfigCommands(program: Command): void {
  program
    .command('check-config')
    .description('validate a config file: print the effective config (secrets masked) or every error with its key')
    .argument('<file>', 'YAML config file')
    .action((file: string) => emit(checkConfig(file)));

  const config = program.command('config').description('configuration reference');
  config
    .command('docs')
    .description('print every config key with type, default, bounds and description')
    .option('--format <format>', 'markdown, or json for the JSON Schema (editors)', 'markdown')
    .action((opts: { format: string }) => emit(configDocs(opts.format)));
}
