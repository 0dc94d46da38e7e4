// The session model end to end: a small generated scenario replayed by the built CLI with --db
// trains and retrains the model on packet time (versions beside the database), `tapwatch model
// list|show|rollback` read and move them, and the next replay loads the current version.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runCliAsync } from '../helpers/cli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-session-model-'));
const scenario = path.join(tmp, 'scenario');
const db = path.join(tmp, 'state', 'tapwatch.db');
const configFile = path.join(tmp, 'tapwatch.yaml');

interface VersionJson {
  version: number;
  current: boolean;
  trainingSessions: number;
  drift: number | null;
}

t.before(async () => {
  const run = await runCliAsync(['simulate', '--seed', '9', '--days', '2', '--users', '80', '--no-attacks', '--attack', 'bulk-pull:intensity=high,day=2', '--out', scenario], 180_000);
  if (run.code !== 0) throw new Error(`simulate failed (${run.code}): ${run.stderr}`);
  // a small site: train after 60 sessions, retrain every 6 hours of packet time, learn identities for an hour
  writeFileSync(
    configFile,
    ['log:', '  level: debug', 'features:', '  learningPeriodSec: 3600', 'models:', '  session:', '    raiseAlerts: true', '    minTrainingSessions: 60', '    heldBackSessions: 30', '    retrainIntervalSec: 21600', '    maxDrift: 1', ''].join('\n'),
  );
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.dirname(db));
});

const pcaps = (): string[] => (JSON.parse(readFileSync(path.join(scenario, 'labels.json'), 'utf8')) as { pcaps: string[] }).pcaps.map((p) => path.join(scenario, p));

t.test('replay --db trains versions; model list, show and rollback; the next start loads the current version', async (t) => {
  const replay = await runCliAsync(['replay', '--db', db, '-c', configFile, '--format', 'jsonl', ...pcaps()], 300_000);
  t.equal(replay.code, 0, replay.stderr.slice(-2000));
  const dir = path.join(path.dirname(db), 'models', 'session');
  t.ok(existsSync(path.join(dir, 'current')), 'a current pointer beside the database');

  const list = runCli(['model', 'list', '--db', db, '-c', configFile, '--format', 'json']);
  t.equal(list.code, 0, list.stderr);
  const versions = JSON.parse(list.stdout) as VersionJson[];
  t.ok(versions.length >= 2, `${versions.length} versions trained over two days`);
  const current = versions.find((v) => v.current);
  t.equal(current?.version, versions[versions.length - 1]?.version, 'the newest is current');
  t.ok(versions.every((v) => v.trainingSessions >= 30), 'each trained on sessions');
  t.equal(versions[0]?.drift, null, 'the first has no drift; later ones measured it');
  t.ok(versions.slice(1).every((v) => typeof v.drift === 'number'));

  const text = runCli(['model', 'list', '--db', db, '-c', configFile]);
  t.match(text.stdout, /VERSION\s+CURRENT/);
  const show = runCli(['model', 'show', '--db', db, '-c', configFile]);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /\(current\)/);
  t.match(show.stdout, /baselines \(training medians\):\n {2}duration_s: /);

  const rollback = runCli(['model', 'rollback', '--db', db, '-c', configFile]);
  t.equal(rollback.code, 0, rollback.stderr);
  t.match(rollback.stdout, /next start/);
  const after = JSON.parse(runCli(['model', 'list', '--db', db, '-c', configFile, '--format', 'json']).stdout) as VersionJson[];
  const previous = versions[versions.length - 2]?.version;
  t.equal(after.find((v) => v.current)?.version, previous, 'current moved one back');

  const missing = runCli(['model', 'rollback', '999', '--db', db, '-c', configFile]);
  t.equal(missing.code, 2, 'an unknown version is a usage error');

  // a second replay on the same state starts from the rolled-back version
  const again = await runCliAsync(['replay', '--db', db, '-c', configFile, '--format', 'jsonl', pcaps()[0] as string], 300_000);
  t.equal(again.code, 0, again.stderr.slice(-2000));
  t.match(again.stderr, new RegExp(`session model v${String(previous).padStart(4, '0')} loaded`));
});

t.test('model commands without versions say so and exit 1', async (t) => {
  const empty = path.join(tmp, 'empty', 'tapwatch.db');
  const run = runCli(['model', 'list', '--db', empty]);
  t.equal(run.code, 1);
  t.match(run.stderr, /no session model versions/);
});
