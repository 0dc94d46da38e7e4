// Kong plugin objects: each validates against the schema written from Kong's plugin docs (which
// rejects a wrong one), user throttles/bans per consumer, ip/range bans in one ip-restriction deny
// list, what Kong cannot express counted, and dry-run disables every plugin with a note.
import t from 'tap';
import { renderKong, type KongFeed } from '../../../../src/response/feeds/kong';
import { kongPlugin } from '../../../fixtures/feed-schemas/kong-plugins';
import { NOW, SAMPLE } from './sample-decisions';

const render = (enforce: boolean) => JSON.parse(renderKong(SAMPLE, { enforce, now: NOW, sensor: 's1' }).text) as KongFeed;

t.test('every plugin validates; the schema rejects wrong ones', async (t) => {
  for (const p of render(true).plugins) t.ok(kongPlugin.safeParse(p).success, p.name);
  t.notOk(kongPlugin.safeParse({ name: 'rate-limiting', config: { minute: 0 }, enabled: true }).success, 'a zero limit');
  t.notOk(kongPlugin.safeParse({ name: 'ip-restriction', config: { deny: ['1.2.3.4/40'] }, enabled: true }).success, 'a bad CIDR');
  t.notOk(kongPlugin.safeParse({ name: 'rate-limiting', config: { minute: 5 } }).success, 'no enabled');
});

t.test('plugins per decision', async (t) => {
  const feed = render(true);
  const byName = (name: string, user?: string) => feed.plugins.filter((p) => p.name === name && p.consumer?.username === user);
  const rl = byName('rate-limiting', 'alice');
  t.equal(rl.length, 1);
  t.same(rl[0]?.config, { minute: 30, policy: 'local', limit_by: 'consumer' });
  t.ok(rl[0]?.tags.includes('decision:throttle-user') && rl[0]?.tags.includes('alert:alert-throttle-user'), 'decision and alert tags');
  t.ok(rl[0]?.tags.includes(`expires:${NOW + 4 * 3600}`) && rl[0]?.tags.includes('confidence:0.80'), 'expiry and confidence tags');
  t.same(byName('request-termination', 'mallory')[0]?.config, { status_code: 403, message: 'Blocked by Tapwatch' });
  t.same(byName('ip-restriction')[0]?.config.deny, ['198.51.100.0/24', '2001:db8::/32', '203.0.113.9'], 'ip and range bans, not the expired one');
  t.equal(feed.plugins.length, 3);
  t.same(feed.skipped, { ipThrottles: 2, endpointThrottles: 0, captcha: 1, invalid: 0 });
  t.ok(feed.plugins.every((p) => p.enabled));
});

t.test('dry-run: all disabled, with a note', async (t) => {
  const feed = render(false);
  t.equal(feed.plugins.length, 3);
  t.ok(feed.plugins.every((p) => !p.enabled));
  t.match(feed.note, /DRY-RUN/);
});
