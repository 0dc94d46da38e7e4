// The shipped model's metadata tells the truth: its CSIC 2010 evaluation metrics, recomputed here on a
// seeded random eighth of it (the files repeat their requests in a fixed order, so every 8th would be biased) of the same evaluation split, agree
// with metadata.json within sampling tolerance: recall and F1 ±0.02, false-positive rate ±0.005
// (about five standard errors at these sizes). Skips without ../shared/data.
import t from 'tap';
import { initBackend } from '../../../../src/models/backend';
import { csicPath, readCsic } from '../../../../src/models/payload/datasets';
import { binaryMetrics } from '../../../../src/models/payload/metrics';
import { requestText } from '../../../../src/models/payload/request-text';
import { SeededRandom } from '../../../../src/models/prng';
import { PayloadScorer } from '../../../../src/models/payload/scorer';
import { csicAnomalousEvaluation, DEFAULT_SPLIT } from '../../../../src/models/payload/splits';
import { needsSharedData, sharedData } from '../../../helpers/shared-data';

const EVERY = 8;
const SAMPLE_SEED = 2010;

t.test('CSIC evaluation metrics agree with metadata.json', { skip: needsSharedData }, async (t) => {
  await initBackend('wasm');
  const scorer = PayloadScorer.open();
  const meta = scorer.metadata;
  const [normal, anomalous] = await Promise.all([readCsic(csicPath(sharedData('datasets'), 'normalTest')), readCsic(csicPath(sharedData('datasets'), 'anomalous'))]);
  const anomEval = csicAnomalousEvaluation(anomalous.requests, { ...DEFAULT_SPLIT, seed: meta.seed });
  const rng = new SeededRandom(SAMPLE_SEED);
  const sample = [...normal.requests.map((r) => ({ r, label: 0 })), ...anomEval.map((r) => ({ r, label: 1 }))].filter(() => rng.below(EVERY) === 0);
  const scores = scorer.score(sample.map((s) => requestText(s.r)));
  const m = binaryMetrics(scores, sample.map((s) => s.label), meta.threshold);
  const shipped = meta.metrics.csicEvaluation;
  t.ok(Math.abs(m.recall - shipped.recall) <= 0.02, `recall ${m.recall} vs ${shipped.recall}`);
  t.ok(Math.abs(m.f1 - shipped.f1) <= 0.02, `F1 ${m.f1} vs ${shipped.f1}`);
  t.ok(Math.abs(m.fpr - shipped.fpr) <= 0.005, `FPR ${m.fpr} vs ${shipped.fpr}`);
  scorer.dispose();
});
