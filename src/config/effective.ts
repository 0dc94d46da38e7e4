// The effective config as YAML (defaults filled in) for `check-config`, safe to paste into a ticket:
// keys tagged secret in the schema, the parts of values that came from `${env:...}`, and passwords in
// URLs are printed as ***.
import { stringify } from 'yaml';
import type { Substitution } from './env-substitution';
import { configSchema, type TapwatchConfig } from './schema';
import { isSecretPath } from './schema-walk';

export const MASK = '***';

type Path = (string | number)[];

function maskAll(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : MASK;
  if (Array.isArray(value)) return value.map(maskAll);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return value;
}

/** `https://user:password@host/` → `https://user:***@host/` */
function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*:)[^/?#@]*@/i, `$1${MASK}@`);
}

/** A copy of `config` with secrets replaced by ***. */
export function maskSecrets(config: Readonly<TapwatchConfig>, substitutions: readonly Substitution[] = []): unknown {
  const fromEnv = new Map(substitutions.map((s) => [JSON.stringify(s.path), s]));
  const walk = (value: unknown, path: Path): unknown => {
    if (path.length > 0 && isSecretPath(configSchema, path)) return maskAll(value);
    if (typeof value === 'string') {
      const s = fromEnv.get(JSON.stringify(path));
      return s ? s.masked : maskUrlPassword(value);
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
