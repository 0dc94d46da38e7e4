// The alert policy on packet time: dedupe of a flood into one alert with milestone re-delivery,
// suppression by every key with packet-time expiry, the per-identity rate bound, the bounds on
// open alerts, rate windows and evidence, severity mapping and the playbook.
import t from 'tap';
import { Counters } from '../../../src/core/counters';
import { AlertPolicy, RATE_EXCEEDED_DETECTOR, type PolicyResult } from '../../../src/alerting/policy';
import { severityFor } from '../../../src/alerting/severity';
import { SEVERITIES, type Alert, type Severity } from '../../../src/alerting/types';
import { config, evidence, finding, T0 } from './helpers';

function policy(over: Record<string, unknown> = {}) {
  const counters = new Counters();
  const cfg = config(over);
  return { p: new AlertPolicy(cfg, counters), counters, cfg };
}

const alertOf = (r: PolicyResult): Alert => {
  if (!r.alert) throw new Error(`no alert in a ${r.outcome} result`);
  return r.alert;
};

t.test('a flood of identical findings is one alert, delivered once plus its count milestones', async (t) => {
  const { p, counters, cfg } = policy();
  const n = 10_000;
  const step = 0.01;
  const results: PolicyResult[] = [];
  for (let i = 0; i < n; i++) results.push(p.process(finding({ ts: T0 + i * step, evidence: [evidence(T0 + i * step)] })));
  const ids = new Set(results.map((r) => alertOf(r).id));
  t.equal(ids.size, 1, 'one alert id');
  t.equal(results.filter((r) => r.outcome === 'new').length, 1);
  t.equal(results.filter((r) => r.outcome === 'updated').length, n - 1);
  const last = alertOf(results[n - 1]!);
  t.equal(last.count, n);
  t.equal(last.firstSeen, T0);
  t.equal(last.lastSeen, T0 + (n - 1) * step);
  const milestones = cfg.redeliverAtCounts.filter((m) => m <= n);
  const delivered = results.filter((r) => r.deliver);
  t.same(
    delivered.map((r) => alertOf(r).count),
    [1, ...milestones],
    'delivered when raised and when the count reaches each milestone',
  );
  t.ok(delivered.slice(1).every((r) => r.redelivery === 'count'));
  t.equal(counters.get('alerting.new'), 1);
  t.equal(counters.get('alerting.updated'), n - 1);
  t.equal(counters.get('alerting.redelivered'), milestones.length);
  t.equal(last.evidence.length, cfg.maxEvidence, 'evidence bounded');
  t.equal(last.evidence[cfg.maxEvidence - 1]?.ts, T0 + (n - 1) * step, 'the last evidence slot holds the newest');
  t.equal(last.sensor, 'sensor-test');
});

t.test('dedupe window slides on the last finding; a quiet window opens a new alert', async (t) => {
  const { p, counters, cfg } = policy({ dedupeWindowSec: 60 });
  const a = alertOf(p.process(finding({ ts: T0 })));
  const b = p.process(finding({ ts: T0 + 59 }));
  t.equal(b.outcome, 'updated');
  const c = p.process(finding({ ts: T0 + 59 + 59 }));
  t.equal(c.outcome, 'updated', 'still within the window of the previous finding');
  const d = p.process(finding({ ts: T0 + 118 + cfg.dedupeWindowSec }));
  t.equal(d.outcome, 'new');
  t.not(alertOf(d).id, a.id);
  t.equal(alertOf(d).count, 1);
  t.equal(counters.get('alerting.dedupe.expired'), 1);
  t.ok(alertOf(d).id > a.id, 'ids sort by packet time');
});

t.test('different client, identity, endpoint or detector are different alerts', async (t) => {
  const { p } = policy();
  const outcomes = [
    finding(),
    finding({ client: '203.0.113.8' }),
    finding({ identity: 'apikey:abc' }),
    finding({ endpoint: { host: 'api.example.com', method: 'POST', template: '/api/token' } }),
    finding({ detector: 'brute-force' }),
  ].map((f) => p.process(f).outcome);
  t.same(outcomes, ['new', 'new', 'new', 'new', 'new']);
  t.equal(p.openAlerts, 5);
});

