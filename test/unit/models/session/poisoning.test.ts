// Poisoning: an attacker whose sessions ramp up slowly towards a bulk pull across daily retrains
// does not drag the model with it: its late sessions still score over the threshold after the last
// retraining when its alerts hold it out of training; the control without guards shows the test can
// fail. The identity-share cap alone is measured too: it does not suffice (see the comment below).
import t from 'tap';
import { DAY, Gen, T0, add, bulkShape, normalSessions, openSessionStage, session, vectorOf } from './helpers';

t.test('poisoning: an attacker ramping up slowly across daily retrains still scores over the threshold at the end', async (t) => {
  // the test harness plays the alert store: an identity with a session-model finding has an open alert
  const run = async (maxIdentityShare: number, alertsFlag: boolean): Promise<number[]> => {
    const { stage, verdicts, findings } = await openSessionStage({ maxIdentityShare, minTrainingSessions: 300, maxDrift: 1, retrainIntervalSec: 100 * DAY, trainSteps: 200 });
    const g = new Gen(41);
    // eight days: 300 normal sessions a day and 120 of the attacker, each day a step closer to a full pull
    for (let day = 0; day < 8; day++) {
      const base = T0 + day * DAY;
      const normal = normalSessions(g, 300, base, 60, 240);
      const attack = Array.from({ length: 120 }, (_, i) => session('user:mallory', base + 30 + i * 600, vectorOf(bulkShape(g, day / 8))));
      add(stage, [...normal, ...attack].sort((a, b) => a.end - b.end));
      stage.onTick(base + DAY - 2);
      if (alertsFlag) for (const f of findings) if (f.identity !== undefined) verdicts.flagged.add(f.identity);
      stage.flush();
      stage.trainNow(base + DAY - 1);
    }
    const late = stage.score(Array.from({ length: 20 }, () => vectorOf(bulkShape(g, 0.9))))!;
    const threshold = stage.active!.meta.calibration.thresholdError;
    stage.dispose();
    return late.errors.map((e) => e / threshold);
  };
  const show = (r: number[]): string => r.map((x) => x.toFixed(1)).join(' ');
  const guarded = await run(0.05, true);
  t.ok(guarded.every((r) => r >= 1), `guarded: every late session over the threshold (error/threshold ${show(guarded)})`);
  // measured, not asserted: the cap alone (5% of ~4000 sessions is still 200 of the attacker's)
  // does not hold the 0.999 quantile; the open-alert exclusion is what does
  const capOnly = await run(0.05, false);
  t.comment(`identity-share cap alone, no alerts: error/threshold ${show(capOnly)}`);
  // the control: without either guard the attacker's sessions are a quarter of every training set
  const unguarded = await run(1, false);
  t.ok(unguarded.filter((r) => r < 1).length > unguarded.length / 2, `no guard: the attacker dragged the model (${show(unguarded)})`);
});
