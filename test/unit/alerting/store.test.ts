// The alert store on a real SQLite file: deduped alerts as one row, list filters, feedback that
// suppresses the next identical finding through the policy, config rows kept apart, expiry of
// feedback suppressions, and everything surviving a close and reopen.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { ALERT_MIGRATIONS } from '../../../src/alerting/migrations';
import { AlertPolicy, type PolicyResult } from '../../../src/alerting/policy';
import { AlertStore, UnknownAlertError } from '../../../src/alerting/store';
import { SEVERITIES, type Alert } from '../../../src/alerting/types';
import { openDatabase, schemaVersion, StoreError } from '../../../src/store/database';
import { config, finding, T0 } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-alerts-'));
let wall = 1_800_000_000;
const clock = () => wall;

function open(name: string) {
  const file = path.join(tmp, `${name}.db`);
  const db = openDatabase(file, ALERT_MIGRATIONS);
  return { file, db, store: new AlertStore(db, file, clock) };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

const alertOf = (r: PolicyResult): Alert => {
  if (!r.alert) throw new Error(`no alert in a ${r.outcome} result`);
  return r.alert;
};

t.test('migrations 2 and 5 only; a flood stored as one row with its count and times', async (t) => {
  const { db, store, file } = open('flood');
  t.equal(schemaVersion(db), Math.max(...ALERT_MIGRATIONS.map((m) => m.version)));
  t.same(ALERT_MIGRATIONS.map((m) => m.version), [2, 5]);
  const policy = new AlertPolicy(config(), new Counters());
  const n = 10_000;
  const batch: Alert[] = [];
  let delivered = 0;
  for (let i = 0; i < n; i++) {
    const r = policy.process(finding({ ts: T0 + i }));
    batch.push(alertOf(r));
    if (r.deliver) delivered++;
    if (batch.length === 1000) store.saveAlerts(batch.splice(0));
  }
  store.saveAlerts(batch);
  const rows = store.listAlerts();
  t.equal(rows.length, 1);
  t.match(rows[0], { count: n, firstSeen: T0, lastSeen: T0 + n - 1, type: 'credential-stuffing', verdict: null, sensor: 'sensor-test' });
  t.equal(delivered, 1 + config().redeliverAtCounts.filter((m) => m <= n).length);
  db.close();
  const again = new AlertStore(openDatabase(file, ALERT_MIGRATIONS), file, clock);
  t.match(again.getAlert(rows[0]!.id), { count: n, lastSeen: T0 + n - 1 }, 'survives reopening');
});

t.test('list filters: since, severity at least, type, limit; newest first', async (t) => {
  const { store, db } = open('filters');
  const policy = new AlertPolicy(config(), new Counters());
  const scores = [0.1, 0.3, 0.6, 0.8, 0.95];
  const saved = scores.map((score, i) => {
    const a = alertOf(policy.process(finding({ ts: T0 + i * 100, score, detector: i % 2 ? 'scraping' : 'bola', identity: `apikey:${i}` })));
    store.saveAlert(a);
    return a;
  });
  t.same(store.listAlerts().map((a) => a.id), [...saved].reverse().map((a) => a.id), 'newest first');
  t.same(store.listAlerts({ since: T0 + 200 }).map((a) => a.id), saved.filter((a) => a.lastSeen >= T0 + 200).reverse().map((a) => a.id));
  for (const s of SEVERITIES) {
    const expected = saved.filter((a) => SEVERITIES.indexOf(a.severity) >= SEVERITIES.indexOf(s)).map((a) => a.id).sort();
    t.same(store.listAlerts({ severityAtLeast: s }).map((a) => a.id).sort(), expected, `severity >= ${s}`);
  }
  t.same(store.listAlerts({ type: 'scraping' }).map((a) => a.type), ['scraping', 'scraping']);
  t.equal(store.listAlerts({ limit: 2 }).length, 2);
  t.same(store.listAlerts({ type: 'bola', severityAtLeast: 'high', limit: 5 }).map((a) => a.score), [0.95]);
  const got = store.getAlert(saved[2]!.id);
  t.same({ ...got, verdict: undefined, createdAt: undefined, updatedAt: undefined }, { ...saved[2], verdict: undefined, createdAt: undefined, updatedAt: undefined }, 'round trip');
  t.equal(got?.createdAt, wall);
  t.equal(store.getAlert('nope'), null);
  db.close();
});

t.test('false positive with suppress: the next identical finding is suppressed; all survives reopening', async (t) => {
  const { store, db, file } = open('feedback');
  const counters = new Counters();
  const cfg = config({ suppressionRefreshSec: 30 });
  const policy = new AlertPolicy(cfg, counters, { suppressions: store });
  const first = alertOf(policy.process(finding({ ts: T0 })));
  store.saveAlert(first);
  const other = alertOf(policy.process(finding({ ts: T0, identity: 'apikey:other', client: '198.51.100.1' })));
  store.saveAlert(other);

  wall += 10;
  const fb = store.recordFeedback(first.id, 'false-positive', 'load test from the QA subnet', { suppress: true, by: 'ana' });
  t.match(fb.suppression, { detector: first.type, identity: first.identity, host: first.endpoint?.host, method: 'POST', template: '/api/login', source: 'feedback', alertId: first.id });
  t.notOk(fb.suppression?.client, 'identity given, so the client is not part of the rule');
  t.equal(fb.suppression?.expiresAt, undefined, 'no expiry asked');
  t.equal(store.getAlert(first.id)?.verdict, 'false-positive');
  store.recordFeedback(other.id, 'true-positive', 'confirmed');

  // The open alert lives on in memory until the policy re-reads stored suppressions (packet time).
  const later = T0 + cfg.dedupeWindowSec + 1;
  const r = policy.process(finding({ ts: later }));
  t.equal(r.outcome, 'suppressed', 're-read on packet time');
  t.equal(r.suppressedBy?.alertId, first.id);
  t.equal(counters.get('alerting.suppressed'), 1);
  t.equal(policy.process(finding({ ts: later, identity: 'apikey:other', client: '198.51.100.1' })).outcome, 'new', 'the true positive is not suppressed');

  const feedback = store.listFeedback();
  t.same(feedback.map((f) => [f.alertId, f.verdict, f.by]), [[first.id, 'false-positive', 'ana'], [other.id, 'true-positive', os.userInfo().username]]);
  t.equal(feedback[0]?.alert.type, 'credential-stuffing', 'each verdict comes with the alert it judged');
  t.same(store.listFeedback({ verdict: 'true-positive' }).map((f) => f.alertId), [other.id]);
  const unknown = thrown(() => store.recordFeedback('01NOPE', 'true-positive'));
  t.ok(unknown instanceof UnknownAlertError && unknown instanceof StoreError && unknown.alertId === '01NOPE', 'unknown alert id');
  t.equal(store.listFeedback().length, 2, 'nothing recorded for it');
  db.close();

  const reopened = new AlertStore(openDatabase(file, ALERT_MIGRATIONS), file, clock);
  t.equal(reopened.listAlerts().length, 2);
  t.equal(reopened.getAlert(first.id)?.verdict, 'false-positive');
  t.equal(reopened.listFeedback().length, 2);
  t.equal(reopened.listSuppressions(later).length, 1);
  const fresh = new AlertPolicy(cfg, new Counters(), { suppressions: reopened });
  t.equal(fresh.process(finding({ ts: later + 1 })).outcome, 'suppressed', 'a restarted sensor applies it');
});

t.test('feedback suppression for an alert without identity uses the client; expiry is honoured', async (t) => {
  const { store, db } = open('expiry');
  const policy = new AlertPolicy(config(), new Counters(), { suppressions: store });
  const a = alertOf(policy.process(finding({ identity: undefined, client: '2001:db8::7' })));
  store.saveAlert(a);
  const at = 1_700_000_100;
  const fb = store.recordFeedback(a.id, 'false-positive', '', { suppress: true, suppressForSec: 600, now: at });
  t.match(fb.suppression, { client: '2001:db8::7', expiresAt: at + 600 });
  t.equal(store.listSuppressions(at + 599).length, 1);
  t.equal(store.listSuppressions(at + 600).length, 0, 'expired');
  const p = new AlertPolicy(config({ dedupeWindowSec: 1 }), new Counters(), { suppressions: store });
  t.equal(p.process(finding({ ts: at + 599, identity: undefined, client: '2001:db8::7' })).outcome, 'suppressed');
  t.equal(p.process(finding({ ts: at + 600, identity: undefined, client: '2001:db8::7' })).outcome, 'new', 'alerted after expiry');
  t.equal(store.recordFeedback(a.id, 'false-positive').suppression, null, 'no suppression unless asked');
  db.close();
});

t.test('suppressions: add, list, delete; config rows are replaced, not applied from the database', async (t) => {
  const { store, db } = open('suppressions');
  const s = store.addSuppression({ client: '10.0.0.0/8', reason: 'internal scanners' }, 'feedback', { allowWide: true });
  t.match(store.listSuppressions(0), [{ id: s.id, client: '10.0.0.0/8', source: 'feedback', reason: 'internal scanners' }]);
  store.syncConfigSuppressions([{ detector: 'scraping', reason: 'a' }, { detector: 'bola', reason: 'b' }]);
  store.syncConfigSuppressions([{ detector: 'scraping', reason: 'a' }]);
  t.same(store.listSuppressions(0).map((x) => x.source).sort(), ['config', 'feedback'], 'config rows replaced');
  const p = new AlertPolicy(config(), new Counters(), { suppressions: store });
  t.equal(p.process(finding({ detector: 'scraping' })).outcome, 'new', 'a stored config row is not applied (the live config decides)');
  t.equal(p.process(finding({ client: '10.9.8.7', identity: 'apikey:k' })).outcome, 'suppressed');
  t.equal(store.deleteSuppression(s.id), true);
  t.equal(store.deleteSuppression(s.id), false);
  p.reloadSuppressions(T0);
  t.equal(p.process(finding({ client: '10.9.8.7', identity: 'apikey:k2' })).outcome, 'new', 'deleted rule no longer applies after reload');
  db.close();
});

t.test('errors are StoreErrors naming the file; a failing reload keeps the rules read last', async (t) => {
  const { store, db, file } = open('errors');
  store.addSuppression({ identity: 'apikey:quiet', reason: '' });
  const counters = new Counters();
  const p = new AlertPolicy(config({ suppressionRefreshSec: 1 }), counters, { suppressions: store });
  t.equal(p.process(finding({ ts: T0, identity: 'apikey:quiet' })).outcome, 'suppressed');
  db.close();
  const err = thrown(() => store.saveAlert(alertOf(p.process(finding({ ts: T0 + 5 })))));
  t.ok(err instanceof StoreError && err.message.startsWith(file), `StoreError naming the file: ${String(err)}`);
  t.equal(p.process(finding({ ts: T0 + 10, identity: 'apikey:quiet' })).outcome, 'suppressed', 'previous rules kept');
  t.ok(counters.get('alerting.suppressions.reload_failed') >= 1);
  t.ok(thrown(() => store.listAlerts()) instanceof StoreError);
});