t.test('suppression by each key; non-matching findings still alert', async (t) => {
  const cases: { name: string; rule: Record<string, string>; hit: Parameters<typeof finding>[0]; miss: Parameters<typeof finding>[0] }[] = [
    { name: 'detector', rule: { detector: 'credential-stuffing' }, hit: {}, miss: { detector: 'brute-force' } },
    { name: 'detector prefix', rule: { detector: 'inventory.*' }, hit: { detector: 'inventory.shadow-endpoint' }, miss: { detector: 'inventorying' } },
    { name: 'identity', rule: { identity: 'bearer:9f86d081' }, hit: { identity: 'bearer:9f86d081' }, miss: { identity: 'bearer:other' } },
    { name: 'IPv4 address', rule: { client: '198.51.100.9' }, hit: { client: '198.51.100.9' }, miss: { client: '198.51.100.10' } },
    { name: 'IPv4 CIDR', rule: { client: '10.1.0.0/16' }, hit: { client: '10.1.200.3' }, miss: { client: '10.2.0.1' } },
    { name: 'IPv4 CIDR, IPv4-mapped client', rule: { client: '10.1.0.0/16' }, hit: { client: '::ffff:10.1.2.3' }, miss: { client: '::ffff:10.2.2.3' } },
    { name: 'IPv6 CIDR', rule: { client: '2001:db8:abcd::/48' }, hit: { client: '2001:db8:abcd:12::1' }, miss: { client: '2001:db8:abce::1' } },
    { name: 'IPv6 CIDR, odd prefix', rule: { client: 'fe80::/10' }, hit: { client: 'febf::1' }, miss: { client: 'fec0::1' } },
    {
      name: 'endpoint',
      rule: { host: 'API.example.com', method: 'post', template: '/api/login' },
      hit: {},
      miss: { endpoint: { host: 'api.example.com', method: 'POST', template: '/api/logout' } },
    },
    { name: 'endpoint host only', rule: { host: 'internal.example.com' }, hit: { endpoint: { host: 'internal.example.com', method: 'GET', template: '/' } }, miss: {} },
  ];
  for (const c of cases) {
    const { p, counters } = policy({ suppressions: [{ ...c.rule, reason: c.name, allowWide: true }] });
    const hit = p.process(finding(c.hit));
    t.equal(hit.outcome, 'suppressed', `${c.name}: matching finding suppressed`);
    t.equal(hit.alert, null);
    t.equal(hit.suppressedBy?.reason, c.name);
    t.equal(p.process(finding(c.miss)).outcome, 'new', `${c.name}: other finding alerts`);
    t.equal(counters.get('alerting.suppressed'), 1, `${c.name}: counted`);
  }
  // A client rule never matches a finding without a client.
  const { p } = policy({ suppressions: [{ client: '0.0.0.0/0', allowWide: true }] });
  t.equal(p.process(finding({ client: undefined, identity: 'apikey:k' })).outcome, 'new');
  t.equal(p.process(finding({ client: '192.0.2.1' })).outcome, 'suppressed', '0.0.0.0/0 matches every IPv4 client');
});

t.test('suppression expiry is packet time: suppressed before, alerted from then on', async (t) => {
  const expires = new Date((T0 + 600) * 1000).toISOString();
  const { p, counters } = policy({ suppressions: [{ identity: 'ip:203.0.113.7', expires }] });
  t.equal(p.process(finding({ ts: T0 })).outcome, 'suppressed');
  t.equal(p.process(finding({ ts: T0 + 599.999 })).outcome, 'suppressed');
  t.equal(p.process(finding({ ts: T0 + 600 })).outcome, 'new');
  t.equal(counters.get('alerting.suppressed'), 2);
  // An offset time means the same instant.
  const offset = policy({ suppressions: [{ detector: 'credential-stuffing', expires: '2023-11-15T00:13:20+02:00', allowWide: true }] });
  t.equal(offset.p.process(finding({ ts: T0 - 1 })).outcome, 'suppressed');
  t.equal(offset.p.process(finding({ ts: T0 })).outcome, 'new', '2023-11-15T00:13:20+02:00 is T0');
});

