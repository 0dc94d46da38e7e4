// The payload model in the pipeline: onTransaction builds the text of each request with parameters,
// a body or an odd path and queues it with what a finding needs (bounded: past maxQueued a request
// is dropped and counted); onTick scores the queue in batches off the hot path. Texts scored
// recently are answered from a bounded cache. A score at or over the calibrated threshold flags the
// request; an actor with enough distinct flagged requests in a window (flagged-actors.ts) gets an
// `injection` finding that says the payload model scored them and which parameter drives the score.
import type { EndpointRef, EvidenceItem, Finding } from '../../core/finding';
import type { TransactionContext } from '../../http/consumer';
import type { HttpTransaction } from '../../http/types';
import type { ModelConsumer, ModelContext } from '../index';
import type { PayloadModelConfig } from './config';
import { evidenceOf } from '../../core/evidence';
import { occlusions, payloadFactors } from './evidence';
import { hasPayload, transactionText } from './request-text';
import { FlaggedActors, type FlaggedRequest } from './flagged-actors';
import { ScoreCache, textKey } from './score-cache';
import type { PayloadScorer } from './scorer';
import { idString } from './tokeniser';

export const PAYLOAD_DETECTOR = 'injection';
const COUNTER = 'models.payload';

interface Queued {
  readonly text: string;
  readonly key: number;
  readonly ts: number;
  readonly identity: string | null;
  readonly client: string;
  readonly endpoint: EndpointRef | null;
  readonly evidence: EvidenceItem;
}

export class PayloadStage implements ModelConsumer {
  readonly name = 'models.payload';
  private queue: Queued[] = [];
  private readonly cache: ScoreCache;
  private readonly actors: FlaggedActors;

  constructor(
    private readonly options: PayloadModelConfig,
    private readonly context: Pick<ModelContext, 'report' | 'counters'>,
    private readonly scorer: PayloadScorer,
  ) {
    this.cache = new ScoreCache(options.cacheEntries);
    this.actors = new FlaggedActors(options.maxActors, options.windowSec, options.minFlaggedRequests, options.cooldownSec, () => context.counters.inc(`${COUNTER}.actors_overflow`));
  }

  get queued(): number {
    return this.queue.length;
  }

  onTransaction(tx: HttpTransaction, ctx: TransactionContext): void {
    if (!hasPayload(tx)) return;
    const { counters } = this.context;
    if (this.queue.length >= this.options.maxQueued) {
      counters.inc(`${COUNTER}.dropped`);
      return;
    }
    const text = transactionText(tx, this.options.maxBodyBytes);
    if (text === null) return;
    // ctx is reused for the next transaction: copy what the finding needs now
    // keyed on what the model reads, so texts that differ only in digits or case share one score
    this.queue.push({ text, key: textKey(idString(text, this.scorer.metadata.architecture.maxLen)), ts: tx.ts, identity: ctx.identity, client: ctx.clientIp ?? tx.clientIp, endpoint: ctx.endpoint, evidence: evidenceOf(tx, ctx) });
    counters.inc(`${COUNTER}.queued`);
  }

  onTick(): void {
    this.drain();
  }

  close(): void {
    this.drain();
  }

  /** Scores everything queued: cached texts without the model, the rest in batches. */
  drain(): void {
    if (this.queue.length === 0) return;
    const { counters } = this.context;
    const items = this.queue;
    this.queue = [];
    const scores = new Float32Array(items.length);
    const toScore: number[] = [];
    items.forEach((item, i) => {
      const cached = this.cache.get(item.key);
      if (cached === undefined) toScore.push(i);
      else {
        scores[i] = cached;
        counters.inc(`${COUNTER}.cache_hits`);
      }
    });
    const batch = this.options.batchSize;
    for (let start = 0; start < toScore.length; start += batch) {
      const slice = toScore.slice(start, start + batch);
      const out = this.scorer.score(slice.map((i) => (items[i] as Queued).text), batch);
      slice.forEach((i, j) => {
        scores[i] = out[j] as number;
        if (this.cache.set((items[i] as Queued).key, out[j] as number)) counters.inc(`${COUNTER}.cache_evictions`);
      });
      counters.inc(`${COUNTER}.batches`);
      counters.inc(`${COUNTER}.scored`, slice.length);
    }
    items.forEach((item, i) => {
      const score = scores[i] as number;
      if (score < this.scorer.threshold) return;
      counters.inc(`${COUNTER}.flagged`);
      const outcome = this.actors.add(item.identity ?? item.client, { ...item, score });
      if (outcome.kind === 'run') this.report(outcome.run);
      else if (outcome.kind === 'cooldown') counters.inc(`${COUNTER}.cooldown_suppressed`);
    });
  }

  private report(run: readonly FlaggedRequest[]): void {
    this.context.counters.inc(`${COUNTER}.findings`);
    const top = run.reduce((a, b) => (b.score > a.score ? b : a));
    const last = run[run.length - 1] as FlaggedRequest;
    const strongest = this.strongestParameter(top.text, top.score);
    const minutes = Math.max(1, Math.round((last.ts - (run[0] as FlaggedRequest).ts) / 60));
    const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
      detector: PAYLOAD_DETECTOR,
      ts: last.ts,
      score: findingScore(top.score, this.scorer.threshold),
      client: last.client,
      explanation: {
        summary: `The payload model scored ${run.length} different requests of this client over its threshold within ${minutes} min (highest ${top.score.toFixed(2)}, threshold ${this.scorer.threshold.toFixed(2)})${strongest !== null ? `, mostly for the value of ${strongest.name}` : ''}: they look like injection or traversal payloads.`,
        factors: [...payloadFactors(top.score, this.scorer.threshold, strongest), { name: 'flagged_requests', value: run.length, baseline: this.options.minFlaggedRequests }],
      },
      evidence: run.slice(-3).map((r) => r.evidence),
      suggested: { action: 'observe' },
    };
    if (last.identity !== null) finding.identity = last.identity;
    const endpoint = top.endpoint ?? last.endpoint;
    if (endpoint !== null) finding.endpoint = endpoint;
    this.context.report(finding);
  }

  /** The parameter whose value, removed, lowers the score most (one extra model call per flagged request). */
  private strongestParameter(text: string, score: number): { name: string; drop: number } | null {
    const variants = occlusions(text);
    if (variants.length === 0) return null;
    const scores = this.scorer.score(variants.map((v) => v.text), variants.length);
    let best = -1;
    scores.forEach((s, i) => {
      if (best < 0 || s < (scores[best] as number)) best = i;
    });
    return { name: (variants[best] as { name: string }).name, drop: score - (scores[best] as number) };
  }
}

/**
 * The finding's 0–1 score: 0.5 at the model's threshold up to 0.85 at a probability of 1. A
 * classifier's probability is not an analyst's certainty, so a finding of the model alone stays
 * below the critical findings of the explainable rules (whose matches name the payload class).
 */
export function findingScore(probability: number, threshold: number): number {
  const over = threshold >= 1 ? 1 : Math.max(0, Math.min(1, (probability - threshold) / (1 - threshold)));
  return Math.round((0.5 + 0.35 * over) * 1e4) / 1e4;
}
