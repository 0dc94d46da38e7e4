// Plain JSON feed: every decision in force, as is, with the feed's mode and render time, for
// gateways and scripts no other feed fits.
import type { Decision, FeedFormat, FeedRenderOptions, RenderedFeed } from '../decision';
import { activeDecisions } from './common';

export interface JsonFeed {
  sensor: string;
  enforce: boolean;
  generatedAt: number;
  decisions: Decision[];
}

export function renderJson(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed {
  const feed: JsonFeed = { sensor: opts.sensor, enforce: opts.enforce, generatedAt: opts.now, decisions: activeDecisions(decisions, opts.now) };
  return { fileName: 'tapwatch-decisions.json', contentType: 'application/json', text: `${JSON.stringify(feed, null, 2)}\n` };
}

export const jsonFeed: FeedFormat = { name: 'json', render: renderJson };