t.test('per-identity rate bound: excess counted and folded into one summary; other identities unaffected', async (t) => {
  const max = 5;
  const { p, counters } = policy({ maxAlertsPerIdentityPerMinute: max });
  const endpointN = (i: number) => ({ host: 'api.example.com', method: 'GET', template: `/api/items/${i}` });
  const excess = 3;
  const a = Array.from({ length: max + excess }, (_, i) => p.process(finding({ ts: T0 + i, identity: 'apikey:A', endpoint: endpointN(i) })));
  t.equal(a.filter((r) => r.outcome === 'new').length, max);
  const limited = a.filter((r) => r.outcome === 'rate-limited');
  t.equal(limited.length, excess);
  t.equal(counters.get('alerting.rate_limited'), excess);
  const summary = alertOf(limited[limited.length - 1]!);
  t.equal(summary.type, RATE_EXCEEDED_DETECTOR);
  t.equal(summary.identity, 'apikey:A');
  t.equal(summary.count, excess);
  t.equal(new Set(limited.map((r) => alertOf(r).id)).size, 1, 'one summary alert');
  t.same(limited.map((r) => r.deliver), [true, false, false], 'summary delivered once when raised');
  t.match(summary.explanation.summary, /apikey:A/);
  t.match(summary.explanation.factors.find((f) => f.name === 'heldFindings'), { value: excess });

  const b = Array.from({ length: max }, (_, i) => p.process(finding({ ts: T0 + 10 + i, identity: 'apikey:B', endpoint: endpointN(i) })));
  t.ok(b.every((r) => r.outcome === 'new'), 'identity B raises its own alerts');

  // Folds into existing alerts are not rate bound.
  t.equal(p.process(finding({ ts: T0 + 20, identity: 'apikey:A', endpoint: endpointN(0) })).outcome, 'updated');
  // A minute later, A may raise new alerts again.
  t.equal(p.process(finding({ ts: T0 + 60, identity: 'apikey:A', endpoint: endpointN(100) })).outcome, 'new');

  // Without an identity the client IP is the key.
  const byIp = policy({ maxAlertsPerIdentityPerMinute: 1 });
  t.equal(byIp.p.process(finding({ identity: undefined, client: '192.0.2.1', detector: 'x' })).outcome, 'new');
  const held = byIp.p.process(finding({ identity: undefined, client: '192.0.2.1', detector: 'y' }));
  t.equal(held.outcome, 'rate-limited');
  t.equal(alertOf(held).client, '192.0.2.1');
  t.equal(byIp.p.process(finding({ identity: undefined, client: '192.0.2.2', detector: 'y' })).outcome, 'new');

  const quiet = policy({ maxAlertsPerIdentityPerMinute: 1, rateLimitSummary: false });
  quiet.p.process(finding({ detector: 'x' }));
  const r = quiet.p.process(finding({ detector: 'y' }));
  t.same([r.outcome, r.alert, r.deliver], ['rate-limited', null, false], 'no summary when turned off');
  t.equal(quiet.counters.get('alerting.rate_limited'), 1);
});

t.test('bound: open alerts evict the least recently updated, counted', async (t) => {
  const max = 3;
  const { p, counters } = policy({ maxOpenAlerts: max });
  const ep = (i: number) => ({ host: 'h', method: 'GET', template: `/t/${i}` });
  const first = Array.from({ length: max }, (_, i) => p.process(finding({ ts: T0 + i, endpoint: ep(i) })));
  t.equal(p.process(finding({ ts: T0 + 5, endpoint: ep(0) })).outcome, 'updated', 'touch alert 0 so alert 1 is now the oldest');
  p.process(finding({ ts: T0 + 10, endpoint: ep(max) }));
  t.equal(p.openAlerts, max);
  t.equal(counters.get('alerting.dedupe.evicted'), 1);
  const again = p.process(finding({ ts: T0 + 20, endpoint: ep(1) }));
  t.equal(again.outcome, 'new', 'the least recently updated alert (1) was evicted and is raised anew');
  t.not(alertOf(again).id, alertOf(first[1]!).id);
  t.equal(counters.get('alerting.dedupe.evicted'), 2, 'raising it evicted the next oldest (2)');
  t.equal(p.process(finding({ ts: T0 + 21, endpoint: ep(0) })).outcome, 'updated', 'the recently updated alert 0 survived');
  t.equal(p.process(finding({ ts: T0 + 22, endpoint: ep(2) })).outcome, 'new');
});

