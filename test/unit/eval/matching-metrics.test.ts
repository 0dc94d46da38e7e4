// Matching and scoring as pure functions on hand-built alerts and labels; every expected number is
// worked out by hand in the comments from the construction below.
import t from 'tap';
import type { ScenarioLabels } from '../../../src/core/scenario-labels';
import { attackTargets, matchAlerts } from '../../../src/eval/matching';
import { median, scoreMatches } from '../../../src/eval/metrics';
import type { EvalAlert } from '../../../src/eval/types';

function labels(attacks: ScenarioLabels['attacks'], benignRequests = 250_000): ScenarioLabels {
  return {
    version: 1,
    seed: 1,
    api: 'test.yaml',
    start: 0,
    end: 10_000,
    pcaps: ['a.pcap'],
    requestsFile: 'requests.jsonl',
    actors: [
      { id: 'att-1', role: 'attacker', credential: 'none', username: null, ips: ['203.0.113.5'], secrets: [] },
      { id: 'att-2', role: 'attacker', credential: 'none', username: null, ips: ['198.51.100.7'], secrets: [] },
      { id: 'bob', role: 'user', credential: 'bearer-jwt', username: 'bob', ips: ['10.0.0.2'], secrets: [] },
    ],
    attacks,
    benignRequests,
  };
}

const attack = (id: string, type: ScenarioLabels['attacks'][number]['type'], ips: string[], usernames: string[], start: number, end: number, actors: string[] = []): ScenarioLabels['attacks'][number] => ({
  id,
  type,
  actors,
  ips,
  usernames,
  start,
  end,
  requests: 10,
  params: {},
});

const ATTACKS = [
  attack('A1', 'brute-force', ['203.0.113.5'], ['alice'], 1000, 1100, ['att-1']),
  attack('A2', 'scraping', ['203.0.113.5', '198.51.100.7'], [], 1050, 1300, ['att-1', 'att-2']),
  attack('A3', 'enumeration', ['192.0.2.9'], [], 5000, 5100),
  attack('A4', 'brute-force', ['203.0.113.77'], ['bob'], 8000, 8200),
];

/** `withBaseline` of its two explanation factors carry a baseline (an explained alert needs two). */
const alert = (id: string, type: string, firstSeen: number, count: number, who: { client?: string; identity?: string }, withBaseline = 2): EvalAlert => ({
  id,
  type,
  firstSeen,
  lastSeen: firstSeen + 30,
  count,
  explanation: { summary: 's', factors: [0, 1].map((i) => ({ name: `f${i}`, value: 1, ...(i < withBaseline ? { baseline: 0 } : {}) })) },
  ...who,
});

const ALERTS: EvalAlert[] = [
  alert('a1', 'brute', 990, 2, { client: '203.0.113.5' }, 1), // 10 s before A1 starts (and before A2): false; one factor with a baseline
  alert('a2', 'brute', 1060, 5, { client: '203.0.113.5' }), // inside A1 and A2: one alert, two attacks
  alert('a3', 'scrape', 1350, 1, { client: '198.51.100.7' }), // 50 s after A2 ends, within the 300 s slack
  alert('a4', 'brute', 8100, 3, { identity: 'user:bob' }), // A4 by username
  alert('a5', 'scrape', 2000, 4, { client: '10.0.0.8' }), // nobody's attack: false
  alert('a6', 'inventory.shadow-endpoint', 1050, 1, {}), // no actor: unattributable
  alert('a7', 'brute', 8501, 1, { client: '203.0.113.77' }), // 1 s past A4's end + 300 s: false
];

t.test('matching: actor and time window', async (t) => {
  const matches = matchAlerts(ALERTS, attackTargets(labels(ATTACKS)));
  const byId = new Map(matches.map((m) => [m.alert.id, m.attacks]));
  t.same(byId.get('a1'), [], 'an alert before the attack start is not a detection');
  t.same(byId.get('a2'), ['A1', 'A2'], 'one alert matches two attacks');
  t.same(byId.get('a3'), ['A2'], 'within the slack after the end');
  t.same(byId.get('a4'), ['A4'], 'by identity naming a username');
  t.same(byId.get('a5'), [], 'another client');
  t.same(byId.get('a6'), []);
  t.equal(matches.find((m) => m.alert.id === 'a6')?.attributable, false, 'no client, no identity: unattributable');
  t.same(byId.get('a7'), [], 'past the slack after the end');
  t.same(ATTACKS.filter((a) => !matches.some((m) => m.attacks.includes(a.id))).map((a) => a.id), ['A3'], 'A3 nobody detected');

  const slack = matchAlerts(ALERTS, attackTargets(labels(ATTACKS)), { slackBeforeSec: 20, slackAfterSec: 0 });
  const slackById = new Map(slack.map((m) => [m.alert.id, m.attacks]));
  t.same(slackById.get('a1'), ['A1'], 'a slack before the start admits a1 (990 ≥ 1000 − 20)');
  t.same(slackById.get('a3'), [], 'no slack after: 1350 > 1300');
});

