// An alert's recommendation as gateway decisions: block bans the client IP (and a user shown in
// clear), throttle limits the client IP on the endpoint, revoke-token and observe make none and say
// why, and alerts below minSeverity or minConfidence make none. Ids are stable per action, target
// and endpoint, so a repeat extends rather than duplicates.
import t from 'tap';
import type { Alert, Recommendation } from '../../../src/alerting/types';
import { responseSchema } from '../../../src/response/config';
import { decisionsFromAlert } from '../../../src/response/from-alert';

const config = responseSchema.parse({});
const NOW = 1_800_000_000;

function alert(rec: Recommendation, over: Partial<Alert> = {}): Alert {
  return {
    id: 'A1',
    type: 'enumeration',
    severity: 'high',
    score: 0.9,
    identity: 'user:alice',
    client: '203.0.113.7',
    endpoint: { host: 'api.example', method: 'GET', template: '/users/{id}' },
    firstSeen: 1,
    lastSeen: 2,
    count: 1,
    explanation: { summary: 's', factors: [] },
    recommendation: rec,
    evidence: [],
    sensor: 'test',
    ...over,
  };
}

t.test('block: the client IP and a clear user name, for the playbook duration', async (t) => {
  const { decisions } = decisionsFromAlert(alert({ action: 'block', durationSec: 600, reason: 'Block user:alice.' }), config, NOW);
  t.same(
    decisions.map((d) => [d.action, d.target.kind, d.target.value, d.expiresAt, d.endpoint]),
    [
      ['ban', 'ip', '203.0.113.7', NOW + 600, undefined],
      ['ban', 'user', 'alice', NOW + 600, undefined],
    ],
  );
  t.equal(decisions[0]?.reason, 'Block user:alice. (alert A1)');
  t.equal(decisions[0]?.confidence, 0.9);
  t.equal(decisions[0]?.alertId, 'A1');
  t.equal(decisions[0]?.detector, 'enumeration');
  t.equal(decisions[0]?.source, 'playbook');
  t.not(decisions[0]?.id, decisions[1]?.id);
  const again = decisionsFromAlert(alert({ action: 'block', durationSec: 600, reason: 'r' }, { id: 'A2' }), config, NOW + 100).decisions;
  t.same(again.map((d) => d.id), decisions.map((d) => d.id), 'the same action and target: the same ids');
});

t.test('block: key identities and hashed user names are no target; no IP and no user is nothing', async (t) => {
  const key = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { identity: 'key:0123456789abcdef0123456789abcdef' }), config, NOW).decisions;
  t.same(key.map((d) => d.target), [{ kind: 'ip', value: '203.0.113.7' }]);
  t.equal(key[0]?.expiresAt, NOW + config.defaultDurationSec, 'no duration: the default');
  const hashed = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { identity: 'user:0123456789abcdef0123456789abcdef' }), config, NOW).decisions;
  t.same(hashed.map((d) => d.target.kind), ['ip']);
  const none = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { identity: 'key:x', client: 'not-an-ip' }), config, NOW);
  t.same(none.decisions, []);
  t.match(none.none, /no client IP or user/);
});

t.test('throttle: the client IP on the endpoint at the limit, for defaultDurationSec', async (t) => {
  const { decisions } = decisionsFromAlert(alert({ action: 'throttle', limitPerMinute: 30, reason: 'Throttle.' }), config, NOW);
  t.equal(decisions.length, 1);
  const d = decisions[0]!;
  t.same([d.action, d.target, d.endpoint, d.limitPerMinute, d.expiresAt], ['throttle', { kind: 'ip', value: '203.0.113.7' }, { host: 'api.example', method: 'GET', template: '/users/{id}' }, 30, NOW + 3600]);
  const other = decisionsFromAlert(alert({ action: 'throttle', limitPerMinute: 30, reason: 'r' }, { endpoint: { host: 'api.example', method: 'GET', template: '/orders' } }), config, NOW).decisions;
  t.not(other[0]?.id, d.id, 'another endpoint is another decision');
});

t.test('revoke-token and observe make no gateway decision and say why', async (t) => {
  const revoke = decisionsFromAlert(alert({ action: 'revoke-token', reason: 'r' }), config, NOW);
  t.same(revoke.decisions, []);
  t.match(revoke.none, /identity provider/);
  const observe = decisionsFromAlert(alert({ action: 'observe', reason: 'r' }), config, NOW);
  t.same(observe.decisions, []);
  t.match(observe.none, /observe/);
});

t.test('below minSeverity or minConfidence: none', async (t) => {
  const low = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { severity: 'medium' }), config, NOW);
  t.same(low.decisions, []);
  t.match(low.none, /minSeverity high/);
  const weak = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { score: 0.4 }), config, NOW);
  t.same(weak.decisions, []);
  t.match(weak.none, /minConfidence 0.5/);
  const lowered = decisionsFromAlert(alert({ action: 'block', reason: 'r' }, { severity: 'medium' }), { ...config, minSeverity: 'medium' }, NOW);
  t.equal(lowered.decisions.length, 2, 'at the configured floor: decisions');
});
