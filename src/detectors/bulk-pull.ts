// Insider bulk pull: records or bytes returned to one identity within the sliding hour (the identity
// baseline's hour window; bytes of error answers left out) far above its own usual hour (a quantile
// of the baseline's hourly history, taken when the volume began, and what it pulled around this
// hour of day on earlier days) and far above what the other identities calling the same endpoint
// take from it in an hour (the peers' norm, bulk-pull-peers.ts). Outside the identity's usual
// hours the bars are lower. Many calls that each return little add up: the hour's sum is judged.
// A job that pulls a lot at 02:00 every night has that hour in its own band, so it is its own
// normal then. An identity still in its learning period needs a higher bar over its peers.
import { z } from 'zod';
import type { Baseline, FeatureView, IdentityBaseline } from '../features/types';
import type { TransactionConsumer, TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { bulkPullFinding, bulkPullScore, type BulkVerdict } from './bulk-pull-finding';
import { BulkPeers, type PeerNorm } from './bulk-pull-peers';
import { BAND_BYTES, BAND_RECORDS, BulkState } from './bulk-pull-state';
import { CALLERS_DIMENSION, H_BYTES, H_RECORDS, H_REQUESTS, historyQuantile, M_BYTES, M_FIRST_ERROR, M_LAST_ERROR, M_RECORDS, M_REQUESTS } from './bulk-pull-stats';
import { BoundedTable } from '../core/bounded-table';
import { evidenceOf, keepEvidence } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';

const NAME = 'bulk-pull';
/** After an identity was judged a pull, its (identity, endpoint) hours closing within this are not learned by its peers. */
const FLAG_SHADOW_SEC = 2 * 3600;

/**
 * Response bytes of the sliding hour that came with answers other than errors: an identity (or
 * pair) whose requests mostly fail is sent error bodies, not data. Error bodies are taken to be as
 * long as the others.
 */
function okBytes(b: Baseline, ts: number): number {
  const requests = b.hour.estimate(M_REQUESTS, ts);
  if (requests <= 0) return 0;
  let errors = 0;
  for (let m = M_FIRST_ERROR; m <= M_LAST_ERROR; m++) errors += b.hour.estimate(m, ts);
  return b.hour.estimate(M_BYTES, ts) * Math.max(0, 1 - errors / requests);
}

const num = (min: number, def: number, what: string, max?: number) => (max === undefined ? z.number().min(min) : z.number().min(min).max(max)).default(def).describe(what);

export const bulkPullSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect identities pulling far more records or bytes than their own hours and their peers.'),
    minRecordsPerHour: num(1, 100, 'Records returned to one identity within the sliding hour below which its records are not judged (times the feedback factor).'),
    minBytesPerHour: num(1, 65536, 'Response bytes to one identity within the sliding hour below which its bytes are not judged (times the feedback factor).'),
    ownQuantile: num(0, 0.9, "Quantile of the identity's past active hours taken as its usual hour (the band of that hour of day raises it).", 1),
    ownMargin: num(1, 4, 'Times its usual hour an identity must pull (with its peers known).'),
    peerQuantile: num(0, 0.9, "Quantile of one identity's hourly volume from an endpoint taken as the peers' norm.", 1),
    peerMargin: num(1, 4, "Times the peers' norm an identity must pull from the endpoint."),
    learningOwnMargin: num(1, 2, 'Times its usual hour so far an identity still in its learning period must pull (its few hours are a thin baseline: they only clear an identity that is steadily that heavy).'),
    learningPeerMargin: num(1, 8, "Times the peers' norm an identity still in its learning period must pull (it has no baseline of its own)."),
    peerMinHours: z.number().int().min(1).default(20).describe("Hours of other identities an endpoint must have closed before its peers' norm is used."),
    peerMinCallers: z.number().int().min(1).default(3).describe("Distinct identities an endpoint must have had before its peers' norm is used."),
    offHoursActivity: num(0, 0.2, "Activity at the hour of day (the identity's past active hours then, against its average hour) under which the hour is outside its usual hours."),
    offHoursFactor: num(0.05, 0.75, 'Outside usual hours every margin is multiplied by this.', 1),
    bandDecayPerDay: num(0, 0.9, 'Daily decay of what an identity pulled at each hour of day (its own normal at that hour fades when not repeated).', 1),
    holdNormSec: num(0, 3 * 3600, "Packet-time seconds an identity's usual hour, taken when its volume rose to a floor, is held while the volume stays up (the hours of the pull itself must not raise it)."),
    checkIntervalSec: num(0, 15, 'Packet-time seconds between two judgements of one identity (volumes grow slowly; this bounds the work).'),
    cooldownSec: num(0, 3600, 'Packet-time seconds after a finding before the same identity can raise another.'),
    evidenceItems: z.number().int().min(1).max(20).default(4).describe('Calls of the pull kept as evidence.'),
    revokeAtScore: num(0, 0.8, 'Score from which the finding suggests revoking the credential (blocking an unauthenticated client); observe below.', 1),
    maxIdentities: z.number().int().min(1).default(20000).describe('Identities with bulk-pull state (about 600 bytes each); beyond, the least recently active are forgotten (detectors.bulk-pull.identities_overflow).'),
    maxEndpoints: z.number().int().min(1).default(5000).describe("Endpoints with a peers' norm (about 700 bytes each); beyond, the least recently active are forgotten (detectors.bulk-pull.endpoints_overflow)."),
  })
  .strict();

