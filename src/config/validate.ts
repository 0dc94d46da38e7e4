// Config text → validated config, or every problem at once: YAML syntax errors with line and column,
// missing `${env:...}` variables, and schema violations, each with the dotted path of its key.
// Unknown keys are reported one by one with the closest allowed key. Used by the loader at start,
// by `tapwatch check-config` and by the daemon's SIGHUP reload (which keeps the old config on issues).
import { isMap, isScalar, isSeq, LineCounter, parse as parseYaml, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { configSchema, type TapwatchConfig } from './schema';
import { type DataPath, substituteEnv, type Substitution } from './env-substitution';
import { formatDataPath, keysAt, schemaAt, schemaType } from './schema-walk';
import { closestKey } from './suggest';

export interface ConfigIssue {
  /** Dotted path of the key (`outputs.webhooks.0.secret`); empty for the document itself. */
  path: string;
  /** The same path as keys and array indices. */
  segments: DataPath;
  message: string;
  /** `did you mean "secret"?` for an unknown key close to an allowed one. */
  suggestion?: string;
  /** 1-based position in the YAML text, when the key or the error is in it. */
  line?: number;
  column?: number;
}

export interface ValidConfig {
  ok: true;
  config: Readonly<TapwatchConfig>;
  /** Values that came from `${env:...}`, for printing the config without them. */
  substitutions: Substitution[];
}

export interface InvalidConfig {
  ok: false;
  issues: ConfigIssue[];
}

export type ConfigValidation = ValidConfig | InvalidConfig;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** `key:` with no value means "not set": the key takes its default (a skeleton with commented-out children). */
function dropNullKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = dropNullKeys(child);
    return out;
  }
  return value;
}

function setAt(root: unknown, path: DataPath, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A whole-value `${env:...}` is a string; read it as the type its key expects, as the Collector does:
 * numbers and booleans for number and boolean keys, YAML for lists and maps, unchanged for strings.
 */
function coerceToSchemaType(text: string, path: DataPath): unknown {
  const schema = schemaAt(configSchema, path);
  if (!schema) return text;
  switch (schemaType(schema)) {
    case 'number':
      return NUMBER.test(text.trim()) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
    case 'object':
    case 'record': {
      try {
        const parsed: unknown = parseYaml(text);
        return parsed !== null && typeof parsed === 'object' ? parsed : text;
      } catch {
        return text;
      }
    }
    default:
      return text;
  }
}

/** zod issues as config issues: one per unknown key, with a suggestion when a known key is close. */
export function issuesFromZod(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path as DataPath;
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(configSchema, path);
      for (const key of issue.keys) {
        const suggestion = closestKey(key, allowed);
        const segments = [...path, key];
        out.push({ path: formatDataPath(segments), segments, message: 'unknown key', ...(suggestion ? { suggestion: `did you mean "${suggestion}"?` } : {}) });
      }
    } else {
      out.push({ path: formatDataPath(path), segments: path, message: issue.message });
    }
  }
  return out;
}

/** Validate an already-parsed object (no `${env:...}` substitution: the caller's values are final). */
export function validateConfigObject(raw: unknown): ConfigValidation {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) return { ok: false, issues: issuesFromZod(result.error) };
  return { ok: true, config: deepFreeze(result.data), substitutions: [] };
}

/**
 * Where `path` is written: the key itself for a mapping entry, else the value. `exact` is false when
 * only an ancestor is in the text (a required key that is missing): that position still orders issues.
 */
function locate(doc: Document, lineCounter: LineCounter, path: DataPath): { offset: number; exact: boolean } {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const segment of path) {
    let next: unknown;
    let at: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      next = pair?.value;
      at = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      at = isScalar(next) || isMap(next) || isSeq(next) ? next.range?.[0] : undefined;
    }
    if (at === undefined) return { offset, exact: false };
    offset = at;
    node = next;
  }
  return { offset, exact: path.length > 0 };
}

/**
 * Parse, substitute `${env:...}` and validate config text. `origin` names the text in messages
 * (a file name); `env` is the environment references are read from.
 */
export function validateConfigText(text: string, origin = 'config', env: NodeJS.ProcessEnv = process.env): ConfigValidation {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((err) => {
        const { line, col } = lineCounter.linePos(err.pos[0]);
        return { path: '', segments: [], message: `${origin} is not valid YAML: ${err.message}`, line, column: col };
      }),
    };
  }
  let parsed: unknown;
  try {
    parsed = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, issues: [{ path: '', segments: [], message: `${origin} cannot be read as YAML: ${(err as Error).message}` }] };
  }
  if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    return { ok: false, issues: [{ path: '', segments: [], message: `${origin} must be a mapping of sections (capture:, inventory:, ...)` }] };
  }
  const raw = dropNullKeys(parsed ?? {});
  const substituted = substituteEnv(raw, env);
  for (const s of substituted.substitutions) if (s.whole) setAt(substituted.value, s.path, coerceToSchemaType(getAt(substituted.value, s.path) as string, s.path));

  const issues: ConfigIssue[] = substituted.issues.map((i) => ({ path: formatDataPath(i.path), segments: i.path, message: i.message }));
  const result = configSchema.safeParse(substituted.value);
  if (!result.success) {
    // a key whose variable is missing fails the schema too; its env message says more (but an
    // unknown key is still worth its own line)
    const envPaths = new Set(issues.map((i) => i.path));
    issues.push(...issuesFromZod(result.error).filter((i) => !envPaths.has(i.path) || i.message === 'unknown key'));
  }
  if (issues.length > 0) {
    const order = new Map<ConfigIssue, number>();
    for (const issue of issues) {
      const { offset, exact } = locate(doc, lineCounter, issue.segments);
      order.set(issue, offset);
      if (exact) {
        const { line, col } = lineCounter.linePos(offset);
        Object.assign(issue, { line, column: col });
      }
    }
    // in the order of the file, so the list reads top to bottom
    return { ok: false, issues: issues.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)) };
  }
  if (!result.success) throw new Error('unreachable: schema failure without issues');
  return { ok: true, config: deepFreeze(result.data), substitutions: substituted.substitutions };
}

function getAt(root: unknown, path: DataPath): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

/** One line per issue: `path.to.key: reason; did you mean "x"? (line 3, column 5)`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line !== undefined ? ` (line ${issue.line}, column ${issue.column ?? 1})` : '';
  const head = issue.path === '' ? (issue.line !== undefined ? '' : '(root): ') : `${issue.path}: `;
  const body = `${issue.message}${issue.suggestion ? `, ${issue.suggestion}` : ''}`;
  return issue.path === '' && issue.line !== undefined ? `line ${issue.line}, column ${issue.column ?? 1}: ${body}` : `${head}${body}${where}`;
}
