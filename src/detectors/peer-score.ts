// How the detectors judge one client against its peers, as pure functions: a bar is a margin times
// the peers' quantile, never below a floor (spike: requests a minute; scraping: distinct resources;
// enumeration, bulk pull: the same shape), a client is past it when its value reaches it, and the
// scraping finding's score weighs how far each factor went past its bar. scraping-finding.ts scores
// with these; bench/api-behaviour-sessions.mjs needs them without an Actor (a dataset row is a
// client's figures, not its requests).

/** Weights of the scraping score's factors (they sum to 1). */
export const SCRAPING_WEIGHTS = {
  regular: 0.35,
  breadth: 0.25,
  sustain: 0.15,
  repoll: 0.15,
  agent: 0.1,
} as const;

/** Each factor's strength: 0 at its bar, 1 far past it. */
export interface ScrapingStrengths {
  readonly regular: number;
  readonly breadth: number;
  readonly sustain: number;
  readonly repoll: number;
  readonly agent: number;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A bar against the peers: `margin` times their quantile, at least `floor`, times the feedback factor. */
export function peerBar(peerQuantile: number, margin: number, floor: number, feedback = 1): number {
  return Math.max(floor, margin * peerQuantile) * feedback;
}

/** 1 for a metronome, 0 at the regularity threshold (spread of log2 think time). */
export function regularStrength(spread: number, spreadThreshold: number): number {
  return clamp01(1 - spread / spreadThreshold);
}

/** 0 at the breadth bar, 1 at eight times it. */
export function breadthStrength(distinct: number, breadthThreshold: number): number {
  return clamp01(Math.log2(distinct / breadthThreshold) / 3);
}

/** 0 at the sustain bar, 1 at four times it. */
export function sustainStrength(sustainedSec: number, sustainThreshold: number): number {
  return clamp01((sustainedSec / sustainThreshold - 1) / 3);
}

/** How far the share of re-reads is above the peers' median, over the room left above it. */
export function repollStrength(repeatShare: number, peerRepeat: number): number {
  return clamp01((repeatShare - peerRepeat) / Math.max(1 - peerRepeat, 0.05));
}

/** The scraping finding's score: 0.5 with every gate met exactly, up to 1 (unrounded). */
export function scrapingScore(s: ScrapingStrengths): number {
  const w = SCRAPING_WEIGHTS;
  return 0.5 + 0.5 * (w.regular * s.regular + w.breadth * s.breadth + w.sustain * s.sustain + w.repoll * s.repoll + w.agent * s.agent);
}

/**
 * The ratio of each value to its bar, the weakest first taken: a client is judged past its bars
 * (a finding) when it is at least 1, i.e. when every gate is met. 0 without any gate.
 */
export function weakestExcess(values: readonly number[], bars: readonly number[]): number {
  if (values.length === 0) return 0;
  let weakest = Infinity;
  for (let i = 0; i < values.length; i++) {
    const bar = bars[i] ?? Infinity;
    weakest = Math.min(weakest, (values[i] as number) / bar);
  }
  return weakest;
}
