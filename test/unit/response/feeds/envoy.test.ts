// The Envoy rate-limit service config: valid against the schema written from its README (which
// rejects a wrong document), descriptors per ip/user target, an endpoint throttle nested, bans at 0,
// shadow_mode only in dry-run, ranges/captcha/expired left out, same output for shuffled input.
import t from 'tap';
import { parse } from 'yaml';
import { renderEnvoy } from '../../../../src/response/feeds/envoy';
import { envoyRateLimitConfig, type EnvoyDescriptor } from '../../../fixtures/feed-schemas/envoy-ratelimit';
import { NOW, SAMPLE } from './sample-decisions';

const render = (enforce: boolean) => parse(renderEnvoy(SAMPLE, { enforce, now: NOW, sensor: 's1' }).text) as { domain: string; descriptors: EnvoyDescriptor[] };
const find = (doc: { descriptors: EnvoyDescriptor[] }, key: string, value: string) => doc.descriptors.find((d) => d.key === key && d.value === value);

t.test('validates against the documented shape; the schema rejects a wrong one', async (t) => {
  for (const enforce of [true, false]) t.ok(envoyRateLimitConfig.safeParse(render(enforce)).success, `enforce ${enforce}`);
  t.notOk(envoyRateLimitConfig.safeParse({ domain: 'x', descriptors: [{ key: 'a', rate_limit: { unit: 'fortnight', requests_per_unit: 1 } }] }).success, 'unknown unit');
  t.notOk(envoyRateLimitConfig.safeParse({ domain: 'x', descriptors: [{ key: 'a', expires: 1 }] }).success, 'unknown key');
});

t.test('descriptors per target and action', async (t) => {
  const doc = render(true);
  t.equal(doc.domain, 'tapwatch');
  t.same(find(doc, 'remote_address', '203.0.113.9')?.rate_limit, { unit: 'minute', requests_per_unit: 0 }, 'ip ban is 0/minute');
  t.same(find(doc, 'remote_address', '192.0.2.1')?.rate_limit, { unit: 'minute', requests_per_unit: 6 }, 'ip throttle');
  const endpoint = find(doc, 'remote_address', '192.0.2.2');
  t.equal(endpoint?.rate_limit, undefined, 'an endpoint throttle does not limit the whole target');
  t.same(endpoint?.descriptors, [{ key: 'endpoint', value: 'GET api.example.com /users/{id}/orders', rate_limit: { unit: 'minute', requests_per_unit: 12 } }]);
  t.same(find(doc, 'user', 'alice')?.rate_limit?.requests_per_unit, 30);
  t.same(find(doc, 'user', 'mallory')?.rate_limit?.requests_per_unit, 0);
  t.equal(doc.descriptors.length, 5, 'ranges, captcha and expired left out');
  t.notOk(JSON.stringify(doc).includes('shadow_mode'), 'no shadow_mode when enforcing');
});

t.test('dry-run: every limited descriptor in shadow mode', async (t) => {
  const limited = render(false).descriptors.flatMap((d) => [d, ...(d.descriptors ?? [])]).filter((d) => d.rate_limit);
  t.equal(limited.length, 5);
  for (const d of limited) t.equal(d.shadow_mode, true, `${d.key}=${d.value}`);
});

t.test('deterministic: input order does not matter', async (t) => {
  const opts = { enforce: true, now: NOW, sensor: 's1' };
  t.equal(renderEnvoy([...SAMPLE].reverse(), opts).text, renderEnvoy(SAMPLE, opts).text);
});
