// Evaluates the session model (issue 14 §2, §4) on generated scenarios (`tapwatch simulate`), with
// the product's own code from dist/ (build with `npx tsc -p tsconfig.json` first): each scenario is
// replayed through the real pipeline (identities, baselines, detectors, the session model training
// and retraining online on packet time as in `run`), every scored session is recorded, and
//   - AUC of the session score per attack type: a session is positive when its identity is one the
//     attack's requests resolved to (or `ip:` one of its addresses) and it overlaps the attack; every
//     other scored session is negative (including the victims' own sessions outside the attack);
//   - the same AUC for a simple alternative, a robust z-distance (mean squared robust z of the same
//     standardised inputs against the medians and MADs of the sessions before the first model), to
//     say whether the autoencoder earns its keep;
//   - per attack, whether a `session-model` alert matched it (eval's matching: identity or IP, from
//     the attack's start to 5 min after its end) and whether any detector did; the session model's
//     false alerts per million benign requests against the detectors'.
// Sessions in their identity's learning period and those before the first model are not scored.
//
//   node bench/session-model-eval.mjs [--out FILE] [--backend auto|tensorflow|wasm|cpu] SCENARIO_DIR...
//
// Writes bench/results/session-model-<date>.json (default) and prints a summary.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => path.join(root, 'dist', p);
const req = (p) => import(dist(p)).then((m) => m.default ?? m);

const args = process.argv.slice(2);
let out = path.join(root, 'bench', 'results', `session-model-${new Date().toISOString().slice(0, 10)}.json`);
let backendChoice = 'auto';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--backend') backendChoice = args[++i];
  else dirs.push(args[i]);
}
if (dirs.length === 0) {
  process.stderr.write('usage: node bench/session-model-eval.mjs [--out FILE] [--backend auto|tensorflow|wasm|cpu] SCENARIO_DIR...\n');
  process.exit(2);
}

const { buildConfig } = await req('config/load.js');
const { loadLabels } = await req('eval/labels-file.js');
const { readRequestIndex } = await req('eval/request-index.js');
const { RequestObserver } = await req('eval/request-observer.js');
const { attributeIdentities } = await req('eval/attribution.js');
const { attackTargets, matchAlerts } = await req('eval/matching.js');
const { replayCaptures } = await req('eval/replay.js');
const { describeBackend } = await req('models/backend.js');
const { initBackend } = await req('models/backend.js');
const { sessionModel } = await req('models/session/index.js');
const { SessionModelStage } = await req('models/session/stage.js');
const { SessionInputs } = await req('models/session/inputs.js');
const { SESSION_FEATURES, normaliseVector } = await req('features/feature-schema.js');

const backend = await initBackend(backendChoice);
process.stderr.write(describeBackend(backend) + '\n');

