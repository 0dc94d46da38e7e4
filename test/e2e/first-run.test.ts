// The first run a newcomer makes (`npm start` = `tapwatch replay` with no file): the bundled
// generated scenario, an endpoint map, and alerts grouped by severity with why and what to do. Then
// `tapwatch eval` with no labels scores the same scenario, which must match its committed evaluation
// (bench/scenarios/first-run-eval.json): regenerate that file when a detector change moves it.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalReport } from '../../src/eval/types';
import { SEVERITIES } from '../../src/alerting/types';
import { ALERTS_SHOWN_PER_SEVERITY } from '../../src/cli/alert-report';
import { FIRST_RUN_LABELS } from '../../src/cli/first-run';
import { scenarioLabelsSchema } from '../../src/core/scenario-labels';
import { runCli } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '../..');
const committed = JSON.parse(readFileSync(path.join(ROOT, 'bench/scenarios/first-run-eval.json'), 'utf8')) as EvalReport;
const labels = scenarioLabelsSchema.parse(JSON.parse(readFileSync(FIRST_RUN_LABELS, 'utf8')));

t.test('replay with no file: intro, endpoint map, alerts by severity with why and do, counters', async (t) => {
  const run = runCli(['replay']);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '', 'nothing on stderr');
  const out = run.stdout;
  t.match(out, /^Replaying the bundled first-run scenario/, 'says what it replays');
  t.notMatch(out, /^(GET|POST|PUT|PATCH|DELETE) /m, 'transactions are counted, not printed');
  t.notMatch(out, /^ALERT /m, 'no live alert lines: the report shows them');
  const total = /^alerts: (\d+) \(([^)]*)\)$/m.exec(out);
  t.ok(total, 'an alert total with its severities');
  t.equal(Number(total?.[1]), committed.replay.alerts, 'as many alerts as the committed evaluation');
  t.match(out, new RegExp(`^http:\\n(?:.*\\n)*?\\s+transactions\\s+${committed.replay.transactions}$`, 'm'), 'every transaction');

  // the severities appear highest first, each with at most ALERTS_SHOWN_PER_SEVERITY alerts in full,
  // or one per detector when more detectors share the severity
  const headers = [...out.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|INFO) \((\d+)\)$/gm)].map((m) => m[1]?.toLowerCase() ?? '');
  t.ok(headers.length > 0, 'severity sections');
  const ranks = headers.map((h) => SEVERITIES.indexOf(h as (typeof SEVERITIES)[number]));
  t.same(ranks, [...ranks].sort((a, b) => b - a), 'highest severity first');
  const sections = out.split(/^(?=(?:CRITICAL|HIGH|MEDIUM|LOW|INFO) \()/m).slice(1);
  for (const section of sections) {
    const shown = (section.match(/^ {4}why: /gm) ?? []).length;
    const detectors = new Set([...section.matchAll(/^ {2}(\S+) {2}/gm)].map((m) => m[1])).size;
    t.ok(shown >= 1 && shown <= Math.max(ALERTS_SHOWN_PER_SEVERITY, detectors), `${section.split('\n')[0]}: ${shown} shown`);
    t.equal((section.match(/^ {4}do: /gm) ?? []).length, shown, 'each with a recommendation');
  }
  // every detector that detected an attack in the committed evaluation is in the report
  const detecting = new Set(committed.attacks.flatMap((a) => a.detectors));
  for (const d of detecting) t.match(out, new RegExp(`^  ${d}  `, 'm'), `${d} shown`);
  const factors = out.match(/^ {6}- .+ \(baseline .+\)/gm) ?? [];
  t.ok(factors.length >= detecting.size * 2, `${factors.length} factors shown against a baseline`);
});

t.test('eval with no labels scores the bundled scenario as committed', async (t) => {
  const run = runCli(['eval', '--format', 'json']);
  t.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as EvalReport;
  t.equal(report.scenario.seed, labels.seed);
  t.equal(report.replay.transactions, committed.replay.transactions);
  t.same(
    report.attacks.map((a) => [a.id, a.detected]),
    committed.attacks.map((a) => [a.id, a.detected]),
    'the same attacks detected',
  );
  t.equal(report.overall.falseAlerts, committed.overall.falseAlerts, 'the same false alerts');
  t.equal(report.overall.alerts, committed.overall.alerts, 'the same alerts');
  t.same(
    report.attacks.map((a) => a.timeToDetectSec),
    committed.attacks.map((a) => a.timeToDetectSec),
    'the same times to detect',
  );
});
