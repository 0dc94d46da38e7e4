// Traffic spike: one identity's or one client IP's request rate over the sliding minute against its
// own rate for that hour-of-week band (its busiest minute at this hour of weekdays or weekends on
// earlier days, spike-state.ts, and its recent active minutes, raised at the hour every client is
// busier) or, while it has no baseline of its own, against a busy minute of a typical client
// (spike-peers.ts; times the identities behind an IP, so a NAT is not one loud client). A floor keeps
// slow clients out whatever their history. The finding suggests a throttle at a limit derived from
// the rate it was judged by.
import { z } from 'zod';
import type { Baseline, FeatureView } from '../features/types';
import type { TransactionConsumer, TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { CALLERS_DIMENSION, historyQuantile, M_REQUESTS } from './bulk-pull-stats';
import { BoundedTable } from '../core/bounded-table';
import { evidenceOf, keepEvidence } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';
import { spikeFinding } from './spike-finding';
import { SpikePeers } from './spike-peers';
import { SpikeState } from './spike-state';

const NAME = 'spike';
const EVIDENCE_EVERY_SEC = 5;

const num = (min: number, def: number, what: string, max?: number) => (max === undefined ? z.number().min(min) : z.number().min(min).max(max)).default(def).describe(what);

export const spikeSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Detect an identity or client IP sending far more requests a minute than its own rate at this hour (or, new, than a typical client's)."),
    minPerMinute: num(1, 30, 'Requests in the sliding minute below which no client is judged, whatever its history (times the feedback factor).'),
    ownQuantile: num(0, 0.9, "Quantile of the client's recent active minutes taken as its usual busy minute.", 1),
    ownMargin: num(1, 5, 'Times its usual busy minute at this hour-of-week band a known client must send.'),
    peerQuantile: num(0, 0.95, "Quantile of all clients' active minutes taken as a typical client's busy minute.", 1),
    peerMargin: num(1, 10, "Times a typical client's busy minute a client without a baseline must send."),
    peerMinMinutes: z.number().int().min(1).default(200).describe("Client-minutes observed before a typical client's busy minute is known (new clients are not judged before)."),
    peerMinClients: z.number().int().min(1).default(20).describe("Clients observed before a typical client's busy minute is known."),
    maxSharedPeak: num(1, 4, "Most a known client's usual rate is raised at the hour every client is busier (the daily peak)."),
    bandDecayPerDay: num(0, 0.9, "Daily decay of a client's busiest minute per hour-of-week band (its own normal fades when not repeated).", 1),
    limitHeadroom: num(1, 2, 'The suggested throttle is the rate the client was judged by times this (requests per minute).'),
    cooldownSec: num(0, 900, 'Packet-time seconds after a finding before the same client can raise another.'),
    evidenceItems: z.number().int().min(1).max(20).default(4).describe('Requests of the burst kept as evidence.'),
    maxClients: z.number().int().min(1).default(20000).describe('Identities and IPs with spike state (busy ones only, about 500 bytes each); beyond, the least recently active are forgotten (detectors.spike.clients_overflow).'),
  })
  .strict();

export type SpikeOptions = z.infer<typeof spikeSchema>;