export type BulkPullOptions = z.infer<typeof bulkPullSchema>;

function create(o: BulkPullOptions, { report, counters, features, feedback }: DetectorContext): TransactionConsumer {
  if (!o.enabled) return { name: NAME, onTransaction: () => undefined };
  const states = new BoundedTable<BulkState>(o.maxIdentities, () => counters.inc(`detectors.${NAME}.identities_overflow`));
  const peers = new BulkPeers(o.maxEndpoints, () => counters.inc(`detectors.${NAME}.endpoints_overflow`));
  const peer: PeerNorm = { norm: 0, samples: 0 };

  function judge(view: FeatureView, id: IdentityBaseline, st: BulkState, tx: HttpTransaction, ctx: TransactionContext): BulkVerdict | null {
    const ts = tx.ts;
    const f = feedback.factor(NAME, ctx.identity ?? id.key, ctx.endpoint);
    const scored = view.scored(id, ts);
    const cur = view.current;
    const ep = cur.endpoint;
    const pair = cur.pair;
    // above its peers' is half the verdict: an endpoint without peers learned is not judged
    if (ep === null || pair === null || ep.distinctLifetime(CALLERS_DIMENSION) < o.peerMinCallers) return null;
    const activity = st.usualActivity(ts);
    const offHours = scored && activity < o.offHoursActivity;
    const off = offHours ? o.offHoursFactor : 1;
    const hasOwn = id.hourHistory.count > 0;
    if (ts - st.heldSince >= o.holdNormSec) {
      st.heldSince = ts;
      st.heldRecords = hasOwn ? historyQuantile(id.hourHistory, H_RECORDS, o.ownQuantile) : 0;
      st.heldBytes = hasOwn ? historyQuantile(id.hourHistory, H_BYTES, o.ownQuantile) : 0;
      st.heldRequests = hasOwn ? historyQuantile(id.hourHistory, H_REQUESTS, o.ownQuantile) : 0;
    }
    let best: BulkVerdict | null = null;
    let bestScore = -1;
    for (const bytes of [false, true]) {
      const value = bytes ? okBytes(id, ts) : id.hour.estimate(M_RECORDS, ts);
      if (value < (bytes ? o.minBytesPerHour : o.minRecordsPerHour) * f) continue;
      // its usual hour as it stood when this volume began (the pull's own hours do not count), and
      // what it pulled around this hour on earlier days (a nightly job is its own normal then)
      const band = st.bandNorm(ts, bytes ? BAND_BYTES : BAND_RECORDS);
      const held = bytes ? st.heldBytes : st.heldRecords;
      const ownNorm = Math.max(held, band);
      const ownRatio = ownNorm > 0 ? value / Math.max(ownNorm, 1) : Infinity;
      let ownBar: number;
      let peerBar: number;
      if (scored) {
        ownBar = o.ownMargin * off * f;
        peerBar = o.peerMargin * off * f;
      } else {
        // still learning: its few hours so far may clear it (an identity steadily that heavy), the
        // peers decide with a higher bar
        ownBar = o.learningOwnMargin * f;
        peerBar = o.learningPeerMargin * f;
      }
      const ownExcess = ownRatio / ownBar;
      if (ownExcess < 1) continue;
      const pairValue = bytes ? okBytes(pair, ts) : pair.hour.estimate(M_RECORDS, ts);
      if (peers.others(ep, pair, bytes, o.peerQuantile, peer).samples < o.peerMinHours) continue;
      const peerNorm = peer.norm;
      const peerExcess = pairValue / Math.max(peerNorm, 1) / peerBar;
      if (peerExcess < 1) continue;
      const verdict: BulkVerdict = {
        ts,
        identity: ctx.identity ?? id.key,
        client: ctx.clientIp ?? tx.clientIp,
        endpoint: ctx.endpoint,
        metric: bytes ? 'bytes' : 'records',
        value,
        pairValue,
        ownNorm,
        peerNorm,
        ownExcess: Number.isFinite(ownExcess) ? ownExcess : null,
        peerExcess,
        activity,
        offHours,
        offHoursFactor: o.offHoursFactor,
        requests: id.hour.estimate(M_REQUESTS, ts),
        requestsNorm: st.heldRequests,
        other: bytes ? { name: 'records', value: id.hour.estimate(M_RECORDS, ts), norm: st.heldRecords } : { name: 'bytes', value: okBytes(id, ts), norm: st.heldBytes },
        learning: !scored,
        evidence: st.evidence ?? [],
        revokeAtScore: o.revokeAtScore,
      };
      const score = bulkPullScore(verdict);
      if (score > bestScore) {
        best = verdict;
        bestScore = score;
      }
    }
    return best;
  }

  return {
    name: NAME,
    onTransaction(tx, ctx) {
      const view = features;
      if (view === null) return;
      const id = view.current.identity;
      if (id === null) return;
      const ts = tx.ts;
      const { pair, endpoint } = view.current;
      let st = states.get(id.key);
      if (st === undefined) {
        st = new BulkState(ts);
        states.insert(id.key, st, ts);
      }
      st.observe(id, ts, o.bandDecayPerDay);
      // the hours of an identity judged a pull do not teach its peers what is normal
      if (pair !== null && endpoint !== null) peers.observe(pair, endpoint, ts, ts - st.lastFlag > FLAG_SHADOW_SEC);
      const records = id.hour.estimate(M_RECORDS, ts);
      const bytes = okBytes(id, ts);
      // the pull (if it is one) is over: its own usual hour is taken afresh next time
      if (records < o.minRecordsPerHour / 2 && bytes < o.minBytesPerHour / 2) st.heldSince = -Infinity;
      if (records < o.minRecordsPerHour && bytes < o.minBytesPerHour) return;
      if (ts - st.lastCheck < o.checkIntervalSec) return;
      st.lastCheck = ts;
      // one call per judgement (not every call): the first ones of the pull, then the latest
      st.evidence ??= [];
      keepEvidence(st.evidence, evidenceOf(tx, ctx, `${tx.respBodyLen} response bytes`), o.evidenceItems);
      const verdict = judge(view, id, st, tx, ctx);
      if (verdict === null) return;
      // judged a pull even while cooling down: the hour is not learned as normal
      st.flagged = true;
      st.lastFlag = ts;
      if (ts - st.lastAlert < o.cooldownSec) return;
      st.lastAlert = ts;
      counters.inc(`detectors.${NAME}.findings`);
      report(bulkPullFinding(verdict));
    },
  };
}

export const bulkPull: DetectorEntry<BulkPullOptions> = {
  key: 'bulkPull',
  description: 'Insider bulk pull: records or bytes returned to one identity far above its own usual hour and its peers on the same endpoints, especially outside its usual hours.',
  schema: bulkPullSchema,
  create,
};
