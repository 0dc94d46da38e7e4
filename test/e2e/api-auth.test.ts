// Tokens and roles on the real local API over real sockets (issue 17): no token is 401 on every
// protected route, the read token reads but may not give feedback, the admin token's feedback is
// stored under its name and reaches the audit hook, failed checks are rate-limited per address
// (429) with a bounded table of addresses, and a rotation by the built CLI takes effect at once.
import t from 'tap';
import http from 'node:http';
import path from 'node:path';
import { runCliAsync } from '../helpers/cli';
import { parseExposition, sampleValue } from '../helpers/prom-text';
import { bearer, startTestApi } from '../unit/daemon/api-fixture';
import { AlertPolicy } from '../../src/alerting/policy';
import { alertingSchema } from '../../src/alerting/config';
import { Counters } from '../../src/core/counters';
import { finding } from '../unit/alerting/helpers';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, so the client's source address can be another loopback address than 127.0.0.1. */
function request(port: number, p: string, opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false, ...(opts.from ? { localAddress: opts.from } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const feedbackBody = JSON.stringify({ verdict: 'false-positive', note: 'load test account', suppress: true, by: 'mallory' });
const json = { 'content-type': 'application/json' };

t.test('routes need a token of the right role; feedback is given by the token and audited', async (t) => {
  const a = await startTestApi(t.testdir(), { auth: { maxFailuresPerMinute: 100 } });
  t.teardown(() => a.close());
  const port = a.api.address.port;
  const feedback = `/alerts/${encodeURIComponent(a.alertId)}/feedback`;

  for (const [method, p] of [
    ['GET', '/metrics'],
    ['GET', '/alerts'],
    ['POST', feedback],
    ['GET', '/no-such-route'],
  ] as const) {
    const res = await request(port, p, { method, headers: json, body: method === 'POST' ? feedbackBody : undefined });
    t.equal(res.status, 401, `${method} ${p} without a token`);
    t.equal(res.headers['www-authenticate'], 'Bearer realm="tapwatch"', 'the challenge names the scheme');
    const wrong = await request(port, p, { method, headers: { ...json, ...bearer('tw_' + 'A'.repeat(43)) }, body: method === 'POST' ? feedbackBody : undefined });
    t.equal(wrong.status, 401, `${method} ${p} with a wrong token`);
    t.match(JSON.parse(wrong.body), { error: 'the token is not valid' });
    t.notOk(wrong.body.includes('AAAA'), 'the presented token is not echoed');
  }
  t.equal((await request(port, '/healthz')).status, 200, '/healthz is open');
  t.equal((await request(port, '/readyz')).status, 200, '/readyz is open');
  t.equal(a.sensor.counters.get('api.auth.failures'), 8, 'every failure counted');

  const reader = bearer(a.fx.value('reader'));
  const alerts = await request(port, '/alerts', { headers: reader });
  t.equal(alerts.status, 200, 'read token: GET /alerts');
  t.equal((JSON.parse(alerts.body) as { count: number }).count, 1);
  const metrics = await request(port, '/metrics', { headers: reader });
  t.equal(metrics.status, 200, 'read token: /metrics');
  t.equal(sampleValue(parseExposition(metrics.body), 'tapwatch_events_total', { name: 'api.auth.failures' }), 8, '/metrics shows the auth failures');
  const denied = await request(port, feedback, { method: 'POST', headers: { ...json, ...reader }, body: feedbackBody });
  t.equal(denied.status, 403, 'read token: feedback is forbidden');
  t.match(JSON.parse(denied.body), { error: /role read.*needs admin/ });
  t.same(a.store.listFeedback(), [], 'nothing recorded');
  t.same(a.audited, [], 'nothing audited');

  const ok = await request(port, feedback, { method: 'POST', headers: { ...json, ...bearer(a.fx.value('admin')) }, body: feedbackBody });
  t.equal(ok.status, 200, 'admin token: feedback');
  const result = JSON.parse(ok.body) as { suppression: { id: string } | null };
  t.ok(result.suppression, 'a suppression was made');
  t.match(a.store.listFeedback(), [{ alertId: a.alertId, verdict: 'false-positive', by: 'admin' }], "stored under the token's name, not the body's by");
  t.match(a.audited, [
    {
      actor: { kind: 'token', name: 'admin', address: '127.0.0.1' },
      action: 'alert.feedback',
      target: a.alertId,
      details: { verdict: 'false-positive', note: 'load test account', suppression: { id: result.suppression!.id }, claimedBy: 'mallory' },
    },
  ]);
  t.equal(a.audited.length, 1, 'one record');
});

t.test('api.metricsWithoutToken opens /metrics only', async (t) => {
  const a = await startTestApi(t.testdir(), { metricsWithoutToken: true });
  t.teardown(() => a.close());
  t.equal((await request(a.api.address.port, '/metrics')).status, 200, '/metrics without a token');
  t.equal((await request(a.api.address.port, '/alerts')).status, 401, '/alerts still needs one');
});

t.test('failed checks are rate-limited per remote address', async (t) => {
  const a = await startTestApi(t.testdir(), { auth: { maxFailuresPerMinute: 3 } });
  t.teardown(() => a.close());
  const port = a.api.address.port;
  const admin = bearer(a.fx.value('admin'));
  for (let i = 0; i < 3; i++) t.equal((await request(port, '/alerts', { headers: bearer(`tw_guess${i}`), from: '127.0.0.2' })).status, 401, `guess ${i + 1}`);
  const limited = await request(port, '/alerts', { headers: admin, from: '127.0.0.2' });
  t.equal(limited.status, 429, 'after 3 failures even the right token is not looked at');
  const retry = Number(limited.headers['retry-after']);
  t.ok(retry >= 1 && retry <= 60, `Retry-After ${retry} s`);
  t.equal((await request(port, '/healthz', { from: '127.0.0.2' })).status, 200, 'health probes are not limited');
  t.equal((await request(port, '/alerts', { headers: admin, from: '127.0.0.3' })).status, 200, 'another address is not limited');
  t.equal(a.sensor.counters.get('api.auth.rate_limited'), 1);
  t.equal(a.sensor.counters.get('api.auth.failures'), 3);
});

t.test('the table of failing addresses is bounded (api.auth.maxTrackedClients)', async (t) => {
  const a = await startTestApi(t.testdir(), { auth: { maxTrackedClients: 2, maxFailuresPerMinute: 2 } });
  t.teardown(() => a.close());
  const port = a.api.address.port;
  const fail = async (from: string): Promise<number> => (await request(port, '/alerts', { from })).status;
  t.equal(await fail('127.0.0.2'), 401);
  t.equal(await fail('127.0.0.2'), 401, '127.0.0.2 is at its limit');
  t.equal(await fail('127.0.0.3'), 401);
  t.equal(a.sensor.counters.get('api.auth.clients_evicted'), 0, 'two addresses fit');
  t.equal(await fail('127.0.0.4'), 401);
  t.equal(a.sensor.counters.get('api.auth.clients_evicted'), 1, 'a third one evicts the oldest');
  const metrics = await request(port, '/metrics', { headers: bearer(a.fx.value('reader')) });
  t.equal(sampleValue(parseExposition(metrics.body), 'tapwatch_events_total', { name: 'api.auth.clients_evicted' }), 1, 'shown on /metrics');
  // the price of the bound: the forgotten address starts a new window instead of getting 429
  t.equal(await fail('127.0.0.2'), 401, '127.0.0.2 was forgotten');
  t.equal(await fail('127.0.0.4'), 401);
  t.equal(await fail('127.0.0.4'), 429, 'a tracked address still reaches its limit');
  t.equal(a.sensor.counters.get('api.auth.clients_evicted'), 2);
});

t.test('tapwatch token rotate/add/remove take effect on a running API without a restart', async (t) => {
  const dir = t.testdir();
  const a = await startTestApi(dir);
  t.teardown(() => a.close());
  const port = a.api.address.port;
  const db = path.join(dir, 'state.db');
  const old = a.fx.value('reader');
  t.equal((await request(port, '/alerts', { headers: bearer(old) })).status, 200, 'the first token works');

  const rotated = await runCliAsync(['token', 'rotate', 'reader', '--db', db]);
  t.equal(rotated.code, 0, rotated.stderr);
  const fresh = rotated.stdout.trim();
  t.match(fresh, /^tw_[A-Za-z0-9_-]{43}$/);
  t.not(fresh, old);
  t.equal((await request(port, '/alerts', { headers: bearer(old) })).status, 401, 'the old value stops working');
  t.equal((await request(port, '/alerts', { headers: bearer(fresh) })).status, 200, 'the new value works');

  const added = await runCliAsync(['token', 'add', 'grafana', '--role', 'read', '--db', db]);
  t.equal(added.code, 0, added.stderr);
  const grafana = bearer(added.stdout.trim());
  t.equal((await request(port, '/metrics', { headers: grafana })).status, 200, 'an added token works');
  const removed = await runCliAsync(['token', 'remove', 'grafana', '--db', db]);
  t.equal(removed.code, 0, removed.stderr);
  t.equal((await request(port, '/metrics', { headers: grafana })).status, 401, 'a removed token stops working');
});

t.test('a suppression of a whole detector needs allowWide through the API too, and nothing is kept without it', async (t) => {
  const a = await startTestApi(t.testdir());
  t.teardown(() => a.close());
  // an alert with no identity, client or endpoint: suppressing it would silence the detector
  const wide = new AlertPolicy(alertingSchema.parse({ sensor: 'api-test' }), new Counters()).process(finding({ detector: 'spike', identity: undefined, client: undefined, endpoint: undefined })).alert!;
  a.store.saveAlert(wide);
  const admin = { ...json, ...bearer(a.fx.value('admin')) };
  const target = `/alerts/${encodeURIComponent(wide.id)}/feedback`;
  const refused = await request(a.api.address.port, target, { method: 'POST', headers: admin, body: JSON.stringify({ verdict: 'false-positive', suppress: true }) });
  t.equal(refused.status, 400);
  t.match(JSON.parse(refused.body), { error: /silences every alert of detector spike.*allowWide/ });
  t.same(a.store.listFeedback(), [], 'no verdict stored');
  t.same(a.audited, [], 'no audit record');
  const taken = await request(a.api.address.port, target, { method: 'POST', headers: admin, body: JSON.stringify({ verdict: 'false-positive', suppress: true, allowWide: true }) });
  t.equal(taken.status, 200);
  t.match(a.audited, [{ action: 'alert.feedback', target: wide.id, details: { allowWide: true, suppression: { detector: 'spike' } } }]);
});

t.test('GET /feeds/NAME serves the rendered gateway feeds to a read token, in dry-run by default', async (t) => {
  const a = await startTestApi(t.testdir());
  t.teardown(() => a.close());
  const now = Date.now() / 1000;
  a.response.store.upsert({ id: 'd-test-ban', action: 'ban', target: { kind: 'ip', value: '198.51.100.7' }, createdAt: now, expiresAt: now + 3600, alertId: a.alertId, detector: 'credential-stuffing', reason: 'test ban', confidence: 0.9, source: 'playbook' });
  a.response.tick(now);
  const port = a.api.address.port;
  t.equal((await request(port, '/feeds/json')).status, 401, 'no token, no feed');
  const json = await request(port, '/feeds/json', { headers: bearer(a.fx.value('reader')) });
  t.equal(json.status, 200);
  t.match(json.headers['content-type'], /json/);
  t.match(JSON.parse(json.body), { enforce: false, decisions: [{ id: 'd-test-ban', target: { value: '198.51.100.7' } }] });
  const nginx = await request(port, '/feeds/nginx', { headers: bearer(a.fx.value('reader')) });
  t.equal(nginx.status, 200);
  t.match(nginx.body, /198\.51\.100\.7\/32 "d-test-ban"/);
  t.equal((await request(port, '/feeds/nonsense', { headers: bearer(a.fx.value('reader')) })).status, 404);
});
