// Which config file `tapwatch run` (and the other commands) read when `--config` is not given.
import { existsSync } from 'node:fs';

/** Where an install puts the config (systemd/tapwatch.yaml is its skeleton). */
export const DEFAULT_CONFIG_PATH = '/etc/tapwatch/tapwatch.yaml';

/** Names the config file instead of DEFAULT_CONFIG_PATH. */
export const CONFIG_PATH_ENV = 'TAPWATCH_CONFIG';

/**
 * The config file to read, or undefined for built-in defaults: `--config` if given; else
 * $TAPWATCH_CONFIG if set (it must exist, like --config: a name given on purpose is not skipped);
 * else DEFAULT_CONFIG_PATH when that file exists.
 */
export function resolveConfigPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  if (option !== undefined && option !== '') return option;
  const fromEnv = env[CONFIG_PATH_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return exists(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined;
}
