// CrowdSec decisions: valid against the schema written from the LAPI swagger and cscli docs (which
// rejects a wrong one), bans and captchas with scopes Ip/Range/Username, durations from the expiry,
// throttles and expired decisions left out, simulated in dry-run.
import t from 'tap';
import { goDuration, renderCrowdsec, type CrowdsecDecision } from '../../../../src/response/feeds/crowdsec';
import { crowdsecDecisions } from '../../../fixtures/feed-schemas/crowdsec-decisions';
import { NOW, SAMPLE, decision } from './sample-decisions';

const render = (enforce: boolean) => JSON.parse(renderCrowdsec(SAMPLE, { enforce, now: NOW, sensor: 's1' }).text) as CrowdsecDecision[];

t.test('validates; the schema rejects a wrong document', async (t) => {
  t.ok(crowdsecDecisions.safeParse(render(true)).success);
  t.notOk(crowdsecDecisions.safeParse([{ duration: '4 hours', origin: 'x', scenario: 'y', scope: 'Ip', type: 'ban', value: '1.2.3.4' }]).success, 'bad duration');
  t.notOk(crowdsecDecisions.safeParse([{ duration: '4h', origin: 'x', scenario: 'y', scope: 'Ip', type: 'ban', value: 'not-an-ip' }]).success, 'bad ip');
  t.notOk(crowdsecDecisions.safeParse([{ duration: '4h', origin: 'x', scope: 'Ip', type: 'ban', value: '1.2.3.4' }]).success, 'no scenario');
});

t.test('one decision per ban/captcha', async (t) => {
  const out = render(true);
  const summary = out.map((d) => `${d.scope} ${d.value} ${d.type} ${d.duration}`).sort();
  t.same(summary, [
    'Ip 192.0.2.7 captcha 4h0m0s',
    'Ip 203.0.113.9 ban 4h0m0s',
    'Range 198.51.100.0/24 ban 4h0m0s',
    'Range 2001:db8::/32 ban 1m30s',
    'Username mallory ban 4h0m0s',
  ]);
  t.ok(out.every((d) => d.origin === 'tapwatch' && !d.simulated));
  t.equal(out.find((d) => d.type === 'captcha')?.scenario, 'tapwatch/credential-stuffing');
  t.ok(render(false).every((d) => d.simulated), 'dry-run still renders, marked simulated');
});

t.test('Go durations and unsafe values', async (t) => {
  t.same([goDuration(45), goDuration(60), goDuration(3661)], ['45s', '1m0s', '1h1m1s']);
  const bad = [decision({ id: 'x', action: 'ban', target: { kind: 'ip', value: '1.2.3.4; drop' } }), decision({ id: 'y', action: 'ban', target: { kind: 'range', value: '10.0.0.0/33' } })];
  t.same(JSON.parse(renderCrowdsec(bad, { enforce: true, now: NOW, sensor: 's' }).text), [], 'invalid IP/CIDR left out');
});
