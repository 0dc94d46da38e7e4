// Scraping / automation (issue 13, detector 5): a client reading many distinct resources at a
// machine-regular pace, sustained — judged against the runs of the other clients of the same API
// (a peer norm learned from traffic, scraping-peers.ts), not against fixed rates. Per client
// (identity) it follows the current run of requests (scraping-actor.ts): the spread of log2 think
// time over its last gaps (a script is a metronome, people spread over octaves), for how long the
// pace has stayed regular, how many distinct resources it read, mostly with GETs, how often it asked
// again for one it had read, and its user agent (an automation client is one weak factor). All of
// regular, sustained, reading and broad must hold: a single-page app polling one endpoint is regular
// but narrow; a person browsing fast is broad but irregular; a service integration that is regular
// and broad by nature is left alone while its own identity baseline covers what it does (scraping-own.ts).
import { z } from 'zod';
import type { EvidenceItem } from '../core/finding';
import type { IdentityBaseline } from '../features/types';
import type { TransactionConsumer } from '../http/consumer';
import { evidenceOf, keepEvidence } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';
import { fnv1a } from '../core/hashing';
import { BoundedTable } from '../core/bounded-table';
import { Actor } from './scraping-actor';
import { automationAgent } from './scraping-agents';
import { DETECTOR_NAME, scrapingFinding } from './scraping-finding';
import { ownBaseline } from './scraping-own';
import { PeerNorm, PeerNorms } from './scraping-peers';

/** An actor whose last request is this recent (packet seconds) gets a second chance at eviction. */
const RECENT_SEC = 60;

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect scraping and automated reading (regular, sustained, broad reads) against the peer norm of the API.'),
    regularityRatio: z
      .number()
      .positive()
      .max(1)
      .default(0.25)
      .describe("A client's pace is regular when the spread (standard deviation) of its log2 think time over its last gaps is at most this share of the peers' median spread."),
    minGaps: z.number().int().min(4).max(32).default(16).describe('Gaps of a run before its regularity is judged (the window holds the last 32).'),
    minPeerGaps: z
      .number()
      .int()
      .min(2)
      .max(32)
      .default(8)
      .describe('Gaps a finished run needs to enter the peer norm (shorter runs say too little about think time).'),
    checkEvery: z.number().int().min(1).default(8).describe('Requests of a client between two judgements of its run (keeps the per-request cost O(1)).'),
    minSustainSec: z.number().min(0).default(600).describe('Packet-time seconds the pace must stay regular before a finding: scraping is sustained, a burst is not.'),
    breadthRatio: z
      .number()
      .positive()
      .default(1.5)
      .describe("Distinct resources (paths) a run must read, as a multiple of the peers' 90th percentile per run."),
    minDistinctResources: z.number().int().min(1).default(20).describe('Fewest distinct resources that count as broad, whatever the peers read (an API with few resources).'),
    minReadShare: z.number().min(0).max(1).default(0.8).describe('Share of GET/HEAD requests in the run: scraping reads.'),
    runIdleSec: z.number().min(1).default(1800).describe('An idle gap longer than this ends a client\'s run (its figures then join the peer norm).'),
    minPeerRuns: z
      .number()
      .int()
      .min(2)
      .default(10)
      .describe('Finished runs on the host, half of them not machine-regular, before any client there is judged (the peer norm is learning until then).'),
    maxPeerRuns: z.number().int().min(10).default(5000).describe('Runs the peer norm holds before older ones weigh half (it follows the traffic).'),
    ownCadenceShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("An identity out of its learning period is its own normal when at least this share of its learned think times lies within about a factor of two of the current pace ..."),
    ownRateMargin: z.number().min(1).default(1.5).describe('... and its current 10-minute requests are within this multiple of its own 90th-percentile 10-minute window.'),
    ownMinWindows: z.number().int().min(1).default(6).describe('Completed 10-minute windows the identity needs before its own baseline can clear it.'),
    cooldownSec: z
      .number()
      .min(0)
      .default(1800)
      .describe("Packet-time seconds between two findings about one client (half the alert stage's default dedupe window, so a scrape that goes on folds into one alert)."),
    maxActors: z
      .number()
      .int()
      .min(1)
      .default(20000)
      .describe('Clients followed (about 600 bytes each); beyond, the least recently active is forgotten (detectors.scraping.actors_evicted).'),
    maxHosts: z.number().int().min(1).default(64).describe('API hosts with their own peer norm; runs on further hosts share one (detectors.scraping.hosts_overflow).'),
    maxEvidence: z.number().int().min(1).max(10).default(4).describe('Evidence items per finding.'),
  })
  .strict();

type Options = z.infer<typeof schema>;

