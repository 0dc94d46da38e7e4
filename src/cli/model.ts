// `tapwatch model list|show [VERSION]|rollback [VERSION]` (--db like the other commands): the session
// model's versions kept in `models/session/` beside the state database, with the metrics each was
// accepted on; rollback points `current` at an older version, which the sensor loads at its next start,
// and writes its audit record to the state database (the pointer is put back if that fails).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { modelStateDir } from '../models';
import { VersionStore, versionName, type VersionMetadata } from '../models/session/versions';
import { defaultDatabasePath } from '../store/paths';
import { resolveConfig, type CommonOptions } from './options';
import { table } from './table';
import { CliFailure, UsageError } from './usage-error';
import { cliAuditTrail, localActor } from './cli-audit';
import { openStateDatabase } from './stored-map';
import { StoreError } from '../store/database';

export interface ModelOptions extends CommonOptions {
  db?: string;
  format: string;
}

const SESSION_MODEL = 'session';

export function registerModel(program: Command, settle: (run: Promise<number>) => void): void {
  const model = program.command('model').description("the session model's versions: list, show, rollback (from replay --db or run)");
  const common = (c: Command): Command =>
    c
      .option('--db <file>', 'SQLite file; versions live in models/session beside it (default: store.path, else $STATE_DIRECTORY)')
      .option('-c, --config <file>', 'YAML config file')
      .option('--format <format>', 'text or json', 'text');
  common(model.command('list').description('versions kept, with their training counts and held-back metrics')).action((opts: ModelOptions) =>
    settle(Promise.resolve().then(() => modelList(opts))),
  );
  common(model.command('show [version]').description('the metadata of a version (default: the current one)')).action((version: string | undefined, opts: ModelOptions) =>
    settle(Promise.resolve().then(() => modelShow(version, opts))),
  );
  common(model.command('rollback [version]').description('make an older version current (default: the one before); the sensor loads it at its next start')).action(
    (version: string | undefined, opts: ModelOptions) => settle(Promise.resolve().then(() => modelRollback(version, opts))),
  );
}

function checkFormat(opts: ModelOptions): void {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format ${opts.format}: give text or json`);
}

/** The version store, or null after saying why there is none. */
function openVersions(opts: ModelOptions): VersionStore | null {
  const config = resolveConfig(opts);
  const dir = modelStateDir(defaultDatabasePath(opts.db ?? config.store.path), SESSION_MODEL);
  const store = new VersionStore(dir, config.models.session.keepVersions);
  if (!existsSync(dir) || store.versions().length === 0) {
    process.stderr.write(`tapwatch: no session model versions in ${dir}: run 'tapwatch replay --db FILE' or 'tapwatch run' until the model has trained\n`);
    return null;
  }
  return store;
}

function versionOf(text: string): number {
  const v = Number(text.replace(/^v/i, ''));
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${text}: give a version number such as 3 or v0003`);
  return v;
}

function when(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function modelList(opts: ModelOptions): number {
  checkFormat(opts);
  const store = openVersions(opts);
  if (store === null) return 1;
  const current = store.current();
  const metas = store.versions().map((v) => store.metadata(v));
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify(metas.map((m) => ({ ...summaryOf(m), current: m.version === current })), null, 2) + '\n');
    return 0;
  }
  const rows = [['VERSION', 'CURRENT', 'TRAINED (PACKET TIME)', 'SESSIONS', 'IDENTITIES', 'FLAGGED OUT', 'FEEDBACK', 'HELD-BACK SCORE', 'HELD-BACK ALERTS', 'DRIFT']];
  for (const m of metas) {
    const s = summaryOf(m);
    rows.push([versionName(m.version), m.version === current ? '*' : '', when(m.packetTime), String(s.trainingSessions), String(s.identities), String(s.excludedFlagged), String(s.feedbackLearnedFrom), s.heldBackMeanScore.toFixed(3), `${(s.heldBackAlertRate * 100).toFixed(2)}%`, s.drift === null ? '-' : s.drift.toFixed(3)]);
  }
  process.stdout.write(table(rows));
  return 0;
}

