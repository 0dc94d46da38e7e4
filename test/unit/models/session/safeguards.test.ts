// The never-ending learning's safeguards: retrained versions are kept (the last keepVersions) and
// rolled back; a retrained model whose held-back scores moved is rejected with a drift alarm
// (poisoning.test.ts: a slow attacker across retrains); flagged identities stay out of training and none fills more than maxIdentityShare; analysts' false positives raise that identity's
// threshold and let its sessions train; the queue, buffer and score bounds fire and are counted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import { SessionBuffer, selectTrainingSet, type SessionRecord } from '../../../../src/models/session/training-set';
import { VersionStore } from '../../../../src/models/session/versions';
import { DAY, Gen, T0, activeWeights, add, bulkShape, feed, normalSessions, normalShape, openSessionStage, session, tempStateDir, vectorOf } from './helpers';

t.test('versions: each training is vNNNN with metadata, the last keepVersions stay, rollback moves current and the next start loads it', async (t) => {
  const dir = tempStateDir();
  const { stage } = await openSessionStage({ keepVersions: 2, minTrainingSessions: 200, maxDrift: 1 }, dir);
  const g = new Gen(21);
  const weights: number[][] = [];
  for (let day = 0; day < 3; day++) {
    for (const s of normalSessions(g, 300, T0 + day * DAY, 60, 200)) stage.enqueue(s);
    stage.trainNow(T0 + day * DAY + 300 * 200);
    stage.flush();
    weights.push(activeWeights(stage));
  }
  stage.dispose();
  const store = new VersionStore(dir, 2);
  t.same(store.versions(), [2, 3], 'versions 2 and 3 kept, 1 removed');
  t.equal(store.current(), 3);
  const meta = store.metadata(3);
  t.equal(meta.version, 3);
  t.ok(meta.trainingSessions > 0 && meta.identities > 0 && meta.heldBack.sessions > 0, 'counts and held-back metrics recorded');
  t.equal(typeof meta.heldBack.drift, 'number', 'drift against the version it replaced');
  t.match(meta.featureSchema, /^[0-9a-f]{8}$/);
  t.ok(JSON.parse(readFileSync(path.join(dir, 'v0003', 'model.json'), 'utf8')), 'model.json beside weights.bin');

  store.setCurrent(2);
  const reopened = await openSessionStage({ keepVersions: 2 }, dir);
  t.equal(reopened.stage.active?.meta.version, 2, 'the rolled-back version is loaded at start');
  t.same(activeWeights(reopened.stage), weights[1], 'with the weights it was trained to');
  reopened.stage.dispose();
});

t.test('drift: a retrained model whose held-back scores moved beyond maxDrift is rejected, counted and reported; the old one stays', async (t) => {
  const { stage, counters, findings } = await openSessionStage({ maxBufferedSessions: 400, minTrainingSessions: 300, maxDrift: 0.2 });
  const g = new Gen(31);
  add(stage, normalSessions(g, 400, T0));
  stage.trainNow(T0 + DAY);
  t.equal(stage.active?.meta.version, 1);
  // an ordinary retrain on more of the same traffic is accepted
  add(stage, normalSessions(g, 400, T0 + DAY));
  stage.trainNow(T0 + 2 * DAY);
  t.equal(stage.active?.meta.version, 2, `same traffic: accepted (drift ${stage.active?.meta.heldBack.drift})`);
  t.ok((stage.active?.meta.heldBack.drift ?? 1) < 0.2);
  // then the whole buffer turns into heavy sessions of new identities (in their learning period, so
  // never scored or flagged: only the held-back comparison stands between them and the model)
  const shifted = Array.from({ length: 400 }, (_, i) => session(`user:b${i % 80}`, T0 + 2 * DAY + i * 60, vectorOf(bulkShape(g, 0.8), true)));
  for (const s of shifted) stage.enqueue(s);
  stage.trainNow(T0 + 3 * DAY);
  t.equal(counters.get('models.session.drift_rejected'), 1, 'drift alarm counted');
  t.equal(stage.active?.meta.version, 2, 'version 2 still scores');
  const alarm = findings.find((f) => f.detector === 'session-model.drift');
  t.ok(alarm, 'an info finding session-model.drift');
  t.ok((alarm?.score ?? 1) < 0.25, 'info severity');
  stage.dispose();
});

