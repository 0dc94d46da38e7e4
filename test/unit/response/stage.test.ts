// The response stage on a real state database and a real feeds directory: an alert's decisions are
// stored at the next tick (not before), recorded in the audit trail, and every enabled feed is
// written atomically (0644 in a 0755 directory whatever the umask) and served by feed(name); a
// false-positive verdict on the alert withdraws them at the next tick, and expiry removes them from
// every feed. The feed formats here are a local list: the real renderers live in response/feeds/.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AlertStore } from '../../../src/alerting/store';
import { falsePositiveAlertIds } from '../../../src/alerting/alert-queries';
import type { Alert } from '../../../src/alerting/types';
import { AuditLog } from '../../../src/audit/audit-log';
import { AlertIdGenerator } from '../../../src/alerting/ids';
import { cliAuditTrail } from '../../../src/cli/cli-audit';
import { buildConfig } from '../../../src/config/load';
import { Counters } from '../../../src/core/counters';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import type { FeedFormat } from '../../../src/response/decision';
import { DecisionsStore } from '../../../src/response/decisions-store';
import { openResponseStage } from '../../../src/response/stage';
import { openDatabase } from '../../../src/store/database';

const T0 = 1_800_000_000;

// stand-ins for the gateway renderers: one line per decision, and the enforce flag
const FEEDS: readonly FeedFormat[] = ['json', 'nginx'].map((name) => ({
  name,
  render: (decisions, opts) => ({
    fileName: `${name}.txt`,
    contentType: 'text/plain; charset=utf-8',
    text: `${opts.enforce ? 'enforce' : 'dry-run'}\n${decisions.map((d) => `${d.action} ${d.target.value}\n`).join('')}`,
  }),
}));

function alert(id: string, rec: Alert['recommendation'], client = '203.0.113.7'): Alert {
  return {
    id,
    type: 'injection',
    severity: 'high',
    score: 0.9,
    identity: 'key:0123456789abcdef0123456789abcdef',
    client,
    endpoint: { host: 'api.example', method: 'POST', template: '/login' },
    firstSeen: T0,
    lastSeen: T0,
    count: 1,
    explanation: { summary: 's', factors: [] },
    recommendation: rec,
    evidence: [],
    sensor: 'test',
  };
}