function create(o: SpikeOptions, { report, counters, features, feedback }: DetectorContext): TransactionConsumer {
  if (!o.enabled) return { name: NAME, onTransaction: () => undefined };
  const states = new BoundedTable<SpikeState>(o.maxClients, () => counters.inc(`detectors.${NAME}.clients_overflow`), 600);
  const peers = new SpikePeers(o.peerQuantile, o.peerMinMinutes, o.peerMinClients, o.maxSharedPeak);
  /** Below this a client's minutes never move its bar above the floor: no state is kept for it. */
  const trackFrom = o.minPerMinute / o.ownMargin;

  /** Judges one client (identity, or IP when `ip`); true when it raised a finding. */
  function check(view: FeatureView, key: string, b: Baseline, ip: boolean, tx: HttpTransaction, ctx: TransactionContext): boolean {
    const ts = tx.ts;
    const rate = b.minute.estimate(M_REQUESTS, ts);
    let st = states.get(key);
    if (st !== undefined) st.observe(b, ts, o.bandDecayPerDay);
    if (rate < trackFrom) return false;
    if (st === undefined) {
      st = new SpikeState(ts);
      states.insert(key, st, ts);
      st.observe(b, ts, o.bandDecayPerDay);
    }
    if (rate < o.minPerMinute / 2) {
      st.evidence = null;
      return false;
    }
    // the first requests of the burst, then one every few seconds (not one object per request of a flood)
    st.evidence ??= [];
    if (st.evidence.length < o.evidenceItems || ts - st.evidenceTs >= EVIDENCE_EVERY_SEC) {
      keepEvidence(st.evidence, evidenceOf(tx, ctx), o.evidenceItems);
      st.evidenceTs = ts;
    }
    // cooling down and already over the bar this minute: nothing more to learn from it
    if (rate < o.minPerMinute || (st.flagged && ts - st.lastAlert < o.cooldownSec)) return false;
    const f = feedback.factor(NAME, ctx.identity, ctx.endpoint);
    if (rate < o.minPerMinute * f) return false;
    const behind = ip ? Math.max(1, Math.round(b.distinctRecent(CALLERS_DIMENSION, ts))) : 1;
    const peerNorm = peers.warm() ? peers.norm(ts) * behind : null;
    const band = st.bandNorm(ts);
    let norm: number;
    let threshold: number;
    let basis: 'own' | 'peers';
    if (view.scored(b, ts)) {
      norm = Math.max(historyQuantile(b.minuteHistory, 0, o.ownQuantile) * peers.sharedPeak(ts), band, 1);
      threshold = Math.max(o.minPerMinute, o.ownMargin * norm) * f;
      basis = 'own';
    } else {
      if (peerNorm === null) return false;
      // its own minutes at this hour on earlier days, if any, may only clear it
      norm = Math.max(peerNorm, band, 1);
      threshold = Math.max(o.minPerMinute, o.peerMargin * norm) * f;
      basis = 'peers';
    }
    if (rate < threshold) return false;
    // over the bar even while cooling down: the minute is not learned as its normal
    st.flagged = true;
    if (ts - st.lastAlert < o.cooldownSec) return false;
    const ten = b.tenMinutes;
    const tenHistory = b.tenMinuteHistory;
    report(
      spikeFinding({
        ts,
        actor: ip ? b.key : (ctx.identity ?? b.key),
        // an address behind which several identities speak is not one of them
        identity: behind > 1 ? null : ctx.identity,
        client: ctx.clientIp ?? tx.clientIp,
        endpoint: ctx.endpoint,
        rate,
        norm,
        threshold,
        basis,
        peerNorm,
        rate10m: ten === null ? rate : ten.estimate(M_REQUESTS, ts),
        // without 10-minute history of its own: a typical client's busy minute kept up for ten minutes
        norm10m: tenHistory === null || tenHistory.count === 0 ? (basis === 'peers' ? norm * 10 : 0) : historyQuantile(tenHistory, 0, o.ownQuantile),
        identitiesBehind: behind,
        limitHeadroom: o.limitHeadroom,
        evidence: st.evidence,
      }),
    );
    counters.inc(`detectors.${NAME}.findings`);
    st.lastAlert = ts;
    st.evidence = null;
    return true;
  }

  /** One finding per burst: the other view of the same client (its IP, or the identity behind it) stays quiet for the cooldown. */
  function quiet(key: string, b: Baseline, ts: number): void {
    const st = states.get(key);
    if (st === undefined) return;
    st.observe(b, ts, o.bandDecayPerDay);
    st.lastAlert = ts;
    st.flagged = true;
  }

  return {
    name: NAME,
    onTransaction(tx, ctx) {
      const view = features;
      if (view === null) return;
      const { identity, clientIp } = view.current;
      if (identity !== null) peers.observe(identity, tx.ts);
      const fired = identity !== null && check(view, identity.key, identity, false, tx, ctx);
      // an `ip:` identity is its client IP: judged once
      if (clientIp === null || (identity !== null && identity.key.startsWith('ip:'))) return;
      if (fired) quiet(clientIp.key, clientIp, tx.ts);
      else if (check(view, clientIp.key, clientIp, true, tx, ctx) && identity !== null) quiet(identity.key, identity, tx.ts);
    },
  };
}

export const spike: DetectorEntry<SpikeOptions> = {
  key: 'spike',
  description: "Traffic spike: one identity's or IP's request rate far above its own busy minutes for that hour band (a new client: above its peers').",
  schema: spikeSchema,
  create,
};