t.test('matching: client forms and resolved identities', async (t) => {
  const atks = [attack('V6', 'spike', ['2001:db8::1'], [], 100, 200), attack('K', 'token-abuse', ['10.1.1.1'], [], 100, 200, ['bob']), attack('S', 'bulk-pull', ['10.2.2.2'], [], 100, 200)];
  const targets = attackTargets(labels(atks), { byActor: new Map([['bob', 'key:9f0c21d4']]), byAttack: new Map([['S', ['key:77aa']]]) });
  t.same(targets.find((x) => x.id === 'K')?.identities, ['key:9f0c21d4'], "an actor's resolved identity names the attack");
  const m = matchAlerts(
    [
      alert('p', 'x', 150, 1, { client: '[2001:db8::1]:443' }),
      alert('v4', 'x', 150, 1, { client: '10.1.1.1:5555' }),
      alert('ip', 'x', 150, 1, { identity: 'ip:10.2.2.2' }),
      alert('key', 'x', 150, 1, { identity: 'key:9f0c21d4' }),
      alert('req', 'x', 150, 1, { identity: 'key:77aa' }),
    ],
    targets,
  );
  t.same(
    m.map((x) => x.attacks),
    [['V6'], ['K'], ['S'], ['K'], ['S']],
    'ports dropped, ip: identities are addresses, identities of actors and of the attack requests match',
  );
});

t.test('metrics: per attack, per type, per detector, overall', async (t) => {
  const targets = attackTargets(labels(ATTACKS));
  const s = scoreMatches(matchAlerts(ALERTS, targets), targets, 250_000);

  const a = new Map(s.attacks.map((x) => [x.id, x]));
  t.match(a.get('A1'), { detected: true, detectors: ['brute'], alerts: 1, findings: 5, firstAlertAt: 1060, timeToDetectSec: 60 });
  t.match(a.get('A2'), { detected: true, detectors: ['brute', 'scrape'], alerts: 2, findings: 6, firstAlertAt: 1060, timeToDetectSec: 10 });
  t.match(a.get('A3'), { detected: false, detectors: [], alerts: 0, findings: 0, firstAlertAt: null, timeToDetectSec: null });
  t.match(a.get('A4'), { detected: true, detectors: ['brute'], alerts: 1, findings: 3, timeToDetectSec: 100 });

  // in ATTACK_TYPES order; brute-force: A1 (60 s) and A4 (100 s), median 80
  t.same(s.attackTypes, [
    { type: 'brute-force', attacks: 2, detected: 2, recall: 1, medianTimeToDetectSec: 80 },
    { type: 'enumeration', attacks: 1, detected: 0, recall: 0, medianTimeToDetectSec: null },
    { type: 'scraping', attacks: 1, detected: 1, recall: 1, medianTimeToDetectSec: 10 },
  ]);

  // brute: a1 a2 a4 a7, counts 2+5+3+1 = 11; true a2 a4 (8 findings), false a1 a7 (3); 2 false / 250k benign = 8 per million
  t.same(s.detectors, [
    { detector: 'brute', alerts: 4, findings: 11, trueAlerts: 2, falseAlerts: 2, unattributable: 0, trueFindings: 8, falseFindings: 3, precision: 0.5, falseAlertsPerMillionBenign: 8, explainedAlerts: 3, attacksDetected: 3 },
    { detector: 'inventory.shadow-endpoint', alerts: 1, findings: 1, trueAlerts: 0, falseAlerts: 0, unattributable: 1, trueFindings: 0, falseFindings: 0, precision: null, falseAlertsPerMillionBenign: 0, explainedAlerts: 1, attacksDetected: 0 },
    { detector: 'scrape', alerts: 2, findings: 5, trueAlerts: 1, falseAlerts: 1, unattributable: 0, trueFindings: 1, falseFindings: 4, precision: 0.5, falseAlertsPerMillionBenign: 4, explainedAlerts: 2, attacksDetected: 1 },
  ]);

  // 3 of 4 detected, TTDs 60, 10, 100 → median 60; 3 true, 3 false, 1 unattributable; 3 / 250k = 12 per million
  t.same(s.overall, {
    attacks: 4,
    detected: 3,
    recall: 0.75,
    medianTimeToDetectSec: 60,
    alerts: 7,
    findings: 17,
    trueAlerts: 3,
    falseAlerts: 3,
    unattributable: 1,
    trueFindings: 9,
    falseFindings: 7,
    precision: 0.5,
    falseAlertsPerMillionBenign: 12,
    explainedAlerts: 6,
  });
});

t.test('metrics: nothing to score', async (t) => {
  const s = scoreMatches([], attackTargets(labels([])), 0);
  t.same(s.attacks, []);
  t.same(s.attackTypes, []);
  t.same(s.detectors, []);
  t.match(s.overall, { attacks: 0, detected: 0, recall: null, medianTimeToDetectSec: null, alerts: 0, precision: null, falseAlertsPerMillionBenign: null });

  // one false alert against 3 benign requests: 333333.33 per million (rounded to 2 places)
  const one = scoreMatches(matchAlerts([alert('f', 'd', 5, 1, { client: '10.0.0.1' })], []), [], 3);
  t.equal(one.overall.falseAlertsPerMillionBenign, 333333.33);
  t.equal(one.overall.precision, 0);
});

t.test('median', async (t) => {
  t.equal(median([]), null);
  t.equal(median([5]), 5);
  t.equal(median([9, 1, 5]), 5);
  t.equal(median([10, 2, 4, 8]), 6);
});