t.test('decisions from alerts reach the store, the audit trail and the feed files; false positive and expiry remove them', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-response-'));
  const file = path.join(dir, 'state.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  t.teardown(() => db.close());
  const config = buildConfig({ response: { feeds: { nginx: { enforce: true }, kong: { enabled: false } } } });
  const alerts = new AlertStore(db, file);
  const trail = cliAuditTrail(db, file, config);
  const counters = new Counters();
  let now = T0;
  const stage = openResponseStage({
    db,
    dbFile: file,
    config: config.response,
    counters,
    log: pino({ level: 'silent' }),
    feeds: FEEDS,
    sensor: 'test',
    audit: (e) => trail.record(e),
    falsePositives: (ids) => falsePositiveAlertIds(db, ids),
    clock: () => now,
  });
  t.equal(stage.feedsDir, path.join(dir, 'feeds'), 'feeds/ beside the state database');

  const blocked = alert('AL1', { action: 'block', durationSec: 600, reason: 'Block it.' });
  const throttled = alert('AL2', { action: 'throttle', limitPerMinute: 20, reason: 'Slow it.' }, '198.51.100.4');
  alerts.saveAlert(blocked);
  alerts.saveAlert(throttled);
  const old = process.umask(0o077);
  try {
    stage.onAlert(blocked);
    stage.onAlert(throttled);
    stage.onAlert(alert('AL3', { action: 'revoke-token', reason: 'r' }));
    t.same(stage.store.list(), [], 'nothing is stored before the tick');
    stage.tick(now);
  } finally {
    process.umask(old);
  }
  t.same(stage.store.list().map((d) => [d.action, d.target.value, d.alertId]), [
    ['ban', '203.0.113.7', 'AL1'],
    ['throttle', '198.51.100.4', 'AL2'],
  ]);
  t.equal(counters.get('response.revoke_token.not_a_gateway_decision'), 1);
  const feedsDir = path.join(dir, 'feeds');
  t.equal(statSync(feedsDir).mode & 0o777, 0o755, 'the feeds directory is 0755 under umask 077');
  t.same(readdirSync(feedsDir).sort(), ['json.txt', 'nginx.txt'], 'every enabled feed, no temporary file left');
  t.equal(statSync(path.join(feedsDir, 'nginx.txt')).mode & 0o777, 0o644, 'gateways can read the file');
  t.equal(readFileSync(path.join(feedsDir, 'nginx.txt'), 'utf8'), 'enforce\nban 203.0.113.7\nthrottle 198.51.100.4\n', 'nginx enforces');
  t.equal(readFileSync(path.join(feedsDir, 'json.txt'), 'utf8'), 'dry-run\nban 203.0.113.7\nthrottle 198.51.100.4\n', 'json is dry-run by default');
  t.equal(stage.feed('nginx')?.text, 'enforce\nban 203.0.113.7\nthrottle 198.51.100.4\n', 'served as written');
  t.equal(stage.feed('kong'), null, 'a feed not in the list');
  const audit = new AuditLog(db, file, { maxRecords: 100, counters, ids: new AlertIdGenerator() });
  t.same(
    audit.list({ action: 'decision.add' }).map((r) => [r.actor.kind, r.actor.name, r.details?.['alertId']]),
    [
      ['system', 'playbook', 'AL1'],
      ['system', 'playbook', 'AL2'],
    ],
    'each new decision is its own audit record',
  );

  // the same alert again extends: no new record
  now += 60;
  stage.onAlert(blocked);
  stage.tick(now);
  t.equal(audit.list({ action: 'decision.add' }).length, 2, 'an extension is not a new decision');

  // an analyst judges the block a false positive: withdrawn at the next tick, from every feed
  alerts.recordFeedback('AL1', 'false-positive', 'pen test', { by: 'ana' });
  now += 1;
  stage.tick(now);
  t.same(stage.store.list().map((d) => d.alertId), ['AL2']);
  t.equal(readFileSync(path.join(feedsDir, 'json.txt'), 'utf8'), 'dry-run\nthrottle 198.51.100.4\n');
  t.equal(readFileSync(path.join(feedsDir, 'nginx.txt'), 'utf8'), 'enforce\nthrottle 198.51.100.4\n');
  t.same(audit.list({ action: 'decision.withdraw' }).map((r) => r.details?.['alertId']), ['AL1']);
  // the alert repeating does not undo the analyst's verdict
  stage.onAlert(blocked);
  stage.tick(now);
  t.same(stage.store.list().map((d) => d.alertId), ['AL2']);

  // the throttle lasts response.defaultDurationSec (3600) from its creation
  now = T0 + 3600;
  stage.tick(now);
  t.same(stage.store.list(), []);
  t.equal(counters.get('response.decisions.expired'), 1);
  t.equal(readFileSync(path.join(feedsDir, 'json.txt'), 'utf8'), 'dry-run\n', 'expiry removes it from every feed');
  t.equal(readFileSync(path.join(feedsDir, 'nginx.txt'), 'utf8'), 'enforce\n');
});

t.test('a revoke by another process (the CLI) reaches the feeds at the next tick', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-response-'));
  const file = path.join(dir, 'state.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  t.teardown(() => db.close());
  const config = buildConfig({});
  const stage = openResponseStage({ db, dbFile: file, config: config.response, counters: new Counters(), log: pino({ level: 'silent' }), feeds: FEEDS, clock: () => T0 });
  stage.onAlert(alert('AL1', { action: 'block', durationSec: 600, reason: 'r' }));
  stage.tick(T0);
  t.equal(readFileSync(path.join(dir, 'feeds', 'json.txt'), 'utf8'), 'dry-run\nban 203.0.113.7\n');
  const other = openDatabase(file, ALL_MIGRATIONS);
  const id = stage.store.list()[0]!.id;
  new DecisionsStore(other, file, { maxDecisions: 10, counters: new Counters() }).revoke(id, 'ana', T0 + 1);
  other.close();
  stage.tick(T0 + 2);
  t.equal(readFileSync(path.join(dir, 'feeds', 'json.txt'), 'utf8'), 'dry-run\n');
});

t.test('the pending queue is bounded by response.maxDecisions between ticks', async (t) => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  t.teardown(() => db.close());
  const config = buildConfig({ response: { maxDecisions: 2 } });
  const counters = new Counters();
  const stage = openResponseStage({ db, dbFile: ':memory:', config: config.response, counters, log: pino({ level: 'silent' }), feeds: FEEDS, clock: () => T0 });
  t.equal(stage.feedsDir, null, 'no database file: no feed files');
  for (let i = 1; i <= 3; i++) stage.onAlert(alert(`AL${i}`, { action: 'block', durationSec: 600, reason: 'r' }, `192.0.2.${i}`));
  t.equal(counters.get('response.decisions.dropped'), 1, 'the third decision past the bound is dropped and counted');
  stage.tick(T0);
  t.equal(stage.store.list().length, 2);
  t.equal(stage.feed('json')?.text, 'dry-run\nban 192.0.2.1\nban 192.0.2.2\n', 'served from memory');
});
