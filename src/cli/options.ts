// Shared CLI plumbing: build the frozen config from --config plus command-line overrides.
import { buildConfig, ConfigError, loadConfigFile } from '../config/load';
import { resolveConfigPath } from '../config/config-path';
import type { TapwatchConfig } from '../config/schema';
import { integerAtLeast } from './option-values';
import { UsageError } from './usage-error';

export interface CommonOptions {
  config?: string;
  filter?: string;
  batchBytes?: string;
}

/** Config keys set from command-line options, so a value the schema refuses is reported as the option. */
const OPTION_OF_KEY: Readonly<Record<string, string>> = {
  'capture.filter': '--filter',
  'capture.batchBytes': '--batch-bytes',
  'capture.interface': '--iface',
};

/** Overrides are applied to the parsed file (or defaults) and validated together. */
export function resolveConfig(opts: CommonOptions, overrides: (raw: TapwatchConfig) => void = () => {}): Readonly<TapwatchConfig> {
  const batchBytes = opts.batchBytes !== undefined ? integerAtLeast('--batch-bytes', opts.batchBytes, 1) : undefined;
  // --config, else $TAPWATCH_CONFIG, else /etc/tapwatch/tapwatch.yaml when it exists, else defaults
  const file = resolveConfigPath(opts.config);
  const base = file ? loadConfigFile(file) : buildConfig({});
  const raw = structuredClone(base) as TapwatchConfig;
  if (opts.filter !== undefined) raw.capture.filter = opts.filter;
  if (batchBytes !== undefined) raw.capture.batchBytes = batchBytes;
  overrides(raw);
  try {
    return buildConfig(raw, 'command-line options');
  } catch (err) {
    const issue = err instanceof ConfigError ? err.issues.find((i) => OPTION_OF_KEY[i.path] !== undefined) : undefined;
    if (issue) throw new UsageError(`${OPTION_OF_KEY[issue.path]}: ${issue.message}`);
    throw err;
  }
}
