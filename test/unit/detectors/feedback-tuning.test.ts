// False-positive verdicts stored by the alert stage raise the judged detector's thresholds for that
// identity and that endpoint, step by step up to a cap; other detectors, identities and endpoints are
// untouched; a verdict given while running is picked up on the next flush; the bound fires.
import t from 'tap';
import path from 'node:path';
import { AlertPolicy } from '../../../src/alerting/policy';
import { AlertStore } from '../../../src/alerting/store';
import { Counters } from '../../../src/core/counters';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { feedbackTuningSchema } from '../../../src/detectors/config';
import { StoredFeedbackTuning } from '../../../src/detectors/feedback-tuning';
import { openDatabase } from '../../../src/store/database';
import { config, finding, T0 } from '../alerting/helpers';

const LOGIN = { host: 'api.example.com', method: 'POST', template: '/api/login' };
const OTHER = { host: 'api.example.com', method: 'GET', template: '/api/items' };

function setUp(dir: string) {
  const file = path.join(dir, 'state.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const store = new AlertStore(db, file, () => T0);
  const policy = new AlertPolicy(config(), new Counters());
  const raise = (over: Parameters<typeof finding>[0]): string => {
    const r = policy.process(finding(over));
    if (!r.alert) throw new Error('no alert');
    store.saveAlert(r.alert);
    return r.alert.id;
  };
  return { db, store, raise };
}

t.test('each false positive multiplies the threshold for its identity and endpoint, up to the cap', async (t) => {
  const { db, store, raise } = setUp(t.testdir());
  const counters = new Counters();
  const tuning = new StoredFeedbackTuning(db, feedbackTuningSchema.parse({ stepFactor: 2, maxFactor: 5 }), counters);
  t.equal(tuning.factor('credential-stuffing', 'ip:203.0.113.7', LOGIN), 1, 'no verdict yet');
  const a = raise({ identity: 'user:carol', endpoint: OTHER });
  store.recordFeedback(a, 'false-positive');
  tuning.refresh();
  t.equal(tuning.factor('credential-stuffing', 'user:carol', null), 2, 'the identity judged');
  t.equal(tuning.factor('credential-stuffing', null, OTHER), 2, 'the endpoint judged');
  t.equal(tuning.factor('credential-stuffing', 'user:carol', OTHER), 4, 'both');
  t.equal(tuning.factor('credential-stuffing', 'user:dave', LOGIN), 1, 'another identity and endpoint');
  t.equal(tuning.factor('token-abuse', 'user:carol', OTHER), 1, 'another detector');
  const b = raise({ identity: 'user:carol', endpoint: OTHER, ts: T0 + 7200 });
  store.recordFeedback(b, 'false-positive');
  tuning.refresh();
  t.equal(tuning.factor('credential-stuffing', 'user:carol', OTHER), 5, 'capped at maxFactor');
  t.equal(counters.get('detectors.feedback.verdicts'), 2);
  store.recordFeedback(b, 'true-positive');
  tuning.refresh();
  t.equal(tuning.factor('credential-stuffing', 'user:carol', null), 2, 'a verdict changed to true-positive no longer counts');
});

t.test('detectors.feedback.maxEntries: the most judged are kept', async (t) => {
  const { db, store, raise } = setUp(t.testdir());
  for (let i = 0; i < 3; i++) store.recordFeedback(raise({ identity: `user:u${i}`, endpoint: { ...OTHER, template: `/t${i}` } }), 'false-positive');
  store.recordFeedback(raise({ identity: 'user:u0', endpoint: { ...OTHER, template: '/t0' }, ts: T0 + 7200 }), 'false-positive');
  const counters = new Counters();
  const tuning = new StoredFeedbackTuning(db, feedbackTuningSchema.parse({ maxEntries: 1 }), counters);
  t.equal(counters.get('detectors.feedback.entries_overflow'), 1);
  t.ok(tuning.factor('credential-stuffing', 'user:u0', null) > 1, 'the most judged is kept');
  t.equal(tuning.factor('credential-stuffing', 'user:u1', null), 1, 'the rest are not');
});
