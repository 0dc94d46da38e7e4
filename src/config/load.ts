// Load a YAML config file, validate it against the schema and freeze it. Errors name the file and
// every bad option's path so an operator can fix a bad config in one go without reading code.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TapwatchConfig } from './schema';
import { type ConfigIssue, formatIssue, validateConfigObject, validateConfigText } from './validate';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** Every problem found (empty when the file could not be read at all). */
    readonly issues: readonly ConfigIssue[] = [],
  ) {
    super(message);
  }
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

function invalid(origin: string, issues: readonly ConfigIssue[]): ConfigError {
  const lines = issues.map((issue) => `  ${formatIssue(issue)}`).join('\n');
  return new ConfigError(`${origin} is invalid (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n${lines}`, issues);
}

/** Validate an already-parsed object (e.g. merged CLI overrides). */
export function buildConfig(raw: unknown, origin = 'config'): Readonly<TapwatchConfig> {
  const result = validateConfigObject(raw);
  if (!result.ok) throw invalid(origin, result.issues);
  return result.config;
}

/** Read a config file (with `${env:...}` references resolved from `env`). */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Readonly<TapwatchConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  const result = validateConfigText(text, path, env);
  if (!result.ok) throw invalid(`config ${path}`, result.issues);
  return result.config;
}
