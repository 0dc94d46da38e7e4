// The models' wiring in the pipeline: without an initialised TF.js backend the configured models are
// skipped, counted and logged once; with one, a model is created with its context (state directory
// beside the database, the session schema) and the detectors' findings pass through its annotate.
import t from 'tap';
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { buildConfig } from '../../../../src/config/load';
import type { Finding } from '../../../../src/core/finding';
import { Sensor } from '../../../../src/daemon/sensor';
import { C_MODELS_NO_BACKEND, openPipeline } from '../../../../src/daemon/pipeline';
import type { DetectorEntry } from '../../../../src/detectors';
import { initBackend } from '../../../../src/models/backend';
import type { ModelContext, ModelEntry } from '../../../../src/models/index';
import { sessionModelSchema, type SessionModelConfig } from '../../../../src/models/session/config';

t.test('no backend: models skipped with a counter and one log line; with one, created with their context and annotating', async (t) => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const config = buildConfig({});
  let created: ModelContext | null = null;
  const annotated: string[] = [];
  const probe: ModelEntry<SessionModelConfig> = {
    key: 'session',
    description: 'Records its context and marks the findings it annotates.',
    schema: sessionModelSchema,
    create(_options, context) {
      created = context;
      return { name: 'probe-model', onTransaction() {}, annotate: (f: Finding) => (annotated.push(f.detector), { ...f, score: 0.42 }) };
    },
  };
  let detectorReport: ((f: Finding) => void) | null = null;
  const detector: DetectorEntry<object> = {
    key: 'probe',
    description: 'Hands out its report sink.',
    schema: z.object({}),
    create(_o, c) {
      detectorReport = c.report;
      return { name: 'probe', onTransaction() {} };
    },
  };

  const sensor = new Sensor(config);
  const first = openPipeline(config, sensor, { dbPath: null, log, hooks: {}, models: [probe], detectors: [detector] });
  t.equal(sensor.counters.get(C_MODELS_NO_BACKEND), 1, 'counted');
  t.equal(lines.filter((l) => l.includes('TF.js models skipped (session)')).length, 1, 'one log line');
  t.equal(created, null, 'no model created');
  await first.close(1, 100);

  await initBackend('auto');
  const dir = t.testdir();
  const sensor2 = new Sensor(config);
  const alerts: string[] = [];
  const second = openPipeline(config, sensor2, { dbPath: path.join(dir, 'state.db'), log, hooks: { onAlert: (a) => alerts.push(`${a.type} ${a.score}`) }, models: [probe], detectors: [detector] });
  const ctx = created as ModelContext | null;
  t.equal(ctx?.stateDir, path.join(dir, 'models', 'session'), 'state directory beside the database');
  t.equal(ctx?.sessionSchema.features.length, 19, 'the session schema handed over');
  t.same([...(ctx?.flagged(10) ?? ['x'])], [], 'no open alerts yet');
  (detectorReport as ((f: Finding) => void) | null)?.({ detector: 'probe', ts: 1_700_000_000, score: 0.9, identity: 'user:a', explanation: { summary: 's', factors: [] }, evidence: [] });
  t.same(annotated, ['probe'], "the detector's finding went through annotate");
  await second.close(1_700_000_100, 100);
  t.match(alerts.join(), /probe 0\.42/, 'and reached the alert stage as annotated');
});
