// The effective config as YAML (defaults filled in) for `check-config`, safe to paste into a ticket:
// keys tagged secret in the schema, strings under keys named like secrets, the parts of values that
// came from `${env:...}`, and credentials in URLs are printed as *** (what counts: redact.ts).
import { stringify } from 'yaml';
import type { Substitution } from './env-substitution';
import { isSecretKeyName, MASK, redactUrl } from './redact';
import { configSchema, type TapwatchConfig } from './schema';
import { isSecretPath } from './schema-walk';

export { MASK } from './redact';

type Path = (string | number)[];

function maskAll(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : MASK;
  if (Array.isArray(value)) return value.map(maskAll);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return value;
}

/** A copy of `config` with secrets replaced by ***. */
export function maskSecrets(config: Readonly<TapwatchConfig>, substitutions: readonly Substitution[] = []): unknown {
  const fromEnv = new Map(substitutions.map((s) => [JSON.stringify(s.path), s]));
  const walk = (value: unknown, path: Path): unknown => {
    if (path.length > 0 && isSecretPath(configSchema, path)) return maskAll(value);
    if (typeof value === 'string') {
      const s = fromEnv.get(JSON.stringify(path));
      if (s) return s.masked;
      const key = path[path.length - 1];
      return typeof key === 'string' && isSecretKeyName(key) ? maskAll(value) : redactUrl(value);
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  return walk(config, []);
}

export function renderEffectiveConfig(config: Readonly<TapwatchConfig>, substitutions: readonly Substitution[] = [], origin?: string): string {
  const header = `# Effective configuration${origin ? ` of ${origin}` : ''}: defaults filled in; secrets and values from the environment shown as ${MASK}.\n`;
  return header + stringify(maskSecrets(config, substitutions), { lineWidth: 0 });
}
