// The payload stage with the shipped model on the wasm backend: requests queue on the hot path and
// are scored on ticks; the queue bound drops and counts, the score cache answers repeats and evicts
// past its bound (counted); an attack payload becomes an `injection` finding that names the
// parameter, not its value; a request without parameters is not queued.
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import type { Finding } from '../../../../src/core/finding';
import { initBackend } from '../../../../src/models/backend';
import { payloadModelSchema } from '../../../../src/models/payload/config';
import { PayloadScorer } from '../../../../src/models/payload/scorer';
import { PayloadStage } from '../../../../src/models/payload/stage';
import { call, MONDAY } from '../../features/helpers';

const ATTACK = "id=1' UNION SELECT username,password FROM users--";

async function open(over: Record<string, unknown>): Promise<{ stage: PayloadStage; counters: Counters; findings: Finding[] }> {
  await initBackend('wasm');
  const counters = new Counters();
  const findings: Finding[] = [];
  const stage = new PayloadStage(payloadModelSchema.parse(over), { counters, report: (f) => findings.push(f) }, PayloadScorer.open());
  return { stage, counters, findings };
}

t.test('the queue bound drops and counts; a tick scores what was queued', async (t) => {
  const { stage, counters } = await open({ maxQueued: 5, batchSize: 2 });
  for (let i = 0; i < 8; i++) {
    const { tx, ctx } = call({ ts: MONDAY + i, path: '/api/items', query: `page=${i}` });
    stage.onTransaction(tx, ctx);
  }
  const plain = call({ ts: MONDAY, path: '/api/items/7' });
  stage.onTransaction(plain.tx, plain.ctx);
  t.equal(stage.queued, 5);
  t.equal(counters.get('models.payload.dropped'), 3);
  stage.onTick();
  t.equal(stage.queued, 0);
  t.equal(counters.get('models.payload.scored'), 5);
  t.equal(counters.get('models.payload.batches'), 3, 'five rows in batches of two');
});

t.test('the score cache answers repeats and evicts past its bound', async (t) => {
  const { stage, counters } = await open({ cacheEntries: 2 });
  const feed = (query: string): void => {
    const { tx, ctx } = call({ ts: MONDAY, path: '/api/search', query });
    stage.onTransaction(tx, ctx);
  };
  feed('q=a');
  feed('q=b');
  stage.onTick();
  feed('q=a');
  stage.onTick();
  t.equal(counters.get('models.payload.cache_hits'), 1, 'a repeat costs no model call');
  t.equal(counters.get('models.payload.scored'), 2);
  feed('q=c');
  stage.onTick();
  t.equal(counters.get('models.payload.cache_evictions'), 1, 'the third text evicts the least recently used');
  feed('q=b');
  stage.onTick();
  t.equal(counters.get('models.payload.cache_hits'), 1, 'the evicted text is scored again');
  t.equal(counters.get('models.payload.scored'), 4);
});

const ATTACKS = [ATTACK, "id=2' OR '1'='1'--", 'id=3; DROP TABLE users--'];

t.test('an actor with minFlaggedRequests different flagged requests gets one injection finding that names the parameter, never the value', async (t) => {
  const { stage, findings, counters } = await open({});
  const send = (i: number, query: string, identity = 'user:mallory'): void => {
    const c = call({ ts: MONDAY + i, path: '/api/products', query: `category=tools&${query.replace(/ /g, '+')}`, identity });
    stage.onTransaction(c.tx, c.ctx);
  };
  send(0, ATTACKS[0] as string);
  send(1, 'limit=20', 'user:alice');
  send(2, ATTACKS[0] as string);
  send(3, ATTACKS[1] as string);
  stage.onTick();
  t.equal(findings.length, 0, 'two different flagged texts (one sent twice) are not yet a finding');
  t.equal(counters.get('models.payload.flagged'), 3);
  send(4, ATTACKS[2] as string);
  stage.close();
  t.equal(findings.length, 1);
  const f = findings[0] as Finding;
  t.equal(f.detector, 'injection');
  t.equal(f.identity, 'user:mallory');
  t.equal(f.suggested?.action, 'observe');
  t.match(f.explanation.summary, /payload model scored 3 different requests/);
  t.equal(f.explanation.factors[0]?.name, 'payload_model_score');
  t.ok(Number(f.explanation.factors[0]?.value) >= Number(f.explanation.factors[0]?.baseline), 'the model score is over its threshold');
  t.ok(f.score > 0.5 && f.score <= 0.85, `a finding of the model alone scores 0.5–0.85, below the rules' critical findings (${f.score})`);
  t.same(f.explanation.factors[1] && { name: f.explanation.factors[1].name, value: f.explanation.factors[1].value }, { name: 'strongest_parameter', value: 'id' });
  t.match(f.explanation.factors.find((x) => x.name === 'flagged_requests'), { value: 3, baseline: 3 });
  t.notMatch(JSON.stringify(f), /UNION|SELECT|password|DROP/i, 'the payload never leaves in the finding');
  t.equal(f.evidence.length, 3);
  t.equal(f.evidence[0]?.target, '/api/products');
  // within the cooldown more payloads are counted, not reported again
  send(5, "id=9' AND SLEEP(5)--");
  send(6, 'id=<script>alert(1)</script>');
  send(7, 'id=../../../../etc/passwd');
  stage.close();
  t.equal(findings.length, 1, 'one finding per actor per cooldown');
  t.ok((counters.get('models.payload.cooldown_suppressed') ?? 0) >= 2, 'the flagged ones are counted as suppressed');
});

t.test('flagged requests older than the window do not add up; the actor bound forgets the oldest and counts it', async (t) => {
  const { stage, findings, counters } = await open({ windowSec: 60, maxActors: 2 });
  const send = (ts: number, query: string, identity: string): void => {
    const c = call({ ts, path: '/api/products', query: query.replace(/ /g, '+'), identity });
    stage.onTransaction(c.tx, c.ctx);
  };
  send(MONDAY, ATTACKS[0] as string, 'user:slow');
  send(MONDAY + 100, ATTACKS[1] as string, 'user:slow');
  send(MONDAY + 200, ATTACKS[2] as string, 'user:slow');
  stage.onTick();
  t.equal(findings.length, 0, 'three payloads 100 s apart never share a 60 s window');
  send(MONDAY + 300, ATTACKS[0] as string, 'user:b');
  send(MONDAY + 301, ATTACKS[0] as string, 'user:c');
  stage.onTick();
  t.equal(counters.get('models.payload.actors_overflow'), 1, 'a third actor past maxActors 2 evicts one');
});

t.test('texts the model reads the same (digits, letter case) share one cached score', async (t) => {
  const { stage, counters } = await open({});
  for (const query of ['sku=SKU-00417&qty=2', 'sku=sku-93120&qty=7', 'sku=SKU-5&qty=2']) {
    const { tx, ctx } = call({ ts: MONDAY, path: '/api/cart', query });
    stage.onTransaction(tx, ctx);
    stage.onTick();
  }
  t.equal(counters.get('models.payload.scored'), 2, 'the second differs only in digits and case; the third has fewer digits');
  t.equal(counters.get('models.payload.cache_hits'), 1);
});