function create(options: Options, { report, counters, features, feedback }: DetectorContext): TransactionConsumer {
  const peers = new PeerNorms(
    options.maxHosts,
    () => new PeerNorm(options.maxPeerRuns, options.minPeerRuns, options.regularityRatio),
    () => counters.inc('detectors.scraping.hosts_overflow'),
  );
  /** Map order is recency: a touched client moves to the end, the first is the least recently active. */
  const actors = new BoundedTable<Actor>(
    options.maxActors,
    (_key, a) => {
      finishRun(a);
      counters.inc('detectors.scraping.actors_evicted');
    },
    RECENT_SEC,
  );
  let lastSweep = -Infinity;

  /** The run's figures join the peer norm, once (a swept run is not counted again when its client returns). */
  function finishRun(a: Actor): void {
    const s = a.sample(options.minPeerGaps);
    if (s !== null) a.norm.add(s);
    a.gapCount = 0;
    a.ringCount = 0;
  }

  function judge(a: Actor, id: IdentityBaseline, ts: number, evidence: () => EvidenceItem): void {
    if (features === null) return;
    const spread = a.windowSpread();
    if (spread < a.minSpread) a.minSpread = spread;
    const norm = a.norm;
    if (!norm.ready()) return;
    const factor = feedback.factor(DETECTOR_NAME, a.key, null);
    const spreadThreshold = (options.regularityRatio * norm.spreadMedian()) / factor;
    if (spread > spreadThreshold) {
      a.regularSince = -1;
      return;
    }
    if (a.regularSince < 0) {
      a.regularSince = ts - a.windowSpan();
      a.evidence = [];
    }
    // the first requests of the regular stretch, then the latest one
    keepEvidence(a.evidence, evidence(), options.maxEvidence);
    const sustainedSec = ts - a.regularSince;
    const sustainThreshold = options.minSustainSec * factor;
    if (sustainedSec < sustainThreshold) return;
    const readShare = a.reads / a.requests;
    if (readShare < options.minReadShare) return;
    const breadthThreshold = Math.max(options.minDistinctResources, options.breadthRatio * norm.distinctP90()) * factor;
    if (a.distinct < breadthThreshold) return;
    if (ts - a.lastReported < options.cooldownSec) return;
    const gap = a.windowGap();
    const scored = features.scored(id, ts);
    const own = scored
      ? ownBaseline(features, id, ts, gap, { cadenceShare: options.ownCadenceShare, rateMargin: options.ownRateMargin, minWindows: options.ownMinWindows })
      : null;
    if (own?.holds === true) {
      if (!a.cleared) counters.inc('detectors.scraping.own_baseline_cleared');
      a.cleared = true;
      return;
    }
    a.lastReported = ts;
    counters.inc('detectors.scraping.findings');
    const items = a.evidence.slice();
    report(
      scrapingFinding(a, { ts, spread, spreadThreshold, gap, sustainedSec, sustainThreshold, breadthThreshold, readShare, minReadShare: options.minReadShare, own }, items),
    );
  }

  return {
    name: DETECTOR_NAME,
    onTransaction(tx, ctx) {
      if (features === null || !options.enabled) return;
      const id = features.current.identity;
      // an identity's first request has no baseline yet (admission); its second starts the run
      if (id === null) return;
      const ts = tx.ts;
      const host = ctx.endpoint?.host ?? tx.host ?? tx.serverIp;
      let a = actors.get(id.key);
      if (a === undefined) {
        a = new Actor(id.key, ts, host, peers.of(host));
        actors.insert(id.key, a, ts);
      } else if (ts - a.last > options.runIdleSec) {
        finishRun(a);
        a.reset(ts, host, a.host === host ? a.norm : peers.of(host));
      } else a.addGap(ts - a.last);
      if (ts > a.last) a.last = ts;
      a.requests++;
      const method = tx.method;
      if (method === 'GET' || method === 'HEAD') a.reads++;
      // the path names the resource; query strings are left out (cache busters would make every poll new)
      if (!a.noteResource(fnv1a(tx.path ?? tx.uri ?? ''))) counters.inc('detectors.scraping.filter_saturated');
      const ua = tx.userAgent;
      if (ua !== a.lastUa) {
        a.lastUa = ua;
        a.lastUaAgent = automationAgent(ua);
      }
      if (a.agent === null && a.lastUaAgent !== null) a.agent = a.lastUaAgent;
      a.lastIp = ctx.clientIp ?? tx.clientIp;
      if (a.ringCount >= options.minGaps && a.requests % options.checkEvery === 0) {
        judge(a, id, ts, () => evidenceOf(tx, ctx, `think time ${Math.round(a.windowGap() * 1000) / 1000} s`));
      }
    },
    onTick(now) {
      // runs idle for longer than runIdleSec end on packet time, so the peer norm learns without waiting for the client's next request
      if (now - lastSweep < options.runIdleSec / 4) return;
      lastSweep = now;
      for (const [key, a] of actors.entries()) {
        if (now - a.last <= options.runIdleSec) continue;
        finishRun(a);
        // nothing left to remember once its cooldown is over: the next request starts afresh
        if (now - a.lastReported >= options.cooldownSec) actors.delete(key);
      }
    },
  };
}

export const scraping: DetectorEntry<Options> = {
  key: 'scraping',
  description: 'Scraping and automation: sustained machine-regular reading over many resources, judged against human sessions and the client\'s own baseline.',
  schema,
  create,
};