t.test('training set: flagged identities are left out unless forgiven, no identity fills more than maxIdentityShare, the newest clean sessions are held back', async (t) => {
  const g = new Gen(51);
  const records: SessionRecord[] = [];
  for (let i = 0; i < 1000; i++) {
    const identity = i % 2 === 0 ? 'user:heavy' : `user:u${i % 40}`;
    records.push({ identity, end: T0 + i, vector: vectorOf(normalShape(g)) });
  }
  for (let i = 0; i < 50; i++) records.push({ identity: i < 25 ? 'user:attacker' : 'user:cleared', end: T0 + 2000 + i, vector: vectorOf(normalShape(g)) });
  const sel = selectTrainingSet(records, { flagged: new Set(['user:attacker', 'user:cleared']), forgiven: new Set(['user:cleared']), maxIdentityShare: 0.1, heldBack: 100 });
  t.equal(sel.excludedFlagged, 25, 'the flagged identity left out');
  t.notOk(sel.train.some((r) => r.identity === 'user:attacker') || sel.heldBack.some((r) => r.identity === 'user:attacker'));
  t.ok(sel.train.some((r) => r.identity === 'user:cleared') || sel.heldBack.some((r) => r.identity === 'user:cleared'), 'the forgiven one stays in');
  t.equal(sel.heldBack.length, 100);
  t.ok(sel.heldBack.every((r) => r.end >= (sel.train[sel.train.length - 1]?.end ?? 0)), 'held back are the newest');
  const heavy = sel.train.filter((r) => r.identity === 'user:heavy').length;
  const candidates = 1025 - 100;
  t.equal(heavy, Math.floor(0.1 * candidates), `user:heavy capped at ${heavy} of ${candidates}`);
  t.ok(sel.capped > 0, 'capped sessions counted');
  t.ok(sel.train.filter((r) => r.identity === 'user:heavy').every((r) => r.end >= T0 + 1000 - 2 * heavy - 200), 'its most recent sessions are the ones kept');
});

t.test('flagged identities from the alert store and those the model reported stay out of the next training', async (t) => {
  const { stage, verdicts } = await openSessionStage({ minTrainingSessions: 300 });
  const g = new Gen(61);
  add(stage, normalSessions(g, 400, T0));
  stage.trainNow(T0 + DAY);
  verdicts.flagged.add('user:u1');
  feed(stage, [session('user:mallory', T0 + DAY + 10, vectorOf(bulkShape(g, 1)))]);
  stage.flush();
  feed(stage, normalSessions(g, 100, T0 + DAY + 20));
  stage.trainNow(T0 + 2 * DAY);
  const meta = stage.active!.meta;
  const u1 = 500 - 0; // every u1 session of the buffer
  t.ok(meta.excludedFlagged >= 2, `excluded ${meta.excludedFlagged} sessions of user:u1 and user:mallory (${u1} buffered)`);
  stage.dispose();
});