t.test('bound: rate windows per identity, oldest forgotten and counted', async (t) => {
  const max = 4;
  const { p, counters } = policy({ maxRateTrackedIdentities: max });
  for (let i = 0; i < max + 3; i++) p.process(finding({ ts: T0 + i, identity: `apikey:${i}` }));
  t.equal(p.trackedIdentities, max);
  t.equal(counters.get('alerting.rate.evicted'), 3);
  // Rate windows older than a minute are dropped as packet time moves on.
  p.process(finding({ ts: T0 + 3600, identity: 'apikey:late' }));
  t.equal(p.trackedIdentities, 1);
});

t.test('evidence keeps the first items and the newest', async (t) => {
  const { p } = policy({ maxEvidence: 3 });
  let last: PolicyResult | null = null;
  for (let i = 0; i < 10; i++) last = p.process(finding({ ts: T0 + i, evidence: [evidence(T0 + i, `call ${i}`)] }));
  t.same(alertOf(last!).evidence.map((e) => e.note), ['call 0', 'call 1', 'call 9']);
});

t.test('severity from score thresholds, raised by sensitive kinds, bounded per detector', async (t) => {
  const cfg = config();
  const levels: [Severity, number][] = [
    ['low', cfg.severity.low],
    ['medium', cfg.severity.medium],
    ['high', cfg.severity.high],
    ['critical', cfg.severity.critical],
  ];
  for (const [level, threshold] of levels) {
    const below = SEVERITIES[SEVERITIES.indexOf(level) - 1];
    t.equal(severityFor(cfg, 'd', threshold), level, `${threshold} is ${level}`);
    t.equal(severityFor(cfg, 'd', threshold - 1e-9), below, `just under ${threshold} is ${below}`);
  }
  t.equal(severityFor(cfg, 'd', 0), 'info');
  t.equal(severityFor(cfg, 'd', 1), 'critical');
  for (const kind of cfg.sensitiveKinds) t.equal(severityFor(cfg, 'd', cfg.severity.medium, [kind]), 'high', `${kind} raises by one`);
  t.equal(severityFor(cfg, 'd', cfg.severity.medium, ['email']), 'medium', 'email is not in the raising list');
  t.equal(severityFor(cfg, 'd', cfg.severity.medium, ['card', 'ssn']), 'high', 'several kinds raise once');
  t.equal(severityFor(cfg, 'd', 1, ['card']), 'critical', 'critical stays critical');
  t.equal(severityFor(config({ sensitiveKinds: ['email'] }), 'd', cfg.severity.medium, ['email']), 'high', 'the list is configurable');

  const bounded = config({ detectors: { noisy: { maxSeverity: 'low' }, rare: { minSeverity: 'high' } } });
  t.equal(severityFor(bounded, 'noisy', 1, ['card']), 'low');
  t.equal(severityFor(bounded, 'rare', 0), 'high');

  // Through the policy, the alert carries it and a severity rise is re-delivered.
  const { p } = policy();
  const first = p.process(finding({ score: cfg.severity.medium }));
  t.equal(alertOf(first).severity, 'medium');
  const same = p.process(finding({ score: cfg.severity.medium }));
  t.equal(same.deliver, false);
  const rise = p.process(finding({ score: cfg.severity.medium, sensitiveKinds: ['ssn'] }));
  t.equal(alertOf(rise).severity, 'high');
  t.same([rise.deliver, rise.redelivery], [true, 'severity']);
  const higher = p.process(finding({ score: 0.95, explanation: { summary: 'much worse', factors: [] } }));
  t.equal(alertOf(higher).severity, 'critical', 'max score and the sensitive kind seen earlier');
  t.equal(alertOf(higher).score, 0.95);
  t.equal(alertOf(higher).explanation.summary, 'much worse', 'explanation of the highest-scoring finding');
  const lower = p.process(finding({ score: 0.1 }));
  t.equal(alertOf(lower).score, 0.95, 'score never falls');
});

