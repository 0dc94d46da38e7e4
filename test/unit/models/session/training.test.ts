// Training is deterministic for a seed, a first model appears once minTrainingSessions are in,
// calibration maps errors to scores, and every session's explanation shares sum to 1.
import t from 'tap';
import { calibrate, findingScore, scoreOf } from '../../../../src/models/session/calibration';
import { errorShares } from '../../../../src/models/session/explain';
import { sessionModelSchema } from '../../../../src/models/session/config';
import { Gen, T0, activeWeights, bulkShape, normalSessions, openSessionStage, session, sessionInputs, vectorOf } from './helpers';

t.test('the same sessions and seed train identical weights; another seed does not', async (t) => {
  const trained = async (seed: number): Promise<number[]> => {
    const { stage } = await openSessionStage({ seed });
    for (const s of normalSessions(new Gen(7), 400, T0)) stage.enqueue(s);
    t.ok(stage.trainNow(T0 + 400 * 60), 'a training ran');
    const w = activeWeights(stage);
    stage.dispose();
    return w;
  };
  const a = await trained(3);
  const b = await trained(3);
  const c = await trained(4);
  t.ok(a.length > 100, `${a.length} weights`);
  t.same(a, b, 'same seed: bit-identical weights');
  t.not(JSON.stringify(a), JSON.stringify(c), 'another seed: other weights');
});

t.test('incremental training: the first model once minTrainingSessions ended, trainStepsPerTick at a time', async (t) => {
  const { stage, counters } = await openSessionStage({ minTrainingSessions: 300, trainSteps: 100, trainStepsPerTick: 10 });
  const sessions = normalSessions(new Gen(1), 299, T0);
  for (const s of sessions) {
    stage.enqueue(s);
    stage.onTick(s.end);
  }
  t.equal(stage.active, null, 'no model with 299 sessions');
  t.notOk(stage.isTraining);
  stage.enqueue(normalSessions(new Gen(2), 1, T0 + 300 * 60)[0]!);
  let ticks = 0;
  for (let now = T0 + 300 * 60; stage.active === null && ticks < 100; now += 60, ticks++) stage.onTick(now);
  t.equal(ticks, 10, '100 steps took 10 ticks of 10 steps');
  t.equal(counters.get('models.session.trainings'), 1);
  t.equal(stage.active?.meta.trainSteps, 100);
  stage.dispose();
});

t.test('calibration: a quantile of the training errors, rising past the largest towards 1', async (t) => {
  const errors = Float64Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000);
  const cal = calibrate(errors, 0.99);
  t.ok(Math.abs(cal.thresholdError - 0.99) < 0.002, `threshold error ${cal.thresholdError}`);
  t.ok(Math.abs(scoreOf(cal, 0.5) - 0.5) < 0.01, 'the median scores 0.5');
  t.ok(Math.abs(scoreOf(cal, cal.thresholdError) - 0.99) < 0.002, 'the threshold error scores the threshold quantile');
  t.ok(scoreOf(cal, 0) <= scoreOf(cal, 0.2), 'monotone');
  const past = [1, 2, 10, 100].map((e) => scoreOf(cal, e));
  t.ok(past.every((s, i) => s < 1 && (i === 0 || s > (past[i - 1] as number))), `past the largest error: ${past.join(', ')}`);
  t.equal(findingScore(1, 1), 0.5, 'a finding at the threshold is medium');
  t.equal(findingScore(2, 1), 0.75, 'at twice the threshold high');
});

