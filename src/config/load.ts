// Load a YAML config file, validate it against the schema and freeze it. Errors name the file and
// the option path so an operator can fix a bad config without reading code.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type TapwatchConfig } from './schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

/** Validate an already-parsed object (e.g. merged CLI overrides). */
export function buildConfig(raw: unknown, origin = 'config'): Readonly<TapwatchConfig> {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${origin} is invalid:\n${formatIssues(result.error)}`);
  return deepFreeze(result.data);
}

export function loadConfigFile(path: string): Readonly<TapwatchConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config ${path} is not valid YAML: ${(err as Error).message}`);
  }
  return buildConfig(raw, `config ${path}`);
}
