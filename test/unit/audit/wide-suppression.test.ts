// Wide suppressions (all of a detector, a client range wider than alerting.maxSuppressionPrefix) are
// created only with an explicit flag: feedback's allowWide, addSuppression's allowWide, and the
// config rule key allowWide (without it the config does not load, with one sentence naming the rule).
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALERT_MIGRATIONS } from '../../../src/alerting/migrations';
import { AlertStore } from '../../../src/alerting/store';
import { WideSuppressionError, wideReason } from '../../../src/alerting/suppression';
import type { Alert } from '../../../src/alerting/types';
import { buildConfig, ConfigError } from '../../../src/config/load';
import { openDatabase } from '../../../src/store/database';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-wide-'));
const T0 = 1_800_000_000;
const BOUND = { ipv4: 16, ipv6: 48 };

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'A1',
    type: 'alerting.rate-exceeded',
    severity: 'medium',
    score: 0.6,
    firstSeen: T0,
    lastSeen: T0,
    count: 1,
    explanation: { summary: 'too many alerts', factors: [] },
    recommendation: { action: 'observe', reason: 'x' },
    evidence: [],
    sensor: 's',
    ...over,
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

t.test('which rules are wide', async (t) => {
  t.match(wideReason({ detector: 'scraping' }, BOUND), /silences every alert of detector scraping/);
  t.match(wideReason({}, BOUND), /every alert of every detector/);
  t.match(wideReason({ detector: 'bola', method: 'GET' }, BOUND), /names no identity, client, host or template/, 'a method alone narrows nothing that matters');
  t.match(wideReason({ client: '10.0.0.0/8' }, BOUND), /10\.0\.0\.0\/8 is wider than \/16 \(alerting.maxSuppressionPrefix.ipv4\)/);
  t.match(wideReason({ client: '::ffff:10.0.0.0/104' }, BOUND), /wider than \/16/, 'a mapped IPv4 /8 is held to the IPv4 bound');
  t.match(wideReason({ client: '2001:db8::/32' }, BOUND), /wider than \/48 \(alerting.maxSuppressionPrefix.ipv6\)/);
  t.equal(wideReason({ client: '10.1.0.0/16' }, BOUND), null, 'the bound itself is allowed');
  t.equal(wideReason({ client: '2001:db8:1::/48' }, BOUND), null);
  t.equal(wideReason({ client: '10.1.2.3' }, BOUND), null);
  t.equal(wideReason({ detector: 'scraping', host: 'api.example.com' }, BOUND), null);
  t.equal(wideReason({ identity: 'apikey:k' }, BOUND), null);
  t.equal(wideReason({ client: '10.0.0.0/8' }, { ipv4: 8, ipv6: 48 }), null, 'the bound is configurable');
});

t.test('feedback: a suppression of an alert with no who or endpoint is refused without allowWide, stored with it', async (t) => {
  const file = path.join(tmp, 'feedback.db');
  const db = openDatabase(file, ALERT_MIGRATIONS);
  t.teardown(() => db.close());
  const store = new AlertStore(db, file, () => T0);
  store.saveAlert(alert());
  const err = caught(() => store.recordFeedback('A1', 'false-positive', 'noisy', { suppress: true }));
  t.ok(err instanceof WideSuppressionError, 'WideSuppressionError, not a StoreError');
  t.match((err as Error).message, /every alert of detector alerting.rate-exceeded/);
  t.equal(store.listFeedback().length, 0, 'the verdict is not kept either (one transaction)');
  t.same(store.listSuppressions(T0), []);
  const ok = store.recordFeedback('A1', 'false-positive', 'noisy', { suppress: true, allowWide: true });
  t.match(ok.suppression, { detector: 'alerting.rate-exceeded', source: 'feedback' });
  t.equal(store.listFeedback().length, 1);
  // an alert with a client is narrow: no flag needed
  store.saveAlert(alert({ id: 'A2', type: 'scraping', client: '192.0.2.7' }));
  t.match(store.recordFeedback('A2', 'false-positive', '', { suppress: true }).suppression, { detector: 'scraping', client: '192.0.2.7' });
});

t.test('addSuppression: a /8 or a detector-only rule needs allowWide; the bound follows the store setting', async (t) => {
  const file = path.join(tmp, 'add.db');
  const db = openDatabase(file, ALERT_MIGRATIONS);
  t.teardown(() => db.close());
  const store = new AlertStore(db, file, () => T0);
  t.ok(caught(() => store.addSuppression({ client: '10.0.0.0/8', reason: 'scanners' })) instanceof WideSuppressionError);
  t.ok(caught(() => store.addSuppression({ detector: 'scraping', reason: '' })) instanceof WideSuppressionError);
  t.same(store.listSuppressions(T0), []);
  t.match(store.addSuppression({ client: '10.0.0.0/8', reason: 'scanners' }, 'feedback', { allowWide: true }), { client: '10.0.0.0/8' });
  t.match(store.addSuppression({ client: '10.9.0.0/16', reason: '' }), { client: '10.9.0.0/16' });
  store.suppressionBound = { ipv4: 24, ipv6: 64 };
  t.ok(caught(() => store.addSuppression({ client: '10.8.0.0/16', reason: '' })) instanceof WideSuppressionError, 'a tighter bound refuses a /16');
});

t.test('config: a wide rule without allowWide fails to load with one sentence naming it; with it, it loads', async (t) => {
  const err = caught(() => buildConfig({ alerting: { suppressions: [{ identity: 'apikey:k' }, { client: '10.0.0.0/8', reason: 'internal scanners' }] } }));
  t.ok(err instanceof ConfigError);
  t.match((err as ConfigError).issues, [{ path: 'alerting.suppressions.1', message: /^suppression rule 1 \("internal scanners"\) is wide: its client range 10\.0\.0\.0\/8 is wider than \/16 .*; set allowWide: true on it if that is meant$/ }]);
  t.equal((err as ConfigError).issues.length, 1, 'the narrow rule is fine');
  t.ok(caught(() => buildConfig({ alerting: { suppressions: [{ detector: 'scraping' }] } })) instanceof ConfigError, 'a detector-only rule too');
  const loaded = buildConfig({ alerting: { suppressions: [{ client: '10.0.0.0/8', allowWide: true }, { detector: 'scraping', allowWide: true }] } });
  t.equal(loaded.alerting.suppressions.length, 2);
  t.same(buildConfig({}).alerting.maxSuppressionPrefix, { ipv4: 16, ipv6: 48 });
  t.equal(buildConfig({ alerting: { maxSuppressionPrefix: { ipv4: 8 }, suppressions: [{ client: '10.0.0.0/8' }] } }).alerting.suppressions.length, 1, 'the bound is the config\'s');
});
