// The alert stage on a real SQLite file: retention bounds the stored alerts (count and packet-time
// age, alerts with a verdict kept), each firing counted.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../../src/config/load';
import { Counters } from '../../../src/core/counters';
import { createLogger } from '../../../src/core/logger';
import { openAlertStage } from '../../../src/daemon/alert-stage';
import { ALERT_COUNTS_TTL_MS, stageMetricsSources } from '../../../src/daemon/metrics';
import type { Stages } from '../../../src/daemon/stages';
import { openDatabase } from '../../../src/store/database';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { finding, T0 } from '../alerting/helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-alert-stage-'));
const log = createLogger('silent', true);

t.test('retention: the stored-alert bound and the age bound fire and are counted; judged alerts stay', async (t) => {
  const file = path.join(tmp, 'retention.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  const config = buildConfig({ alerting: { maxStoredAlerts: 10, retentionDays: 30, maxAlertsPerIdentityPerMinute: 100000 } });
  const stage = openAlertStage(config, counters, db, file, log, () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
  });
  const raise = (i: number, ts: number): string => {
    const r = stage.process(finding({ ts, endpoint: { host: 'api.example.com', method: 'GET', template: `/items/${i}` } }));
    return r.alert?.id ?? '';
  };
  const judged = raise(0, T0);
  stage.store.recordFeedback(judged, 'true-positive', 'kept for training');
  for (let i = 1; i < 1000; i++) raise(i, T0 + i);
  // the 1000th new alert ran the retention: 10 unjudged kept, plus the judged one
  t.equal(stage.store.listAlerts({ limit: 100000 }).length, 11);
  t.equal(counters.get('alerting.pruned'), 989);
  t.ok(stage.store.getAlert(judged), 'the judged alert is kept');
  // 40 days later (packet time): everything older than 30 days goes at the next retention run
  const later = T0 + 40 * 86400;
  for (let i = 1000; i < 2000; i++) raise(i, later + i);
  const left = stage.store.listAlerts({ limit: 100000 });
  t.equal(left.filter((a) => a.lastSeen < later).length, 1, 'only the judged alert is older than the window');
  t.equal(left.length, 11);
});

t.test('dedupe carries across a restart: the same finding folds into the stored alert', async (t) => {
  const file = path.join(tmp, 'restart.db');
  const config = buildConfig({ alerting: { dedupeWindowSec: 3600 } });
  const f = finding({ ts: T0 });
  let db = openDatabase(file, ALL_MIGRATIONS);
  let stage = openAlertStage(config, new Counters(), db, file, log, () => undefined);
  const first = stage.process(f);
  t.equal(first.outcome, 'new');
  await stage.close(0);
  db.close();

  db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  stage = openAlertStage(config, counters, db, file, log, () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
  });
  t.equal(counters.get('alerting.dedupe.restored'), 1);
  const again = stage.process({ ...f, ts: T0 + 60 });
  t.same([again.outcome, again.alert?.id, again.alert?.count, again.deliver], ['updated', first.alert?.id, 2, false], 'same alert, count 2, not re-delivered');
  t.equal(stage.store.getAlert(first.alert?.id ?? '')?.count, 2, 'the stored row follows');
  const later = stage.process({ ...f, ts: T0 + 60 + 3600 });
  t.equal(later.outcome, 'new', 'after the dedupe window a new alert');
});

t.test('a full disk: alerts that cannot be stored or queued are counted, nothing throws, storage resumes', async (t) => {
  const file = path.join(tmp, 'full.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const counters = new Counters();
  const config = buildConfig({
    alerting: { maxAlertsPerIdentityPerMinute: 100000 },
    outputs: { webhooks: [{ name: 'hook', url: 'http://127.0.0.1:9/never', secret: 's' }] },
  });
  const stage = openAlertStage(config, counters, db, file, log, () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
  });
  const raise = (i: number): string | undefined => stage.process(finding({ ts: T0 + i, endpoint: { host: 'h', method: 'GET', template: `/full/${i}` } })).alert?.id;
  raise(0);
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const lost: string[] = [];
  for (let i = 1; i <= 200; i++) {
    const id = raise(i);
    if (id && !stage.store.getAlert(id)) lost.push(id);
  }
  t.ok(counters.get('alerting.store_failed') > 0, 'refused writes are counted');
  t.equal(counters.get('alerting.store_failed'), lost.length, 'one count per alert not stored');
  t.ok(counters.get('outputs.enqueue_failed') > 0, 'refused queueing is counted');
  db.pragma('max_page_count = 1073741823');
  const id = raise(1000);
  t.ok(id && stage.store.getAlert(id), 'stored again once there is space');
  t.equal(stage.store.listAlerts({ limit: 100000 }).length, 201 - lost.length + 1, 'what was stored before is still there');
});

t.test('metrics count stored alerts at most once a minute (the count scans an index that grows)', async (t) => {
  const file = path.join(tmp, 'counts.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const stage = openAlertStage(buildConfig({}), new Counters(), db, file, log, () => undefined);
  t.teardown(async () => {
    await stage.close(0);
    db.close();
  });
  let now = 0;
  const source = stageMetricsSources(() => ({ db, alerts: stage, inventory: null }) as unknown as Stages, () => now);
  const total = (): number => (source.alerts?.() ?? []).reduce((n, a) => n + a.count, 0);
  stage.process(finding({ ts: T0 }));
  t.equal(total(), 1);
  stage.process(finding({ ts: T0, endpoint: { host: 'h', method: 'GET', template: '/other' } }));
  now = ALERT_COUNTS_TTL_MS - 1;
  t.equal(total(), 1, 'cached within the interval');
  now = ALERT_COUNTS_TTL_MS;
  t.equal(total(), 2, 'counted again after it');
});