t.test('explanations: shares sum to 1 and name the features of a bulk pull first', async (t) => {
  const { stage } = await openSessionStage();
  for (const s of normalSessions(new Gen(11), 400, T0)) stage.enqueue(s);
  stage.trainNow(T0 + DAY_SEC);
  const inputs = sessionInputs();
  const pull = vectorOf(bulkShape(new Gen(5), 1));
  const scored = stage.score([pull, vectorOf({ requests: 20, recordsPerRequest: 5, thinkSec: 10, templates: 4, notFound: 0, unseenIds: 0 })]);
  t.ok(scored, 'scored');
  const shares = errorShares(inputs, scored!.squared.subarray(0, inputs.size), pull, stage.active!.meta.medians);
  const sum = shares.reduce((a, s) => a + s.share, 0);
  t.ok(Math.abs(sum - 1) < 1e-6, `shares sum to ${sum}`);
  t.ok(scored!.scores[0]! > 0.999 && scored!.scores[1]! < 0.99, `bulk pull ${scored!.scores[0]}, ordinary session ${scored!.scores[1]}`);
  const top3 = shares.slice(0, 3).map((s) => s.name);
  t.ok(top3.some((n) => ['records', 'bytes', 'requests', 'requests_per_min', 'unseen_id_ratio', 'think_time_s'].includes(n)), `top features ${top3.join(', ')}`);
  stage.dispose();
});

t.test('a session scoring over the threshold is a session-model finding with its explanation; learning sessions are not scored', async (t) => {
  const { stage, findings, counters } = await openSessionStage();
  for (const s of normalSessions(new Gen(12), 400, T0)) stage.enqueue(s);
  stage.trainNow(T0 + DAY_SEC);
  const end = T0 + DAY_SEC + 60;
  stage.enqueue(session('user:mallory', end, vectorOf(bulkShape(new Gen(6), 1))));
  stage.enqueue(session('user:newbie', end, vectorOf(bulkShape(new Gen(6), 1), true)));
  stage.onTick(end);
  const mine = findings.filter((f) => f.detector === 'session-model');
  t.equal(mine.length, 1, 'one finding');
  t.equal(mine[0]?.identity, 'user:mallory');
  t.ok(mine[0]!.explanation.factors.length >= 5, 'with factors');
  t.equal(counters.get('models.session.skipped_learning'), 1, 'the learning session was not scored');
  t.equal(stage.latestScore('user:newbie'), null);
  stage.dispose();
});

const DAY_SEC = 86_400;

t.test('no tensor leaks: scoring ticks and a retrain leave the same tensors behind once the old model is written', async (t) => {
  const tf = await import('@tensorflow/tfjs-core');
  const { stage } = await openSessionStage({ minTrainingSessions: 300 });
  const g = new Gen(13);
  for (const s of normalSessions(g, 400, T0)) stage.enqueue(s);
  stage.trainNow(T0 + DAY_SEC);
  stage.flush();
  const after1 = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) {
    for (const s of normalSessions(g, 5, T0 + DAY_SEC + i * 600)) stage.enqueue(s);
    stage.onTick(T0 + DAY_SEC + i * 600 + 300);
  }
  stage.trainNow(T0 + 2 * DAY_SEC);
  stage.flush();
  t.equal(stage.active?.meta.version, 2, 'retrained');
  t.equal(tf.memory().numTensors, after1, `${after1} tensors before and after 50 scoring ticks and a retrain`);
  stage.dispose();
});

t.test('by default a session over the threshold raises no alert of its own: it is counted and still annotates', async (t) => {
  t.equal(sessionModelSchema.parse({}).raiseAlerts, false, 'off unless configured');
  const { stage, findings, counters } = await openSessionStage({ raiseAlerts: false });
  for (const s of normalSessions(new Gen(12), 400, T0)) stage.enqueue(s);
  stage.trainNow(T0 + 86_400);
  const end = T0 + 86_400 + 60;
  stage.enqueue(session('user:mallory', end, vectorOf(bulkShape(new Gen(6), 1))));
  stage.onTick(end);
  t.equal(findings.filter((f) => f.detector === 'session-model').length, 0, 'no session-model finding');
  t.equal(counters.get('models.session.over_threshold'), 1, 'the session it would report is counted');
  const annotated = stage.annotate({ detector: 'bulk-pull', ts: end, score: 0.6, identity: 'user:mallory', explanation: { summary: 's', factors: [] }, evidence: [] });
  t.ok(annotated.score > 0.6, `a detector finding on that identity ranks higher (${annotated.score})`);
  stage.dispose();
});
