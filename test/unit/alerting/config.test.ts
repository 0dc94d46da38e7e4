// The alerting config fragment: defaults that make sense together and clear refusals of bad rules.
import t from 'tap';
import { alertingSchema } from '../../../src/alerting/config';
import { parseAddress, parseRange, rangeContains } from '../../../src/core/address-match';
import { SEVERITIES } from '../../../src/alerting/types';

t.test('defaults', async (t) => {
  const c = alertingSchema.parse({});
  const th = c.severity;
  t.ok(th.critical > th.high && th.high > th.medium && th.medium > th.low && th.low > 0, 'thresholds ordered');
  t.ok(c.redeliverAtCounts.every((n, i, all) => i === 0 || n > (all[i - 1] ?? 0)), 'milestones increasing');
  for (const s of SEVERITIES) t.ok(c.playbook[s], `a playbook action for ${s}`);
  t.same(c.suppressions, []);
  t.ok(c.maxOpenAlerts > 0 && c.maxRateTrackedIdentities > 0 && c.maxEvidence > 0);
});

t.test('refusals', async (t) => {
  const bad: [string, unknown][] = [
    ['unknown key', { dedupeWindow: 3 }],
    ['client not an address', { suppressions: [{ client: 'example.com' }] }],
    ['IPv4 prefix too long', { suppressions: [{ client: '10.0.0.0/33' }] }],
    ['IPv6 prefix too long', { suppressions: [{ client: '2001:db8::/129' }] }],
    ['expiry not ISO', { suppressions: [{ identity: 'x', expires: 'next tuesday' }] }],
    ['thresholds out of order', { severity: { high: 0.95 } }],
    ['min above max', { detectors: { d: { minSeverity: 'high', maxSeverity: 'low' } } }],
    ['unknown action', { playbook: { high: 'nuke' } }],
  ];
  for (const [name, input] of bad) t.notOk(alertingSchema.safeParse(input).success, name);
  t.ok(alertingSchema.safeParse({ suppressions: [{ client: '2001:db8::/32', expires: '2030-01-01T00:00:00Z', reason: 'lab', allowWide: true }] }).success);
});

t.test('address ranges', async (t) => {
  const inRange = (range: string, ip: string): boolean => {
    const r = parseRange(range);
    const a = parseAddress(ip);
    if (!r || !a) throw new Error(`unparsable ${range} / ${ip}`);
    return rangeContains(r, a);
  };
  t.ok(inRange('192.168.0.0/16', '192.168.255.1'));
  t.notOk(inRange('192.168.0.0/16', '192.169.0.1'));
  t.ok(inRange('0.0.0.0/0', '8.8.8.8'));
  t.notOk(inRange('0.0.0.0/0', '2001:db8::1'), 'an IPv4 range holds no IPv6 address');
  t.ok(inRange('10.0.0.1', '10.0.0.1'));
  t.notOk(inRange('10.0.0.1', '10.0.0.2'), 'a bare address is a /32');
  t.ok(inRange('::/0', '2001:db8::1'));
  t.ok(inRange('2001:db8::/32', '[2001:db8:ffff::1]'), 'brackets');
  t.ok(inRange('fe80::/64', 'fe80::1%eth0'), 'zone id');
  t.ok(inRange('64:ff9b::/96', '64:ff9b::192.0.2.33'), 'embedded IPv4');
  t.ok(inRange('2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001'), 'uncompressed form');
  t.notOk(inRange('2001:db8::1', '2001:db8::2'));
  t.equal(parseAddress('10.0.0.1:443'), null, 'ip:port is not an address');
  t.equal(parseRange('10.0.0.0/'), null);
  t.equal(parseRange('10.0.0.0/x'), null);
});
