// The plain JSON feed and the FEEDS list: every active decision as is, sorted, with enforce and
// generatedAt; every feed leaves the expired decision out.
import t from 'tap';
import type { Decision } from '../../../../src/response/decision';
import { FEEDS } from '../../../../src/response/feeds';
import { renderJson } from '../../../../src/response/feeds/json';
import { NOW, SAMPLE, SAMPLE_ACTIVE } from './sample-decisions';

t.test('every active decision as is', async (t) => {
  const feed = JSON.parse(renderJson([...SAMPLE].reverse(), { enforce: false, now: NOW, sensor: 's1' }).text) as { enforce: boolean; generatedAt: number; decisions: Decision[] };
  t.equal(feed.enforce, false);
  t.equal(feed.generatedAt, NOW);
  t.same(feed.decisions.map((d) => d.id).sort(), SAMPLE_ACTIVE.map((d) => d.id).sort());
  t.same(feed.decisions.find((d) => d.id === 'throttle-ip-endpoint'), SAMPLE.find((d) => d.id === 'throttle-ip-endpoint'));
  const keys = feed.decisions.map((d) => `${d.target.kind} ${d.target.value}`);
  t.same(keys, [...keys].sort(), 'sorted by target');
});

t.test('FEEDS: five formats, none renders the expired decision', async (t) => {
  t.same(FEEDS.map((f) => f.name), ['nginx', 'envoy', 'kong', 'crowdsec', 'json']);
  t.equal(new Set(FEEDS.map((f) => f.render(SAMPLE, { enforce: true, now: NOW, sensor: 's' }).fileName)).size, 5, 'distinct file names');
  for (const f of FEEDS) t.notOk(f.render(SAMPLE, { enforce: true, now: NOW, sensor: 's' }).text.includes('192.0.2.99'), f.name);
});
