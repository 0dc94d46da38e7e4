// The measuring stick end to end: a generated scenario (real server, real clients, every attack type)
// evaluated by `tapwatch eval` through the product's pipeline. Every credentialed request the
// generator sent must be attributed to its own actor's identity (issue 12's goal: 100%), every
// labelled request must come back as a transaction, and the report must list every attack.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ATTACK_TYPES, scenarioLabelsSchema } from '../../src/core/scenario-labels';
import type { EvalReport } from '../../src/eval/types';
import { runCli, runCliAsync } from '../helpers/cli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-scenario-eval-'));

for (const seed of [11, 12]) {
  t.test(`seed ${seed}: one day, every attack type`, async (t) => {
    const dir = path.join(tmp, `seed-${seed}`);
    const args = ['simulate', '--seed', String(seed), '--days', '1', '--users', '16', '--no-attacks', ...ATTACK_TYPES.flatMap((type) => ['--attack', `${type}:intensity=medium`])];
    const sim = await runCliAsync([...args, '--out', dir], 120_000);
    t.equal(sim.code, 0, sim.code === 0 ? 'simulate exits 0' : sim.stderr);
    const labels = scenarioLabelsSchema.parse(JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')));
    const lines = readFileSync(path.join(dir, labels.requestsFile), 'utf8').split('\n').filter((l) => l !== '').length;

    const run = runCli(['eval', '--labels', path.join(dir, 'labels.json'), '--format', 'json']);
    t.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as EvalReport;
    t.equal(report.scenario.seed, seed);
    t.equal(report.replay.transactions, lines, 'every labelled request is one transaction');
    t.same(report.attacks.map((a) => a.type).sort(), [...ATTACK_TYPES].sort(), 'every attack is reported');
    t.ok(report.attribution.available, 'identities are resolved');
    t.ok(report.attribution.credentialedRequests > 100, `${report.attribution.credentialedRequests} credentialed benign requests`);
    t.equal(report.attribution.matchedRequests, report.attribution.credentialedRequests, 'each found in the traffic');
    t.equal(report.attribution.share, 1, 'each attributed to its own actor');
    t.equal(report.attribution.sharedIdentities, 0, 'no identity shared by two actors');
  });
}
