// `tapwatch train payload`: trains the request-payload classifier from the team data set
// (../shared/data), calibrates its threshold on the validation slice, evaluates it on the held-out
// splits and on corpora it never saw (the generator's payloads, the first-run scenario's benign API
// requests), and writes model.json, weights.bin and metadata.json. Same seed, same backend: same model.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeBackend, initBackend, type BackendChoice } from '../models/backend';
import { writeModelFiles } from '../models/model-files';
import { DEFAULT_ARCHITECTURE, type PayloadArchitecture } from '../models/payload/architecture';
import { csicPath, httpParamsPath, readCsic, readHttpParams } from '../models/payload/datasets';
import { METADATA_JSON, type PayloadMetadata } from '../models/payload/metadata';
import { shareAtOrOver } from '../models/payload/metrics';
import { defaultSharedData, SHIPPED_PAYLOAD_MODEL_DIR } from '../models/payload/paths';
import { predictScores } from '../models/payload/predict';
import { requestText, REQUEST_TEXT_VERSION } from '../models/payload/request-text';
import { DEFAULT_SPLIT, splitPayloadData } from '../models/payload/splits';
import { TOKENISER_VERSION } from '../models/payload/tokeniser';
import { calibrate, evaluateRows, fitPayloadModel } from '../models/payload/train';
import { benignApiRequests } from './payload-api-corpus';
import { firstRunBenignTexts, generatorAttacks } from './payload-eval-corpora';
import { integerAtLeast } from './option-values';
import { CliFailure } from './usage-error';

export interface TrainPayloadOptions {
  seed: string;
  out?: string;
  data?: string;
  epochs: string;
  backend: string;
  maxLen?: string;
  embedding?: string;
  filters?: string;
  firstRun: boolean;
}

