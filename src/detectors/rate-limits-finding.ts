// The finding of a minute in which one identity called one endpoint more often than the limit
// learned from its own peaks: opened when the count crosses the limit, finished when the minute
// ends (so it carries the minute's whole count), with the throttle it recommends at that limit.
import type { EndpointRef, EvidenceItem, Finding } from '../core/finding';
import { BAND_LABELS } from './rate-limits-bands';

export const DETECTOR_NAME = 'rate-limit';

/** An over-limit minute being reported. */
export interface Breach {
  readonly identity: string;
  readonly client: string;
  readonly endpoint: EndpointRef;
  /** Start of the minute. */
  readonly minuteStart: number;
  /** The limit crossed (analysts' verdicts included), its band slot, confidence, p99 peak and peak windows. */
  readonly limit: number;
  readonly slot: number;
  readonly confidence: number;
  readonly p99: number;
  readonly peaks: number;
  /** Analysts' verdicts multiplied the learned limit by this (1: none). */
  readonly factor: number;
  /** The request that crossed the limit, and the latest one of the minute. */
  readonly first: EvidenceItem;
  last: EvidenceItem | null;
}

export interface FindingRules {
  readonly margin: number;
  readonly minConfidence: number;
  readonly minLimitPerMinute: number;
}

/** How far over the limit saturates the score: 4× the limit. */
const FULL_EXCESS = 4;

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Score: 0.4 for any minute over a trusted limit, up to 0.4 more as the count reaches 4× the limit,
 * and up to 0.2 for the limit's confidence (a limit learned from weeks of peaks is surer than one day's).
 */
export function breachScore(count: number, limit: number, confidence: number): { score: number; excess: number } {
  const excess = Math.min(1, Math.max(0, (count / limit - 1) / (FULL_EXCESS - 1)));
  return { score: Math.min(1, 0.4 + 0.4 * excess + 0.2 * confidence), excess };
}

export function breachFinding(b: Breach, count: number, rules: FindingRules): Finding {
  const { score, excess } = breachScore(count, b.limit, b.confidence);
  const ep = b.endpoint;
  const where = `${ep.method} ${ep.host}${ep.template}`;
  const band = BAND_LABELS[b.slot] ?? 'all hours';
  const evidence = b.last === null ? [b.first] : [b.first, b.last];
  return {
    detector: DETECTOR_NAME,
    ts: b.minuteStart + 60,
    score,
    identity: b.identity,
    client: b.client,
    endpoint: { host: ep.host, method: ep.method, template: ep.template },
    explanation: {
      summary: `${b.identity} called ${where} ${count} times in one minute, over the limit of ${b.limit}/min learned from its own peaks on ${band} (${howLearned(b, rules)}).`,
      factors: [
        { name: 'requests_per_minute', value: count, baseline: b.limit, contribution: round((0.4 + 0.4 * excess) / score, 2) },
        { name: 'limit_confidence', value: round(b.confidence, 2), baseline: rules.minConfidence, contribution: round((0.2 * b.confidence) / score, 2) },
        { name: 'p99_ten_minute_peak_per_minute', value: count, baseline: round(b.p99) },
      ],
    },
    evidence,
    suggested: { action: 'throttle', limitPerMinute: b.limit },
  };
}

/** How the limit came about, in words: the quantile × margin, the floor, analysts' verdicts, the confidence. */
function howLearned(b: Breach, rules: FindingRules): string {
  const parts = [`p99 of its ${b.peaks} ten-minute peaks ${round(b.p99)}/min × ${rules.margin}`];
  if (Math.ceil(b.p99 * rules.margin) < rules.minLimitPerMinute) parts.push(`raised to the floor of ${rules.minLimitPerMinute}/min`);
  if (b.factor !== 1) parts.push(`× ${round(b.factor, 2)} after analysts' false-positive verdicts`);
  return `${parts.join(', ')}; confidence ${round(b.confidence, 2)}`;
}
