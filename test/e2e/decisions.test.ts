// The decisions lifecycle through the built CLI on a real state database: a replay of the bundled
// first-run scenario with a playbook that blocks and throttles leaves decisions (each with its alert,
// reason, confidence and expiry, each in the audit trail as decision.add); `tapwatch decisions`
// lists them; `decisions revoke ID` takes one off the list and is in `tapwatch audit` as the user's
// action; an unknown id is one plain sentence and exit 1.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { REPO } from '../helpers/paths';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-decisions-e2e-'));
const db = path.join(dir, 'state.db');
const cfg = path.join(dir, 'tapwatch.yaml');
writeFileSync(
  cfg,
  ['alerting:', '  playbook: { medium: throttle, high: block, critical: block }', 'response:', '  minSeverity: medium', '  minConfidence: 0', ''].join('\n'),
);

interface Listed {
  id: string;
  action: string;
  status: string;
  alertId?: string;
  reason: string;
  confidence: number;
  expiresAt: number;
  createdAt: number;
}

t.test('replay --db leaves decisions; list, revoke and the audit trail', async (t) => {
  const replay = runCli(['replay', '--db', db, '-c', cfg, '--format', 'jsonl', '--no-http-records', '--no-stats', path.join(REPO, 'test/pcap/first-run/day-01.pcap.gz'), path.join(REPO, 'test/pcap/first-run/day-02.pcap.gz')]);
  t.equal(replay.code, 0, replay.stderr);
  const listed = runCli(['decisions', '--format', 'json', '--db', db, '-c', cfg]);
  t.equal(listed.code, 0, listed.stderr);
  const decisions = JSON.parse(listed.stdout) as Listed[];
  t.ok(decisions.length > 0, `the scenario's attacks made decisions (${decisions.length})`);
  t.ok(decisions.some((d) => d.action === 'ban'), 'some block');
  for (const d of decisions) {
    t.equal(d.status, 'active');
    t.match(d.alertId, /\S/, 'from an alert');
    t.match(d.reason, new RegExp(`\\(alert ${d.alertId}\\)$`), 'the reason names the alert');
    t.ok(d.confidence >= 0 && d.confidence <= 1, 'a confidence');
    t.ok(d.expiresAt > d.createdAt, 'an expiry');
  }
  // every feed written beside the database, dry-run by default, with the same decisions
  const feedsDir = path.join(dir, 'feeds');
  t.same(readdirSync(feedsDir).sort(), ['tapwatch-crowdsec.json', 'tapwatch-decisions.json', 'tapwatch-envoy-ratelimit.yaml', 'tapwatch-kong.json', 'tapwatch-nginx.conf'], 'the five feed files');
  const jsonFeed = JSON.parse(readFileSync(path.join(feedsDir, 'tapwatch-decisions.json'), 'utf8')) as { enforce: boolean; decisions: { id: string }[] };
  t.equal(jsonFeed.enforce, false, 'dry-run until enforcement is switched on');
  t.same(jsonFeed.decisions.map((d) => d.id).sort(), decisions.map((d) => d.id).sort(), 'the JSON feed holds the active decisions');
  t.match(readFileSync(path.join(feedsDir, 'tapwatch-nginx.conf'), 'utf8'), /limit_req_dry_run on;|geo \$tapwatch_ban/, 'the nginx feed is in dry-run');

  const audit = runCli(['audit', '--format', 'jsonl', '--db', db, '-c', cfg]);
  t.equal(audit.code, 0, audit.stderr);
  const records = audit.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; target: string; actor: { kind: string; name: string } });
  t.same(
    records.filter((r) => r.action === 'decision.add').map((r) => r.target).sort(),
    decisions.map((d) => d.id).sort(),
    'each decision is its own decision.add record',
  );

  const table = runCli(['decisions', '--db', db, '-c', cfg]);
  t.equal(table.code, 0);
  const victim = decisions[0]!;
  t.match(table.stdout, victim.id, 'the table lists it');

  const revoke = runCli(['decisions', 'revoke', victim.id, '--db', db, '-c', cfg]);
  t.equal(revoke.code, 0, revoke.stderr);
  t.match(revoke.stdout, `revoked decision ${victim.id}`);
  const after = JSON.parse(runCli(['decisions', 'list', '--format', 'json', '--db', db, '-c', cfg]).stdout) as Listed[];
  t.notOk(after.some((d) => d.id === victim.id), 'off the active list');
  const all = JSON.parse(runCli(['decisions', '--all', '--format', 'json', '--db', db, '-c', cfg]).stdout) as Listed[];
  t.equal(all.find((d) => d.id === victim.id)?.status, 'revoked', '--all shows it revoked');
  const audited = runCli(['audit', '--format', 'jsonl', '--db', db, '-c', cfg]).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; target: string; actor: { kind: string } });
  const rec = audited.find((r) => r.action === 'decision.revoke');
  t.equal(rec?.target, victim.id, 'the revoke is in the audit trail');
  t.equal(rec?.actor.kind, 'local-user');

  const again = runCli(['decisions', 'revoke', victim.id, '--db', db, '-c', cfg]);
  t.equal(again.code, 1);
  t.equal(again.stderr, `tapwatch: decision ${victim.id} is already revoked; nothing to revoke\n`);
  const unknown = runCli(['decisions', 'revoke', 'd-nope', '--db', db, '-c', cfg]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^tapwatch: no decision with id d-nope; `tapwatch decisions --all` lists them\n$/);
});
