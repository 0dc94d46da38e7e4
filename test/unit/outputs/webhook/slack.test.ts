// Slack format: one alert per message, a fallback `text` plus Block Kit blocks carrying severity,
// type, endpoint, client, the explanation summary and the recommendation; markup in alert content
// is escaped and long content cut to Slack's limits.
import t from 'tap';
import { slackMessage } from '../../../../src/outputs/webhook/slack';
import { WebhookTransport } from '../../../../src/outputs/webhook/transport';
import { makeAlert } from '../../../fixtures/outbox/alerts';
import { Receiver } from '../../../fixtures/outbox/receiver';

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

function allText(blocks: readonly Block[]): string {
  return blocks.flatMap((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]).join('\n');
}

t.test('body shape as a Slack receiver gets it', async (t) => {
  const receiver = new Receiver('k');
  await receiver.listen();
  const transport = new WebhookTransport({ name: 'slack', url: receiver.url, format: 'slack', maxBatch: 10, headers: {}, secret: 'k', timeoutMs: 2000 });
  t.teardown(async () => {
    await transport.close();
    await receiver.close();
  });
  t.equal(transport.maxBatch, 1, 'Slack gets one alert per message whatever the batch setting');
  const alert = makeAlert(4, 'high', { recommendation: { action: 'block', durationSec: 600, reason: 'stuffing from one address' } });
  t.same(await transport.send([alert]), { kind: 'delivered' });
  const body = JSON.parse(receiver.requests[0]?.body.toString('utf8') ?? '{}') as { text: string; blocks: Block[] };
  t.same(Object.keys(body).sort(), ['blocks', 'text']);
  t.equal(receiver.requests[0]?.headers['idempotency-key'], alert.id);
  t.equal(body.blocks[0]?.type, 'header');
  t.equal(body.blocks[0]?.text?.type, 'plain_text');
  t.ok(body.blocks.every((b) => ['header', 'section', 'context'].includes(b.type)));
  const text = allText(body.blocks);
  for (const needle of ['HIGH', alert.type, 'POST api.example.com/login', alert.client ?? '?', alert.explanation.summary, 'block for 600 s', 'stuffing from one address', alert.id]) {
    t.ok(text.includes(needle), `blocks mention ${needle}`);
  }
  t.match(body.text, /^\[HIGH\] credential-stuffing on POST api\.example\.com\/login from 10\.0\.0\.4: /);
  const fields = body.blocks.find((b) => b.fields)?.fields ?? [];
  t.ok(fields.length > 0 && fields.length <= 10, 'at most 10 fields');
  t.ok(fields.every((f) => f.type === 'mrkdwn'));
});

t.test('throttle recommendation names the limit', async (t) => {
  const text = allText(slackMessage(makeAlert(1)).blocks as unknown as Block[]);
  t.match(text, /throttle to 30 requests\/min — learned limit/);
});

t.test('markup is escaped and long content cut to the limits', async (t) => {
  const summary = `<!channel> a & b > c ${'x'.repeat(5000)}`;
  const msg = slackMessage(makeAlert(1, 'critical', { explanation: { summary, factors: [] }, type: 't'.repeat(400) }));
  const blocks = msg.blocks as unknown as Block[];
  const text = allText(blocks);
  t.notOk(text.includes('<!channel>'), 'no raw Slack mention');
  t.ok(text.includes('&lt;!channel&gt; a &amp; b &gt; c'));
  t.notOk(msg.text.includes('<!channel>'));
  t.ok((blocks[0]?.text?.text.length ?? 999) <= 150, 'header ≤ 150');
  for (const b of blocks) {
    if (b.text) t.ok(b.text.text.length <= 3000, `${b.type} text ≤ 3000`);
    for (const f of b.fields ?? []) t.ok(f.text.length <= 2000, 'field ≤ 2000');
  }
  t.notMatch(blocks[1]?.text?.text ?? '', /&[a-z]*…$/, 'never cut inside an entity');
});