t.test('playbook per severity: observe, throttle with learned limit, block, revoke-token with fallback', async (t) => {
  const cfg = config();
  const scoreFor = (s: Severity): number => ({ info: 0, low: cfg.severity.low, medium: cfg.severity.medium, high: cfg.severity.high, critical: cfg.severity.critical })[s];
  const rec = (over: Parameters<typeof finding>[0]) => alertOf(new AlertPolicy(cfg, new Counters()).process(finding(over))).recommendation;

  for (const s of SEVERITIES) {
    const r = rec({ score: scoreFor(s), identity: 'key:5e884898' });
    t.equal(r.action, cfg.playbook[s], `${s} → ${cfg.playbook[s]}`);
    t.ok(r.reason.length > 0 && !r.reason.includes('\n'), 'one-sentence reason');
  }

  const baseline = 40;
  const throttled = rec({ score: scoreFor('medium'), explanation: { summary: 's', factors: [{ name: 'baselineRatePerMinute', value: baseline }] } });
  t.equal(throttled.action, 'throttle');
  t.equal(throttled.limitPerMinute, Math.ceil(baseline * cfg.playbook.throttleHeadroom));
  t.match(throttled.reason, /baseline/);
  const defaulted = rec({ score: scoreFor('medium') });
  t.equal(defaulted.limitPerMinute, cfg.playbook.defaultLimitPerMinute);
  t.match(defaulted.reason, /default/);

  const blocked = rec({ score: scoreFor('high') });
  t.same([blocked.action, blocked.durationSec], ['block', cfg.playbook.blockDurationSec]);

  for (const kind of cfg.playbook.tokenIdentityKinds) {
    const r = rec({ score: scoreFor('critical'), identity: `${kind}:abc123` });
    t.equal(r.action, 'revoke-token', `${kind} identity is revocable`);
    t.match(r.reason, `${kind}:abc123`);
  }
  t.same(cfg.playbook.tokenIdentityKinds, ['key', 'user'], 'the kinds the identity stage names');
  for (const identity of ['ip:203.0.113.7', 'basic:alice', 'session:77af']) {
    const r = rec({ score: scoreFor('critical'), identity });
    t.same([r.action, r.durationSec], ['block', cfg.playbook.blockDurationSec], `${identity}: revoke falls back to block`);
    t.match(r.reason, /not a token/);
  }
  const noOne = rec({ score: scoreFor('critical'), identity: undefined, client: undefined });
  t.equal(noOne.action, 'observe', 'nothing to act on');
  t.match(noOne.reason, /no identity or client/);

  const override = alertOf(new AlertPolicy(config({ detectors: { 'credential-stuffing': { action: 'observe' } } }), new Counters()).process(finding({ score: 1 })));
  t.equal(override.recommendation.action, 'observe', 'per-detector action');

  const suggested = rec({ score: scoreFor('low'), identity: 'key:abc', suggested: { action: 'throttle', limitPerMinute: 12.2 } });
  t.same([suggested.action, suggested.limitPerMinute], ['throttle', 13], "the detector's suggestion and its learned limit, over the low playbook");
  t.match(suggested.reason, /learned/);
  const overSuggestion = alertOf(
    new AlertPolicy(config({ detectors: { 'credential-stuffing': { action: 'observe' } } }), new Counters()).process(finding({ score: 1, suggested: { action: 'block' } })),
  );
  t.equal(overSuggestion.recommendation.action, 'observe', 'a configured per-detector action beats the suggestion');
});

t.test('scores outside 0–1 are clamped and counted', async (t) => {
  const { p, counters } = policy();
  t.equal(alertOf(p.process(finding({ score: 7 }))).score, 1);
  t.equal(alertOf(p.process(finding({ score: NaN, detector: 'other' }))).score, 0);
  t.equal(counters.get('alerting.score_clamped'), 2);
});

t.test('ids are 26-char ULIDs, unique and increasing within one millisecond', async (t) => {
  const { p } = policy();
  const ids = Array.from({ length: 50 }, (_, i) => alertOf(p.process(finding({ detector: `d${i}`, identity: `apikey:${i}` }))).id);
  t.ok(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)));
  t.same([...ids].sort(), ids, 'same packet millisecond: strictly increasing');
  t.equal(new Set(ids).size, ids.length);
  const later = alertOf(p.process(finding({ ts: T0 + 0.002, detector: 'later', identity: 'apikey:later' }))).id;
  t.ok(later > ids[ids.length - 1]!, 'a later packet time sorts after');
});
