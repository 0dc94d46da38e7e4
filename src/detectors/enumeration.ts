// Enumeration / BOLA (issue 13, detector 4): one identity walking object ids on one endpoint
// template. Per (identity, template) it counts, over a sliding window, the distinct ids asked for,
// the 403/404 share of those calls, the ids never shown to the identity in a response (APIClarity's
// rule, judged against the features stage's filter of ids shown), and the sequential run in progress
// (each id a small step on from the last, in one direction). It reports when the identity walks more
// distinct ids than the floor, its peers on that template and (once past learning) its own history
// allow, and the walk is backed by a high 403/404 share or by ids never shown to it; or when a
// sequential run of unshown ids outgrows the same bars. A support role reading many records with
// 200s, from ids it was shown (list → detail), a user paging its own list (offset/page are not ids)
// and a client retrying one missing id (one distinct id) stay silent. The spread form (the walk
// coming from many IPs) raises the score. The absolute floors are the baseline-free part (the
// evidence of a walk needs no history); peers and own history only ever raise the bars.
import { z } from 'zod';
import type { H_DISTINCT } from '../features/metrics';
import type { PairBaseline } from '../features/types';
import type { TransactionConsumer } from '../http/consumer';
import { enumerationFinding } from './enumeration-finding';
import { idHash, numericId, pathId, queryId, textHash, type IdRange } from './enumeration-ids';
import { ringQuantile } from './enumeration-peers';
import { TrackTable, type Track } from './enumeration-track';
import type { DetectorContext, DetectorEntry } from './index';

const count = (min: number) => z.number().int().min(min);
const share = z.number().min(0).max(1);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect one identity walking object ids on one endpoint template (enumeration, BOLA).'),
    windowSec: z.number().min(60).default(3600).describe('Packet-time seconds of the sliding window the distinct ids, 403/404 and unseen shares are counted over.'),
    minDistinctIds: count(1)
      .default(50)
      .describe('Floor of distinct ids one identity asks for on one template within the window before the walk counts (peers and own history may raise it).'),
    minErrorShare: share.default(0.15).describe('403/404 share of the window\'s id calls that backs a walk (at least peerErrorMargin × the peers\' share on the template).'),
    peerErrorMargin: z.number().min(1).default(3).describe('The 403/404 share must be at least this many times the share the other callers of the template get.'),
    minErrors: count(1).default(10).describe('403/404 answers within the window at least, for the share to count.'),
    minUnseenShare: share
      .default(0.5)
      .describe('Share of judged id calls asking for ids never shown to the identity in a response that backs a walk (and marks a sequential run as guessed).'),
    minJudged: count(1).default(10).describe('Id calls judged against the ids shown to the identity at least, for the unseen share to count.'),
    unseenWalkFactor: z
      .number()
      .min(1)
      .default(2)
      .describe('A walk backed only by unseen ids (200s, no run) must reach this multiple of the distinct-id bar: support roles read records they were not listed.'),
    minRun: count(2).default(20).describe('Floor of a sequential run (consecutive calls each a small step on from the last id, one direction) that is reported.'),
    maxStep: count(1).default(4).describe('Largest difference between consecutive numeric ids that continues a run.'),
    runGapSec: z.number().min(1).default(6 * 3600).describe('A pause longer than this ends a run; a track idle for longer (and twice the window, and the cooldown) is forgotten.'),
    peerQuantile: share.default(0.95).describe('Quantile of the peers\' samples on the template (distinct ids per window, completed runs) taken as their usual high.'),
    peerMargin: z.number().min(1).default(2).describe('The bars are at least this multiple of the peers\' quantile.'),
    minPeerSamples: count(1).default(10).describe('Peer samples a template needs before they are used.'),
    ownMargin: z.number().min(1).default(1.5).describe('Once the identity is past learning, the distinct-id bar is at least this multiple of its own busiest past window on the template.'),
    ownRunMargin: z.number().min(1).default(2).describe('Once past learning, the run bar is at least this multiple of its own longest completed run on the template.'),
    historyWindows: count(1).max(64).default(8).describe('Past windows of its own kept per (identity, template).'),
    peerSamples: count(8).max(256).default(64).describe('Peer samples kept per template (each kind).'),
    cooldownSec: z.number().min(0).default(3600).describe('At most one finding per identity within this many packet-time seconds.'),
    blockScore: share.default(0.8).describe('Score from which the suggested response is block (below: throttle at the distinct-id bar\'s rate).'),
    maxTracks: count(1)
      .default(20000)
      .describe('(identity, template) pairs followed (about 0.5 KB each); beyond, new ones are counted (detectors.enumeration.tracks_overflow), not kept.'),
    maxEndpoints: count(1)
      .default(10000)
      .describe('Templates with peer samples; beyond, calls to new ones are counted (detectors.enumeration.endpoints_overflow), not judged.'),
    maxEvidence: count(1).max(20).default(5).describe('Calls attached to a finding as evidence.'),
  })
  .strict();
