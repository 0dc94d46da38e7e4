// Reads a scenario's labels.json (src/core/scenario-labels.ts) and resolves the files it names
// relative to itself. Every way it can be wrong is one sentence naming the file and what to do.
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { SCENARIO_LABELS_VERSION, scenarioLabelsSchema, type ScenarioLabels } from '../core/scenario-labels';
import { EvalInputError } from './errors';

export interface LoadedLabels {
  readonly file: string;
  readonly labels: ScenarioLabels;
  /** The scenario's pcaps, resolved against the labels file's folder. */
  readonly pcapPaths: readonly string[];
  readonly requestsPath: string;
}

export function loadLabels(file: string): LoadedLabels {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EvalInputError('usage', `--labels ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the labels.json that tapwatch simulate wrote`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new EvalInputError('usage', `--labels ${file}: not JSON (${(err as Error).message}); give the labels.json that tapwatch simulate wrote`);
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['version'] : undefined;
  if (version !== SCENARIO_LABELS_VERSION) {
    throw new EvalInputError(
      'usage',
      `--labels ${file}: labels version ${JSON.stringify(version ?? null)} is not one this tapwatch reads (${SCENARIO_LABELS_VERSION}); regenerate the scenario with this version's tapwatch simulate`,
    );
  }
  const parsed = scenarioLabelsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new EvalInputError('usage', `--labels ${file}: ${where}: ${issue?.message ?? 'invalid'}; the file does not follow the scenario labels format`);
  }
  const labels = parsed.data;
  const problem = inconsistency(labels);
  if (problem) throw new EvalInputError('usage', `--labels ${file}: ${problem}`);
  const dir = path.dirname(path.resolve(file));
  return {
    file,
    labels,
    pcapPaths: labels.pcaps.map((p) => path.resolve(dir, p)),
    requestsPath: path.resolve(dir, labels.requestsFile),
  };
}

/** Throws a `failure` naming the first file that cannot be read; `what` says who named it. */
export function requireReadable(files: readonly string[], what: string): void {
  for (const f of files) {
    try {
      accessSync(f, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new EvalInputError('failure', `${what} ${f} cannot be read (${code}); put it back beside the labels file or name the captures after --labels`);
    }
  }
}

/** What the schema cannot say: ids are unique and attacks name actors that exist. */
function inconsistency(labels: ScenarioLabels): string | null {
  const actors = new Set<string>();
  for (const a of labels.actors) {
    if (actors.has(a.id)) return `actor id "${a.id}" is used twice`;
    actors.add(a.id);
  }
  const attacks = new Set<string>();
  for (const a of labels.attacks) {
    if (attacks.has(a.id)) return `attack id "${a.id}" is used twice`;
    if (a.id === 'benign') return 'an attack is called "benign", the label of benign requests';
    attacks.add(a.id);
    const unknown = a.actors.find((x) => !actors.has(x));
    if (unknown !== undefined) return `attack "${a.id}" names actor "${unknown}", which is not in actors`;
    if (!(a.end >= a.start)) return `attack "${a.id}" ends (${a.end}) before it starts (${a.start})`;
  }
  return null;
}
