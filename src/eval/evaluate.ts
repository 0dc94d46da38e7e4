// `tapwatch eval` without the terminal: read the labels, replay the scenario's captures through the
// product's pipeline, match the alerts to the labelled attacks and score them. Alerts are never
// sent anywhere during an evaluation: the config's webhooks and syslog destinations are dropped.
import type { TapwatchConfig } from '../config/schema';
import type { DetectorEntry } from '../detectors';
import { attributeIdentities } from './attribution';
import { loadLabels, requireReadable } from './labels-file';
import { attackTargets, DEFAULT_MATCH_OPTIONS, matchAlerts, type MatchOptions } from './matching';
import { round, scoreMatches } from './metrics';
import { readRequestIndex, DEFAULT_REQUEST_TOLERANCE_SEC } from './request-index';
import { RequestObserver } from './request-observer';
import { replayCaptures } from './replay';
import { EVAL_VERSION, type EvalReport } from './types';

export interface EvalOptions {
  readonly labelsFile: string;
  /** Captures to replay; empty or absent: the pcaps the labels list. */
  readonly files?: readonly string[];
  readonly config: Readonly<TapwatchConfig>;
  /** The state database; null (default) keeps it in memory. */
  readonly dbPath?: string | null;
  readonly match?: Partial<MatchOptions>;
  /** Seconds between a request's labelled time and its transaction's. */
  readonly requestToleranceSec?: number;
  /** Default: the product's detectors and `config.detectors`. */
  readonly detectors?: readonly DetectorEntry[];
  readonly detectorOptions?: Readonly<Record<string, unknown>>;
}

export async function evaluateScenario(opts: EvalOptions): Promise<EvalReport> {
  const loaded = loadLabels(opts.labelsFile);
  const { labels } = loaded;
  const fromLabels = opts.files === undefined || opts.files.length === 0;
  const files = fromLabels ? loaded.pcapPaths : opts.files;
  requireReadable(files, fromLabels ? `capture named by ${opts.labelsFile}:` : 'capture');
  requireReadable([loaded.requestsPath], `requests file named by ${opts.labelsFile}:`);
  const index = await readRequestIndex(loaded.requestsPath, labels, opts.requestToleranceSec ?? DEFAULT_REQUEST_TOLERANCE_SEC);
  const observer = new RequestObserver(labels, index);

  const config: Readonly<TapwatchConfig> = { ...opts.config, outputs: { ...opts.config.outputs, webhooks: [], syslog: [] } };
  const replayed = await replayCaptures({
    files,
    config,
    dbPath: opts.dbPath ?? null,
    observers: [observer.consumer],
    ...(opts.detectors !== undefined ? { detectors: opts.detectors } : {}),
    ...(opts.detectorOptions !== undefined ? { detectorOptions: opts.detectorOptions } : {}),
  });

  const attribution = attributeIdentities(observer.actorTallies(), index.counts.credentialedBenign, observer.identitySeen);
  const targets = attackTargets(labels, { byActor: attribution.byActor, byAttack: observer.identitiesByAttack() });
  const match: MatchOptions = { ...DEFAULT_MATCH_OPTIONS, ...opts.match };
  const scores = scoreMatches(matchAlerts(replayed.alerts, targets, match), targets, labels.benignRequests);

  return {
    evalVersion: EVAL_VERSION,
    scenario: {
      labels: opts.labelsFile,
      labelsVersion: labels.version,
      seed: labels.seed,
      api: labels.api,
      start: labels.start,
      end: labels.end,
      durationSec: round(labels.end - labels.start, 3),
      pcaps: [...labels.pcaps],
      actors: labels.actors.length,
      attacks: labels.attacks.length,
      attackRequests: labels.attacks.reduce((n, a) => n + a.requests, 0),
      benignRequests: labels.benignRequests,
      requestsFile: { lines: index.counts.lines, benign: index.counts.benign, attack: index.counts.attack },
    },
    replay: {
      files: [...files],
      packets: replayed.packets,
      transactions: replayed.transactions,
      measuredTransactions: observer.measuredTransactions,
      alerts: replayed.alerts.length,
      findings: replayed.alerts.reduce((n, a) => n + a.count, 0),
    },
    matching: { slackBeforeSec: match.slackBeforeSec, slackAfterSec: match.slackAfterSec, alertTime: 'firstSeen', precisionOn: 'alerts' },
    overall: scores.overall,
    attackTypes: scores.attackTypes,
    detectors: scores.detectors,
    attacks: scores.attacks,
    attribution: attribution.result,
    warnings: replayed.warnings,
  };
}