type Options = z.infer<typeof schema>;

/** Packet-time seconds between sweeps of idle tracks (a tenth of an hour: idle means hours). */
const SWEEP_EVERY_SEC = 600;
/** The pair history's column of distinct ids per hour (metrics.ts; a detector may import only its type, which pins the value). */
const PAIR_HOUR_DISTINCT: typeof H_DISTINCT = 3;

/** The busiest past hour of the pair in distinct path ids (the features stage's history, kept across restarts). */
function pairDistinctHigh(pair: PairBaseline | null): number {
  if (pair === null) return 0;
  const h = pair.hourHistory;
  let m = 0;
  for (let i = 0; i < h.count; i++) m = Math.max(m, h.values[i * h.width + PAIR_HOUR_DISTINCT] as number);
  return m;
}
/** Packet-time seconds a track's bars are reused before they are worked out again. */
const BARS_REFRESH_SEC = 60;

function create(o: Options, { report, counters, features, feedback }: DetectorContext): TransactionConsumer {
  const table = new TrackTable({ maxTracks: o.maxTracks, maxEndpoints: o.maxEndpoints, peerSamples: o.peerSamples, historySize: o.historyWindows });
  const idleSec = Math.max(o.runGapSec, 2 * o.windowSec, o.cooldownSec);
  const id: IdRange = { text: '', start: 0, end: 0 };
  let lastSweep = -Infinity;

  /** The bars for this track now, and whether the walk or the run is worth a finding. */
  function judge(track: Track, identity: string, client: string, ts: number): void {
    if (features === null) return;
    const info = track.info;
    const bars = track.bars;
    if (ts - bars.ts >= BARS_REFRESH_SEC) refreshBars(track, identity, ts);
    const { distinct: distinctBar, run: runBar, errorShare: errorShareBar } = bars;
    const fb = bars.feedback;

    const w = o.windowSec;
    const distinct = track.distinct(ts, w);
    const calls = track.sliding('calls', ts, w);
    const errors = track.sliding('errors', ts, w);
    const judged = track.sliding('judged', ts, w);
    const unseen = track.sliding('unseen', ts, w);
    const errorsBack = errors >= o.minErrors * fb && errors >= errorShareBar * calls;
    const unseenBack = judged >= o.minJudged && unseen >= o.minUnseenShare * judged;
    // a run over ids the identity was shown is a list read in order, not a guess
    const runShown = track.runJudged * 2 >= track.runLen && track.runUnseen < o.minUnseenShare * track.runJudged;
    // once reported, the same walk or run is reported again only when it has doubled
    const runFires = track.runLen >= Math.max(runBar, 2 * track.reportedRun) && !runShown;
    const walkBar = Math.max(distinctBar, 2 * track.reportedDistinct);
    const walkFires = distinct >= walkBar && (errorsBack || (unseenBack && distinct >= walkBar * o.unseenWalkFactor));
    if (!runFires && !walkFires) return;

    track.actor.lastReport = ts;
    track.reported = true;
    track.reportedRun = track.runLen;
    track.reportedDistinct = distinct;
    counters.inc('detectors.enumeration.findings');
    report(
      enumerationFinding(
        {
          identity,
          client,
          endpoint: info.ref,
          ts,
          windowSec: w,
          distinct,
          distinctBar,
          calls,
          errors,
          errorShareBar,
          minErrors: o.minErrors * fb,
          judged,
          unseen,
          minJudged: o.minJudged,
          unseenShareBar: o.minUnseenShare,
          run: track.runLen,
          runBar,
          clientIps: track.clientIps(),
          knownIps: knownIpsBefore(track.windowStart - w),
          blockScore: o.blockScore,
        },
        track.evidence,
        o.maxEvidence,
      ),
    );
  }

  /**
   * The bars of the track: the floors, raised by its peers on the template and (once the identity is
   * past learning) by its own history, times the analysts' feedback factor. Sorting the peer rings
   * costs, so they are refreshed at most every BARS_REFRESH_SEC of packet time per track.
   */
  function refreshBars(track: Track, identity: string, ts: number): void {
    if (features === null) return;
    const info = track.info;
    const me = features.current.identity;
    const past = me !== null && features.scored(me, ts);
    const fb = feedback.factor('enumeration', identity, info.ref);
    const enoughPeers = (n: number): boolean => n >= o.minPeerSamples;
    const peerDistinct = enoughPeers(info.peerDistinct.count) ? ringQuantile(info.peerDistinct, o.peerQuantile) * o.peerMargin : 0;
    const peerRun = enoughPeers(info.peerRuns.count) ? ringQuantile(info.peerRuns, o.peerQuantile) * o.peerMargin : 0;
    const peerCalls = info.calls - track.lifeCalls;
    const peerErrorShare = peerCalls >= o.minPeerSamples ? (info.errors - track.lifeErrors) / peerCalls : 0;
    const bars = track.bars;
    bars.ts = ts;
    bars.feedback = fb;
    const ownDistinct = past ? Math.max(track.history.max(), pairDistinctHigh(features.current.pair)) * o.ownMargin : 0;
    bars.distinct = Math.max(o.minDistinctIds, peerDistinct, ownDistinct) * fb;
    bars.run = Math.max(o.minRun, peerRun, past ? track.bestRun * o.ownRunMargin : 0) * fb;
    bars.errorShare = Math.min(0.9, Math.max(o.minErrorShare, peerErrorShare * o.peerErrorMargin));
  }

  /** The identity's client IPs first seen before `since` (its usual sources). */
  function knownIpsBefore(since: number): number {
    const me = features?.current.identity ?? null;
    if (me === null) return 0;
    let n = 0;
    for (const e of me.ips.entries) if (e.first < since) n++;
    return n;
  }

  return {
    name: 'enumeration',
    onTransaction(tx, ctx) {
      if (features === null || !o.enabled) return;
      const ref = ctx.endpoint;
      const identity = ctx.identity;
      if (ref === null || identity === null || tx.method === 'OPTIONS') return;
      const info = table.endpoint(ref);
      if (info === null) {
        counters.inc('detectors.enumeration.endpoints_overflow');
        return;
      }
      const path = tx.path;
      const query = tx.query;
      if (!((path !== null && pathId(path, info.param, id)) || (query !== null && queryId(query, id)))) return;
      // a key's first request has no baseline yet (identity admission): single-use tokens would each
      // take a track, so a walk is tracked from an identity's second request
      if (features.current.identity === null) return;
      const ts = tx.ts;
      const track = table.track(identity, info, ts);
      if (track === null) {
        counters.inc('detectors.enumeration.tracks_overflow');
        return;
      }
      track.roll(ts, o.windowSec);
      const hash = idHash(id);
      const seen = features.current.identity?.seen ?? null;
      const judged = seen !== null && seen.total > 0;
      const unseen = judged && !seen.has(hash);
      const error = tx.status === 403 || tx.status === 404;
      const client = ctx.clientIp ?? tx.clientIp;
      track.count(hash, textHash(client), error, judged, unseen);
      info.calls++;
      if (error) info.errors++;
      track.step(numericId(id), ts, o.maxStep, o.runGapSec, error, judged, unseen);
      const slot = track.evidenceSlot(o.maxEvidence);
      if (slot !== null) {
        slot.ts = ts;
        slot.client = client;
        slot.server = tx.host ?? tx.serverIp;
        slot.method = tx.method ?? '-';
        slot.status = tx.status ?? 0;
        slot.unseen = unseen;
      }
      const distinct = track.distinct(ts, o.windowSec);
      // under the floor the walk reported (if any) is over: a new one is judged afresh
      if (distinct < o.minDistinctIds) track.reportedDistinct = 0;
      // cheap gate: below both floors nothing can fire, whatever the baselines say
      if (track.runLen < o.minRun && distinct < o.minDistinctIds) return;
      if (ts - track.actor.lastReport < o.cooldownSec) return;
      judge(track, identity, client, ts);
    },
    onTick(now) {
      if (now - lastSweep < SWEEP_EVERY_SEC) return;
      lastSweep = now;
      table.sweep(now, idleSec);
    },
  };
}

export const enumeration: DetectorEntry<Options> = {
  key: 'enumeration',
  description: 'Enumeration / BOLA: one identity walking many object ids of one template, with 403/404s, ids never shown to it, or sequential runs.',
  schema,
  create,
};