function summaryOf(m: VersionMetadata) {
  return {
    version: m.version,
    packetTime: m.packetTime,
    trainingSessions: m.trainingSessions,
    identities: m.identities,
    excludedFlagged: m.excludedFlagged,
    feedbackLearnedFrom: m.feedbackLearnedFrom,
    thresholdQuantile: m.calibration.thresholdQuantile,
    heldBackMeanScore: m.heldBack.meanScore,
    heldBackAlertRate: m.heldBack.alertRate,
    drift: m.heldBack.drift,
  };
}

export function modelShow(version: string | undefined, opts: ModelOptions): number {
  checkFormat(opts);
  const store = openVersions(opts);
  if (store === null) return 1;
  const v = version === undefined ? store.current() : versionOf(version);
  if (v === null || !store.versions().includes(v)) throw new UsageError(`no version ${v === null ? '(no current pointer)' : versionName(v)} in ${store.dir}; 'tapwatch model list' shows the kept ones`);
  const meta = store.metadata(v);
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify({ ...meta, current: store.current() === v }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `${versionName(v)}${store.current() === v ? ' (current)' : ''}, trained at ${when(meta.packetTime)} (packet time)`,
    `training: ${meta.trainingSessions} sessions of ${meta.identities} identities; ${meta.excludedFlagged} flagged sessions left out, ${meta.cappedSessions} over the identity share cap`,
    `feedback learned from: ${meta.feedbackLearnedFrom} false-positive verdicts`,
    `threshold: quantile ${meta.calibration.thresholdQuantile} of ${meta.calibration.sessions} training errors = ${meta.calibration.thresholdError.toPrecision(4)}`,
    `held back: ${meta.heldBack.sessions} recent clean sessions, mean score ${meta.heldBack.meanScore.toFixed(3)}, ${(meta.heldBack.alertRate * 100).toFixed(2)}% over the threshold, drift ${meta.heldBack.drift === null ? '- (first model)' : meta.heldBack.drift.toFixed(3)}`,
    `model: ${meta.inputFeatures.length} inputs → ${meta.architecture.hiddenUnits} → ${meta.architecture.bottleneckUnits} → ${meta.architecture.hiddenUnits} → ${meta.inputFeatures.length}, seed ${meta.architecture.seed}, ${meta.trainSteps} steps, final loss ${meta.finalLoss.toPrecision(4)}`,
    `feature schema: ${meta.featureSchema}`,
    'baselines (training medians):',
    ...meta.inputFeatures.map((f, i) => `  ${f}: ${meta.medians[i] ?? 0}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function modelRollback(version: string | undefined, opts: ModelOptions): number {
  checkFormat(opts);
  const store = openVersions(opts);
  if (store === null) return 1;
  const kept = store.versions();
  const current = store.current();
  let target: number;
  if (version !== undefined) target = versionOf(version);
  else {
    const older = kept.filter((v) => current === null || v < current);
    if (older.length === 0) throw new UsageError(`no version older than ${current === null ? 'none' : versionName(current)} is kept in ${store.dir}`);
    target = older[older.length - 1] as number;
  }
  if (!kept.includes(target)) throw new UsageError(`no version ${versionName(target)} in ${store.dir}; kept: ${kept.map(versionName).join(', ')}`);
  const config = resolveConfig(opts);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    cliAuditTrail(opened.db, opened.file, config).audited(
      () => store.setCurrent(target),
      () => ({
        actor: localActor(),
        action: 'model.rollback',
        target: versionName(target),
        details: { model: SESSION_MODEL, previous: current === null ? null : versionName(current) },
      }),
    );
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    // the pointer moved before the audit record failed: no rollback without its record
    if (current !== null && store.current() !== current) store.setCurrent(current);
    const state = current !== null ? `the rollback was undone (${versionName(current)} stays current)` : `${versionName(target)} is current now`;
    throw new CliFailure(`cannot write the rollback's audit record, so ${state}: ${err.message}`);
  } finally {
    opened.db.close();
  }
  if (opts.format === 'json') process.stdout.write(JSON.stringify({ current: target, previous: current }) + '\n');
  else process.stdout.write(`current session model: ${versionName(target)} (was ${current === null ? 'none' : versionName(current)}); a running sensor loads it at its next start (restart 'tapwatch run' or the service)\n`);
  return 0;
}
