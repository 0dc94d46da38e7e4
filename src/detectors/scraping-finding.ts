// The finding the scraping detector reports: a score from how far the client is past each threshold,
// the factors with the peer values they were compared with and their shares of the score, a
// one-sentence summary and a throttle to the pace of a typical run on the same API.
import type { EvidenceItem, ExplanationFactor, Finding } from '../core/finding';
import type { Actor } from './scraping-actor';
import type { OwnBaseline } from './scraping-own';
import { breadthStrength, regularStrength, repollStrength, SCRAPING_WEIGHTS, scrapingScore, sustainStrength } from './peer-score';

export const DETECTOR_NAME = 'scraping';

/** What the detector measured when it decided, and the thresholds it used (already scaled by feedback). */
export interface Judgement {
  readonly ts: number;
  readonly spread: number;
  readonly spreadThreshold: number;
  readonly gap: number;
  readonly sustainedSec: number;
  readonly sustainThreshold: number;
  readonly breadthThreshold: number;
  readonly readShare: number;
  readonly minReadShare: number;
  readonly own: OwnBaseline | null;
}

const W = SCRAPING_WEIGHTS;
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function scrapingFinding(a: Actor, j: Judgement, evidence: EvidenceItem[]): Finding {
  const norm = a.norm;
  const peerSpread = norm.spreadMedian();
  const peerDistinct = norm.distinctP90();
  const peerRepeat = norm.repeatMedian();
  const repeatShare = a.requests === 0 ? 0 : a.repeats / a.requests;
  // strength of each factor: 0 at its threshold, 1 far past it
  const regular = regularStrength(j.spread, j.spreadThreshold);
  const breadth = breadthStrength(a.distinct, j.breadthThreshold);
  const sustain = sustainStrength(j.sustainedSec, j.sustainThreshold);
  const repoll = repollStrength(repeatShare, peerRepeat);
  const agent = a.agent === null ? 0 : 1;
  const score = scrapingScore({ regular, breadth, sustain, repoll, agent });
  // shares: a gate met exactly at its threshold still explains part of the finding
  const share = (w: number, s: number): number => w * (0.2 + 0.8 * s);
  const parts = [share(W.regular, regular), share(W.sustain, sustain), share(W.breadth, breadth), repoll > 0 ? share(W.repoll, repoll) : 0, agent > 0 ? W.agent : 0];
  const total = parts.reduce((x, y) => x + y, 0);
  const c = (i: number): number => round((parts[i] as number) / total, 3);
  const factors: ExplanationFactor[] = [
    { name: 'thinkTimeSpreadLog2', value: round(j.spread, 2), baseline: round(peerSpread, 2), contribution: c(0) },
    { name: 'regularForSec', value: Math.round(j.sustainedSec), baseline: Math.round(j.sustainThreshold), contribution: c(1) },
    { name: 'distinctResources', value: a.distinct, baseline: round(peerDistinct, 1), contribution: c(2) },
    { name: 'repeatShare', value: round(repeatShare, 2), baseline: round(peerRepeat, 2), contribution: c(3) },
    { name: 'thinkTimeSec', value: round(j.gap, 3), baseline: round(norm.gapMedian(), 3), contribution: 0 },
    { name: 'readShare', value: round(j.readShare, 2), baseline: j.minReadShare, contribution: 0 },
  ];
  if (a.agent !== null) factors.push({ name: 'automationUserAgent', value: a.agent, baseline: 'browser or app', contribution: c(4) });
  if (j.own !== null) factors.push({ name: 'ownTenMinuteRequests', value: Math.round(j.own.tenMinuteRequests), baseline: Math.round(j.own.tenMinuteP90), contribution: 0 });
  const minutes = Math.max(1, Math.round(j.sustainedSec / 60));
  const tool = a.agent === null ? '' : ` with the automation client ${a.agent}`;
  const summary =
    `${a.key} read ${a.distinct} distinct resources (peers' 90th percentile ${Math.round(peerDistinct)}) at a machine-regular pace for ${minutes} min` +
    ` — a request every ${round(j.gap, 2)} s, think-time spread ${round(j.spread, 2)} against peers' ${round(peerSpread, 2)} —${tool}: automated scraping.`;
  return {
    detector: DETECTOR_NAME,
    ts: j.ts,
    score: round(score, 3),
    identity: a.key,
    client: a.lastIp,
    explanation: { summary, factors },
    evidence,
    suggested: { action: 'throttle', limitPerMinute: Math.max(1, Math.ceil(norm.rateMedian())) },
  };
}