/** ROC AUC by ranks (ties share the mean rank); null without both classes. */
function auc(pos, neg) {
  if (pos.length === 0 || neg.length === 0) return null;
  const all = [...pos.map((s) => [s, 1]), ...neg.map((s) => [s, 0])].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const mean = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += mean;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

const round = (x, d = 4) => (x === null ? null : Number(x.toFixed(d)));

/** Robust z-distance fitted on `fit` (normalised input rows). */
function robustDistance(inputs, fitRaw) {
  const rows = inputs.normalised(fitRaw);
  const med = [];
  const mad = [];
  for (let j = 0; j < inputs.size; j++) {
    const v = rows.map((r) => r[j]).sort((a, b) => a - b);
    const m = v[Math.floor(v.length / 2)];
    const d = v.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
    med.push(m);
    mad.push(Math.max(0.05, 1.4826 * d[Math.floor(d.length / 2)]));
  }
  return (raw) => {
    const [r] = inputs.normalised([raw]);
    let s = 0;
    for (let j = 0; j < inputs.size; j++) s += Math.min(100, ((r[j] - med[j]) / mad[j]) ** 2);
    return s / inputs.size;
  };
}

async function evaluate(dir) {
  const labelsFile = path.join(dir, 'labels.json');
  const loaded = loadLabels(labelsFile);
  const { labels } = loaded;
  const index = await readRequestIndex(loaded.requestsPath, labels);
  const observer = new RequestObserver(labels, index);
  // the model's own alerts on (models.session.raiseAlerts is off by default): they are what is measured
  const base = buildConfig({ models: { session: { raiseAlerts: true } } });
  const config = { ...base, outputs: { ...base.outputs, webhooks: [], syslog: [] } };
  const scored = [];
  const ended = [];
  let stage = null;
  const entry = {
    ...sessionModel,
    create(options, context) {
      stage = new SessionModelStage(options, context, context.log);
      context.features?.onSessionEnd((s) => ended.push({ identity: s.identity, start: s.start, end: s.end, vector: Float32Array.from(s.vector) }));
      stage.onScored((s, score, error, threshold) => scored.push({ identity: s.identity, start: s.start, end: s.end, score, error, threshold, vector: Float32Array.from(s.vector) }));
      return stage;
    },
  };
  const started = Date.now();
  const memBefore = process.memoryUsage().rss;
  const replayed = await replayCaptures({ files: loaded.pcapPaths, config, dbPath: null, observers: [observer.consumer], models: [entry] });
  const replaySec = (Date.now() - started) / 1000;
  const attribution = attributeIdentities(observer.actorTallies(), index.counts.credentialedBenign, observer.identitySeen);
  const targets = attackTargets(labels, { byActor: attribution.byActor, byAttack: observer.identitiesByAttack() });
  const matches = matchAlerts(replayed.alerts, targets);

  // positives per attack
  const positiveOf = (s) =>
    targets.filter((t) => s.end >= t.start && s.start <= t.end + 300 && (t.identities.includes(s.identity) || t.ips.some((ip) => s.identity === `ip:${ip}`)));
  const firstScored = scored.length === 0 ? Infinity : Math.min(...scored.map((s) => s.end));
  const inputs = new SessionInputs(SESSION_FEATURES, normaliseVector);
  const fitRaw = ended.filter((s) => s.end < firstScored).map((s) => s.vector);
  const zScore = fitRaw.length > 0 ? robustDistance(inputs, fitRaw) : () => 0;
  const labelled = scored.map((s) => ({ ...s, attacks: positiveOf(s), z: zScore(s.vector) }));
  const negatives = labelled.filter((s) => s.attacks.length === 0);
  const types = [...new Set(labels.attacks.map((a) => a.type))].sort();
  const perType = {};
  for (const type of types) {
    const pos = labelled.filter((s) => s.attacks.some((t) => t.type === type));
    perType[type] = {
      positiveSessions: pos.length,
      aucAutoencoder: round(auc(pos.map((s) => s.error), negatives.map((s) => s.error))),
      aucRobustZ: round(auc(pos.map((s) => s.z), negatives.map((s) => s.z))),
      overThreshold: pos.filter((s) => s.error >= s.threshold).length,
    };
  }
  const allPos = labelled.filter((s) => s.attacks.length > 0);
  // diagnostic: every session after the first model, learning or not, scored by the last model
  // (what the model could see if new identities were scored too; optimistic: a later model)
  const later = ended.filter((s) => s.end >= firstScored);
  const lastScores = stage?.score(later.map((s) => s.vector));
  const diag = later.map((s, i) => ({ ...s, attacks: positiveOf(s), error: lastScores?.errors[i] ?? 0, z: zScore(s.vector) }));
  const diagNeg = diag.filter((s) => s.attacks.length === 0);
  const diagnostic = { sessions: diag.length, positive: diag.length - diagNeg.length, attackTypes: {} };
  for (const type of types) {
    const pos = diag.filter((s) => s.attacks.some((t) => t.type === type));
    diagnostic.attackTypes[type] = {
      positiveSessions: pos.length,
      aucAutoencoder: round(auc(pos.map((s) => s.error), diagNeg.map((s) => s.error))),
      aucRobustZ: round(auc(pos.map((s) => s.z), diagNeg.map((s) => s.z))),
    };
  }
  const isModel = (m) => m.alert.type === 'session-model';
  const modelAlerts = matches.filter(isModel);
  const detectorAlerts = matches.filter((m) => !m.alert.type.startsWith('session-model') && m.attributable);
  const perMillion = (n) => round((n / Math.max(1, labels.benignRequests)) * 1e6, 1);
  const attacks = labels.attacks.map((a) => {
    const caughtBy = (list) => [...new Set(list.filter((m) => m.attacks.includes(a.id)).map((m) => m.alert.type))];
    const sessions = labelled.filter((s) => s.attacks.some((t) => t.id === a.id));
    return {
      id: a.id,
      type: a.type,
      intensity: a.params.intensity ?? null,
      stealth: a.params.stealth ?? null,
      variant: a.params.variant ?? null,
      requests: a.requests,
      scoredSessions: sessions.length,
      maxSessionScore: sessions.length === 0 ? null : round(Math.max(...sessions.map((s) => s.score))),
      sessionModel: caughtBy(modelAlerts).length > 0,
      detectors: caughtBy(detectorAlerts),
    };
  });
  const versions = stage?.active?.meta.version ?? 0;
  return {
    scenario: { dir, seed: labels.seed, days: round((labels.end - labels.start) / 86400, 2), actors: labels.actors.length, attacks: labels.attacks.length, benignRequests: labels.benignRequests },
    replay: { seconds: round(replaySec, 1), transactions: replayed.transactions, rssGrowthMiB: round((process.memoryUsage().rss - memBefore) / 2 ** 20, 1) },
    sessions: { ended: ended.length, scored: scored.length, positive: allPos.length, negative: negatives.length, firstScoredAt: Number.isFinite(firstScored) ? firstScored : null },
    model: { lastVersion: versions, threshold: stage?.active?.meta.calibration ? round(stage.active.meta.calibration.thresholdError, 6) : null },
    aucAll: { autoencoder: round(auc(allPos.map((s) => s.error), negatives.map((s) => s.error))), robustZ: round(auc(allPos.map((s) => s.z), negatives.map((s) => s.z))) },
    attackTypes: perType,
    diagnosticAllSessionsLastModel: diagnostic,
    alerts: {
      sessionModel: { total: modelAlerts.length, false: modelAlerts.filter((m) => m.attacks.length === 0).length, falsePerMillionBenign: perMillion(modelAlerts.filter((m) => m.attacks.length === 0).length) },
      detectors: { total: detectorAlerts.length, false: detectorAlerts.filter((m) => m.attacks.length === 0).length, falsePerMillionBenign: perMillion(detectorAlerts.filter((m) => m.attacks.length === 0).length) },
    },
    attacks,
  };
}

const results = [];
for (const dir of dirs) {
  process.stderr.write(`scenario ${dir}\n`);
  const r = await evaluate(dir);
  results.push(r);
  process.stderr.write(`  sessions ${r.sessions.scored} scored (${r.sessions.positive} in attacks); AUC autoencoder ${r.aucAll.autoencoder}, robust z ${r.aucAll.robustZ}\n`);
  for (const [type, t] of Object.entries(r.attackTypes)) process.stderr.write(`  ${type.padEnd(20)} sessions ${String(t.positiveSessions).padStart(4)}  AUC ae ${t.aucAutoencoder}  z ${t.aucRobustZ}  over threshold ${t.overThreshold}\n`);
  for (const [type, t] of Object.entries(r.diagnosticAllSessionsLastModel.attackTypes)) process.stderr.write(`  (all sessions, last model) ${type.padEnd(20)} sessions ${String(t.positiveSessions).padStart(4)}  AUC ae ${t.aucAutoencoder}  z ${t.aucRobustZ}\n`);
  process.stderr.write(`  alerts: session-model ${r.alerts.sessionModel.total} (${r.alerts.sessionModel.false} false), detectors ${r.alerts.detectors.total} (${r.alerts.detectors.false} false)\n`);
  for (const a of r.attacks) process.stderr.write(`  ${a.id.padEnd(34)} model ${a.sessionModel ? 'yes' : 'no '}  detectors ${a.detectors.join(',') || '-'}  max score ${a.maxSessionScore}\n`);
}
const doc = { bench: 'session-model-eval', date: new Date().toISOString(), backend: backend.name, node: process.version, config: buildConfig({}).models.session, results };
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
process.stderr.write(`wrote ${out}\n`);
