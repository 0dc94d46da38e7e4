// Shared CLI plumbing: build the frozen config from --config plus command-line overrides.
import { buildConfig, loadConfigFile } from '../config/load';
import { resolveConfigPath } from '../config/config-path';
import type { TapwatchConfig } from '../config/schema';

export interface CommonOptions {
  config?: string;
  filter?: string;
  batchBytes?: string;
}

/** Overrides are applied to the parsed file (or defaults) and validated together. */
export function resolveConfig(opts: CommonOptions, overrides: (raw: TapwatchConfig) => void = () => {}): Readonly<TapwatchConfig> {
  // --config, else $TAPWATCH_CONFIG, else /etc/tapwatch/tapwatch.yaml when it exists, else defaults
  const file = resolveConfigPath(opts.config);
  const base = file ? loadConfigFile(file) : buildConfig({});
  const raw = structuredClone(base) as TapwatchConfig;
  if (opts.filter !== undefined) raw.capture.filter = opts.filter;
  if (opts.batchBytes !== undefined) raw.capture.batchBytes = Number(opts.batchBytes);
  overrides(raw);
  return buildConfig(raw, 'command-line options');
}