const TARGET_FPR = 0.005;
const LEARNING_RATE = 0.003;
const TRAIN_BATCH = 128;
const SCORE_BATCH = 256;
const API_REQUESTS_PER_OPERATION = 50;
const GENERATOR_SEEDS = [1, 2, 3, 4, 5];
const GENERATOR_PER_CLASS = 40;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function trainPayloadCommand(opts: TrainPayloadOptions): Promise<number> {
  const seed = integerAtLeast('--seed', opts.seed, 0);
  const epochs = integerAtLeast('--epochs', opts.epochs, 1);
  const dataDir = path.resolve(opts.data ?? defaultSharedData());
  const datasets = path.join(dataDir, 'datasets');
  if (!existsSync(path.join(datasets, 'csic2010'))) throw new CliFailure(`no training data in ${datasets} (csic2010/ and HttpParamsDataset/ expected); give the team data set with --data DIR`);
  const arch: PayloadArchitecture = {
    ...DEFAULT_ARCHITECTURE,
    ...(opts.maxLen !== undefined ? { maxLen: integerAtLeast('--max-len', opts.maxLen, 16) } : {}),
    ...(opts.embedding !== undefined ? { embedding: integerAtLeast('--embedding', opts.embedding, 2) } : {}),
    ...(opts.filters !== undefined ? { filters: integerAtLeast('--filters', opts.filters, 2) } : {}),
  };
  const out = path.resolve(opts.out ?? SHIPPED_PAYLOAD_MODEL_DIR);
  // oneDNN's reordered float sums would make two runs of the same seed differ
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  const backend = await initBackend(opts.backend as BackendChoice);
  say(describeBackend(backend));

  const [normalTraining, normalTest, anomalous] = await Promise.all([readCsic(csicPath(datasets, 'normalTraining')), readCsic(csicPath(datasets, 'normalTest')), readCsic(csicPath(datasets, 'anomalous'))]);
  const httpParams = readHttpParams(httpParamsPath(datasets));
  const api = benignApiRequests(path.join(dataDir, 'openapi'), seed, API_REQUESTS_PER_OPERATION);
  const split = { ...DEFAULT_SPLIT, seed };
  const splits = splitPayloadData({ csicNormalTraining: normalTraining.requests, csicNormalTest: normalTest.requests, csicAnomalous: anomalous.requests, httpParams, apiBenign: api.requests }, split);
  say(`training rows ${splits.train.length}, validation ${splits.validation.length}; ${JSON.stringify(splits.counts)}`);

  const started = Date.now();
  const model = await fitPayloadModel(splits.train, { arch, seed, epochs, batchSize: TRAIN_BATCH, learningRate: LEARNING_RATE, onEpoch: (e, loss) => say(`epoch ${e}/${epochs}: loss ${loss.toFixed(5)} (${((Date.now() - started) / 1000).toFixed(0)} s)`) });
  const trainingSeconds = Math.round((Date.now() - started) / 100) / 10;
  const calibration = calibrate(model, splits.validation, arch.maxLen, TARGET_FPR, SCORE_BATCH);
  const { threshold } = calibration;
  say(`threshold ${threshold} (validation ${JSON.stringify(calibration.validationMetrics)})`);

  const csic = evaluateRows(model, splits.evaluation.csic, arch.maxLen, threshold, SCORE_BATCH);
  const params = evaluateRows(model, splits.evaluation.httpParams, arch.maxLen, threshold, SCORE_BATCH);
  const generated = generatorAttacks(GENERATOR_SEEDS, GENERATOR_PER_CLASS);
  const genScores = predictScores(model, generated.map((g) => requestText(g.parts)), arch.maxLen, SCORE_BATCH);
  const generatorRecall: Record<string, number> = {};
  for (const key of [...new Set(generated.map((g) => `${g.cls}/${g.where}`))].sort()) {
    generatorRecall[key] = shareAtOrOver(genScores.filter((_, i) => `${generated[i]?.cls}/${generated[i]?.where}` === key), threshold);
  }
  const trained = ['sqli', 'xss', 'traversal', 'command'];
  const generatorRecallTrainedClasses = shareAtOrOver(genScores.filter((_, i) => trained.includes(generated[i]?.cls ?? '')), threshold);
  let benignApi: { fpr: number; requests: number; transactions: number } | null = null;
  if (opts.firstRun) {
    const fr = await firstRunBenignTexts();
    benignApi = { fpr: shareAtOrOver(predictScores(model, fr.texts, arch.maxLen, SCORE_BATCH), threshold), requests: fr.texts.length, transactions: fr.transactions };
  }

  const meta: PayloadMetadata = {
    model: 'payload',
    tokeniserVersion: TOKENISER_VERSION,
    requestTextVersion: REQUEST_TEXT_VERSION,
    architecture: arch,
    threshold,
    calibration: { targetFpr: TARGET_FPR, validationRows: splits.validation.length, validationMetrics: calibration.validationMetrics },
    output: 'binary',
    seed,
    epochs,
    trainBatchSize: TRAIN_BATCH,
    backend: backend.name,
    trainingSeconds,
    trainedAt: new Date().toISOString(),
    data: {
      files: ['datasets/csic2010/normalTrafficTraining.txt.gz', 'datasets/csic2010/normalTrafficTest.txt.gz', 'datasets/csic2010/anomalousTrafficTest.txt.gz', 'datasets/HttpParamsDataset/payload_full.csv', ...api.files.map((f) => `openapi/${f}`)],
      split: { anomalousTrainShare: split.anomalousTrainShare, httpParamsTrainShare: split.httpParamsTrainShare, validationShare: split.validationShare, minPlacementsPerClass: split.minPlacementsPerClass, apiRequestsPerOperation: API_REQUESTS_PER_OPERATION },
      counts: splits.counts,
      notes: [
        'Training: CSIC normalTrafficTraining, a seeded half of anomalousTrafficTest, a seeded 70% of HttpParamsDataset per class (each value placed into benign carrier requests; small classes placed several times), benign requests made from the non-crAPI OpenAPI specs.',
        'Validation (threshold only): a seeded 10% cut from each training set before fitting.',
        'Evaluation only: CSIC normalTrafficTest, the other anomalous half, the other 30% of HttpParamsDataset.',
        'HttpParamsDataset takes its benign values from CSIC 2010, so its normal rows may overlap CSIC requests.',
      ],
    },
    metrics: {
      csicEvaluation: csic.metrics,
      httpParamsEvaluation: params.metrics,
      httpParamsRecall: Object.fromEntries(Object.entries(params.byClass).filter(([cls]) => cls !== 'norm')),
      httpParamsNormalFpr: params.byClass.norm ?? 0,
      generatorPayloadRecall: generatorRecall,
      generatorPayloadRecallTrainedClasses: generatorRecallTrainedClasses,
      generatorPayloadSeeds: GENERATOR_SEEDS,
      benignApiFpr: benignApi,
    },
  };
  writeModelFiles(model, out);
  writeFileSync(path.join(out, METADATA_JSON), `${JSON.stringify(meta, null, 2)}\n`);
  model.dispose();
  process.stdout.write(`${JSON.stringify({ out, threshold, trainingSeconds, metrics: meta.metrics }, null, 2)}\n`);
  return 0;
}

/** Adds `train payload` to the program. */
export function registerTrain(program: Command, settle: (run: Promise<number>) => void): void {
  const train = program.command('train').description('train a shipped model from the team data set');
  train
    .command('payload')
    .description('train the request-payload classifier (CSIC 2010, HttpParamsDataset, OpenAPI specs) into models/payload')
    .option('--seed <n>', 'seed of the splits, shuffles and initial weights', '14')
    .option('--out <dir>', 'where model.json, weights.bin and metadata.json go (default: the shipped models/payload)')
    .option('--data <dir>', 'the team data set (default: ../shared/data beside the package, or TAPWATCH_SHARED_DATA)')
    .option('--epochs <n>', 'passes over the training rows', '8')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', 'auto')
    .option('--max-len <n>', `characters read per request (default ${DEFAULT_ARCHITECTURE.maxLen})`)
    .option('--embedding <n>', `embedding width (default ${DEFAULT_ARCHITECTURE.embedding})`)
    .option('--filters <n>', `convolution filters (default ${DEFAULT_ARCHITECTURE.filters})`)
    .option('--no-first-run', 'skip the false-positive rate on the first-run scenario (replays its captures)')
    .action((opts: TrainPayloadOptions) => settle(trainPayloadCommand(opts)));
}
