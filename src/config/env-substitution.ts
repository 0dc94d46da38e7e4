// `${env:NAME}` references in config values, the OpenTelemetry Collector's syntax, so secrets stay
// out of the YAML file (systemd `Environment=` / `EnvironmentFile=`, or `LoadCredential=` read by a
// wrapper). Substitution runs on parsed YAML values, never on keys or raw text, so a variable can
// not inject YAML structure. `${env:NAME:-fallback}` uses `fallback` when NAME is unset or empty;
// `$${` is a literal `${`. Values are not re-expanded. Any other `${...}` is an error so a shell
// habit (`${NAME}`) does not silently become a literal secret.

export const ENV_SUBSTITUTION_HELP =
  'Any string value may contain `${env:NAME}` (the OpenTelemetry Collector syntax): it is replaced by the environment ' +
  'variable NAME before validation, and a missing variable is an error naming the key. `${env:NAME:-fallback}` uses ' +
  '`fallback` when NAME is unset or empty; `$${` writes a literal `${`. When the whole value is one reference, the ' +
  'variable is read as the type the key expects (`port: ${env:SYSLOG_PORT}` gives a number); embedded references ' +
  '(`url: https://hooks.example.com/${env:HOOK_PATH}`) give a string. check-config prints values that came from the ' +
  'environment as `***`.';

export type DataPath = (string | number)[];

export interface EnvIssue {
  path: DataPath;
  message: string;
}

export interface Substitution {
  path: DataPath;
  /** The whole value was one reference: its type is decided by the key (see coerceToSchemaType). */
  whole: boolean;
  /** The value with every substituted part shown as `***`. */
  masked: string;
}

export interface SubstitutionResult {
  value: unknown;
  issues: EnvIssue[];
  substitutions: Substitution[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// `$${` (escape), `${...}` (reference) or a `${` never closed
const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;

interface Expanded {
  text: string;
  masked: string;
  references: number;
  whole: boolean;
  errors: string[];
}

export function expandString(input: string, env: NodeJS.ProcessEnv): Expanded {
  let text = '';
  let masked = '';
  let references = 0;
  const errors: string[] = [];
  let last = 0;
  for (const match of input.matchAll(TOKEN)) {
    const literal = input.slice(last, match.index);
    text += literal;
    masked += literal;
    last = match.index + match[0].length;
    if (match[0] === '$${') {
      text += '${';
      masked += '${';
      continue;
    }
    if (match[1] === undefined) {
      errors.push('`${` is not closed; write `$${` for a literal `${`');
      text += match[0];
      masked += match[0];
      continue;
    }
    const body = match[1];
    const ref = /^env:([^:]*)(?::-(.*))?$/s.exec(body);
    const name = ref?.[1] ?? '';
    if (!ref || !ENV_NAME.test(name)) {
      errors.push(`\`\${${body}}\` is not a reference this config understands; write \`\${env:NAME}\`, or \`$\${\` for a literal \`\${\``);
      text += match[0];
      masked += match[0];
      continue;
    }
    references++;
    const value = env[name];
    const fallback = ref[2];
    if (fallback !== undefined && (value === undefined || value === '')) {
      text += fallback;
      masked += '***';
    } else if (value === undefined) {
      errors.push(`environment variable ${name} is not set (referenced as \${env:${name}})`);
      text += match[0];
      masked += match[0];
    } else {
      text += value;
      masked += '***';
    }
  }
  text += input.slice(last);
  masked += input.slice(last);
  const whole = references === 1 && errors.length === 0 && /^\$\{[^}]*\}$/.test(input);
  return { text, masked, references, whole, errors };
}

/** Replaces references in every string value (not in keys) of parsed YAML. */
export function substituteEnv(raw: unknown, env: NodeJS.ProcessEnv = process.env): SubstitutionResult {
  const issues: EnvIssue[] = [];
  const substitutions: Substitution[] = [];
  const walk = (value: unknown, path: DataPath): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const expanded = expandString(value, env);
      for (const message of expanded.errors) issues.push({ path, message });
      if (expanded.references > 0) substitutions.push({ path, whole: expanded.whole, masked: expanded.masked });
      return expanded.text;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) out[key] = walk(child, [...path, key]);
      return out;
    }
    return value;
  };
  return { value: walk(raw, []), issues, substitutions };
}
