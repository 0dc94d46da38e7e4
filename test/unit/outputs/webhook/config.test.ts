// Webhook and outbox config fragments: defaults, exactly one of secret / secretEnv, Slack takes no
// batches, Tapwatch's own headers cannot be overridden, names are unique and fit counter names; the
// factory reads a secretEnv secret and signs with it.
import t from 'tap';
import { outboxSchema, webhookDestinationSchema, webhooksSchema } from '../../../../src/outputs/webhook/config';
import { createWebhookTransport, resolveWebhookSecret, webhookRetryPolicy } from '../../../../src/outputs/webhook/create-transport';
import { makeAlert } from '../../../fixtures/outbox/alerts';
import { Receiver } from '../../../fixtures/outbox/receiver';

const minimal = { name: 'soc', url: 'https://hooks.example.com/tapwatch', secret: 'k' };

t.test('defaults', async (t) => {
  const d = webhookDestinationSchema.parse(minimal);
  t.equal(d.format, 'json');
  t.same(d.batch, { maxAlerts: 1 });
  t.same(d.headers, {});
  t.equal(d.timeoutMs, 10000);
  t.same(d.filter, { minSeverity: 'info', detectors: [], hosts: [] });
  t.same(webhookRetryPolicy(d), { initialMs: 1000, maxMs: 300000, maxRetryAfterMs: 3600000 });
  t.same(outboxSchema.parse({}), { maxBacklogPerDestination: 100000, drainTimeoutMs: 5000 });
  t.same(webhooksSchema.parse(undefined), []);
});

t.test('invalid configs say what is wrong', async (t) => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...minimal, secret: undefined }, /exactly one of secret and secretEnv/],
    [{ ...minimal, secretEnv: 'HOOK_SECRET' }, /exactly one of secret and secretEnv/],
    [{ ...minimal, format: 'slack', batch: { maxAlerts: 5 } }, /slack takes one alert per message/],
    [{ ...minimal, headers: { 'Content-Type': 'text/plain' } }, /headers may not set/],
    [{ ...minimal, headers: { 'x-tapwatch-signature': 'x' } }, /headers may not set/],
    [{ ...minimal, url: 'ftp://example.com/x' }, /http:\/\/ or https:\/\//],
    [{ ...minimal, name: 'a.b' }, /counter names/],
    [{ ...minimal, retry: { initialMs: 5000, maxMs: 1000 } }, /maxMs must be >= retry.initialMs/],
    [{ ...minimal, filter: { minSeverity: 'urgent' } }, /minSeverity|Invalid option/],
    [{ ...minimal, unknownKey: 1 }, /unknownKey|Unrecognized/],
    [{ ...minimal, secretEnv: 'not a name', secret: undefined }, /environment variable name/],
  ];
  for (const [input, message] of bad) {
    const res = webhookDestinationSchema.safeParse(input);
    t.notOk(res.success, `rejected: ${JSON.stringify(input)}`);
    if (!res.success) t.match(JSON.stringify(res.error.issues), message);
  }
  const dup = webhooksSchema.safeParse([minimal, minimal]);
  t.notOk(dup.success);
  if (!dup.success) t.match(dup.error.issues[0]?.message ?? '', /unique/);
});

t.test('secretEnv reads the environment, and says when it is missing', async (t) => {
  const d = webhookDestinationSchema.parse({ ...minimal, secret: undefined, secretEnv: 'TAPWATCH_TEST_HOOK_SECRET' });
  t.equal(resolveWebhookSecret(d, { TAPWATCH_TEST_HOOK_SECRET: 'from-env' }), 'from-env');
  t.throws(() => resolveWebhookSecret(d, {}), /TAPWATCH_TEST_HOOK_SECRET \(secretEnv\) is not set/);
  t.throws(() => createWebhookTransport(d, { TAPWATCH_TEST_HOOK_SECRET: '' }), /is not set/);
});

t.test('the factory builds a transport that signs with the configured secret', async (t) => {
  const receiver = new Receiver('from-env');
  await receiver.listen();
  t.teardown(() => receiver.close());
  const d = webhookDestinationSchema.parse({
    name: 'soc',
    url: receiver.url,
    secretEnv: 'HOOK_SECRET',
    batch: { maxAlerts: 3 },
    headers: { 'X-Team': 'soc' },
  });
  const transport = createWebhookTransport(d, { HOOK_SECRET: 'from-env' });
  t.teardown(() => transport.close());
  t.equal(transport.name, 'soc');
  t.equal(transport.maxBatch, 3);
  t.same(await transport.send([makeAlert(1), makeAlert(2)]), { kind: 'delivered' });
  t.same(receiver.requests[0]?.verified.ok, true);
  t.equal(receiver.requests[0]?.headers['x-team'], 'soc');
  t.same(receiver.requests[0]?.ids, ['alert-00001', 'alert-00002']);
});