t.test('feedback: false positives on session-model alerts raise that identity\'s threshold (capped) and its sessions train while flagged', async (t) => {
  const { stage, verdicts } = await openSessionStage({ feedbackStepFactor: 2, feedbackMaxFactor: 4, minTrainingSessions: 300 });
  const g = new Gen(71);
  add(stage, normalSessions(g, 400, T0));
  stage.trainNow(T0 + DAY);
  const base = stage.thresholdFor('user:carol')!;
  verdicts.falsePositives.set('user:carol', 1);
  verdicts.flagged.add('user:carol');
  stage.flush();
  t.equal(stage.thresholdFor('user:carol'), base * 2, 'one verdict: ×2');
  verdicts.falsePositives.set('user:carol', 5);
  stage.flush();
  t.equal(stage.thresholdFor('user:carol'), base * 4, 'capped at ×4');
  t.equal(stage.thresholdFor('user:dave'), base, 'others unchanged');
  feed(stage, Array.from({ length: 10 }, (_, i) => session('user:carol', T0 + DAY + i * 60, vectorOf(normalShape(g)))));
  feed(stage, normalSessions(g, 200, T0 + DAY + 1000));
  stage.trainNow(T0 + 2 * DAY);
  t.equal(stage.active!.meta.feedbackLearnedFrom, 5, 'metadata counts the verdicts learned from');
  t.equal(stage.lastSelection?.train.filter((r) => r.identity === 'user:carol').length, 10, 'carol was not left out');
  stage.dispose();
});

t.test('annotate: a detector finding gains rank when the identity\'s latest session is odd, and carries the score either way', async (t) => {
  const { stage } = await openSessionStage({ minTrainingSessions: 300 });
  const g = new Gen(81);
  add(stage, normalSessions(g, 400, T0));
  stage.trainNow(T0 + DAY);
  feed(stage, [session('user:odd', T0 + DAY + 1, vectorOf(bulkShape(g, 1))), session('user:plain', T0 + DAY + 2, vectorOf({ requests: 20, recordsPerRequest: 5, thinkSec: 10, templates: 4, notFound: 0, unseenIds: 0 }))]);
  const finding = (identity: string) => ({ detector: 'bulk-pull', ts: T0 + DAY + 3, score: 0.6, identity, explanation: { summary: 'many records', factors: [] }, evidence: [] });
  const odd = stage.annotate(finding('user:odd'));
  const plain = stage.annotate(finding('user:plain'));
  const unknown = stage.annotate(finding('user:nobody'));
  t.ok(odd.score > 0.6, `odd: ${odd.score}`);
  t.equal(plain.score, 0.6, 'plain: unchanged');
  t.equal(plain.explanation.factors[0]?.name, 'session-model score', 'but carries the score');
  t.equal(unknown.explanation.factors.length, 0, 'an identity never scored is left alone');
  stage.dispose();
});

t.test('bounds: the queue drops past maxQueuedSessions, the buffer evicts past maxBufferedSessions, latest scores past maxScoredIdentities', async (t) => {
  const { stage, counters } = await openSessionStage({ maxQueuedSessions: 10, maxBufferedSessions: 300, minTrainingSessions: 300, maxScoredIdentities: 5 });
  const g = new Gen(91);
  const sessions = normalSessions(g, 15, T0);
  for (const s of sessions) stage.enqueue(s);
  t.equal(counters.get('models.session.queue.dropped'), 5, 'five dropped');
  feed(stage, normalSessions(g, 400, T0 + 100));
  t.ok(counters.get('models.session.buffer.evicted') > 0, `buffer evicted ${counters.get('models.session.buffer.evicted')}`);
  t.equal(stage.buffer.size, 300);
  stage.trainNow(T0 + DAY);
  const before = counters.get('models.session.latest_scores.evicted');
  feed(stage, Array.from({ length: 8 }, (_, i) => session(`user:n${i}`, T0 + DAY + i, vectorOf(normalShape(g)))));
  t.equal(counters.get('models.session.latest_scores.evicted') - before, 8, 'each new identity pushes out one: 8 forgotten');
  t.equal(stage.latestScore('user:n2'), null, 'the oldest first');
  t.not(stage.latestScore('user:n3'), null, 'the five newest stay');
  t.not(stage.latestScore('user:n7'), null);
  const buffer = new SessionBuffer(2, new Counters());
  ['a', 'b', 'c'].forEach((id, i) => buffer.add({ identity: id, end: i, vector: new Float32Array(1) }));
  t.same(buffer.records().map((r) => r.identity), ['b', 'c'], 'the ring keeps the newest');
  stage.dispose();
});
