// Adaptive rate limits (issue 13 §9): per (identity, endpoint) pair and hour-of-week band, a
// recommended limit per minute learned from the pair's own peaks (p99 of the busiest minute of each
// active 10-minute window × a margin; rate-limits-pair.ts), trusted once enough peak windows over
// enough days back it. A minute over a trusted limit is a `rate-limit` finding that recommends a
// throttle at that limit. New identities and new pairs have no limit (confidence 0) and never
// alert: floods from unknown clients are the spike detector's. The learned pairs are written to the
// state database on flushes (rate-limits-store.ts), so a restart keeps them and `tapwatch limits`
// lists them.
import { z } from 'zod';
import type { EndpointRef } from '../core/finding';
import type { HttpTransaction } from '../http/types';
import type { TransactionConsumer, TransactionContext } from '../http/consumer';
import type { PairBaseline } from '../features/types';
import { BatchWriter } from '../store/batch-writer';
import { evidenceOf } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';
import { breachFinding, DETECTOR_NAME } from './rate-limits-finding';
import { PairLimits, type LimitRules } from './rate-limits-pair';
import { RateLimitStore } from './rate-limits-store';

const count = (min: number) => z.number().int().min(min);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Learn a rate limit per identity, endpoint and hour-of-week band, and report minutes over it.'),
    quantile: z.number().min(0.5).max(1).default(0.99).describe("Quantile of a band's 10-minute peaks (each the busiest minute of an active 10-minute window) the limit is taken from."),
    margin: z.number().min(1).default(1.5).describe('Limit = that quantile × this: headroom for the normal variation of a client the history has not shown yet.'),
    minLimitPerMinute: count(1)
      .default(10)
      .describe('No limit is ever below this many requests per minute: a person paging through a list, or an app retrying, needs that much on one endpoint.'),
    halfConfidenceWindows: count(1).default(12).describe("Peak windows in a band at which the limit's confidence reaches 0.5 (with at least one day; more days and windows raise it towards 1)."),
    minConfidence: z.number().min(0).max(1).default(0.5).describe('A limit is enforced (a minute over it is a finding) from this confidence; `tapwatch limits` lists every limit.'),
    peaksPerBand: count(4)
      .max(1024)
      .default(64)
      .describe('10-minute peaks kept per pair and band, the newest: a client whose traffic grows moves its limit with it.'),
    workdayStartHour: count(0).max(23).default(8).describe('First local hour of the weekday working-hours band (the rest of a weekday is the night band; Saturday and Sunday the weekend band).'),
    workdayEndHour: count(1).max(24).default(20).describe('Local hour the weekday working-hours band ends at (exclusive).'),
    utcOffsetHours: z.number().min(-14).max(14).default(0).describe("The site's offset from UTC in hours: band boundaries are local time."),
    cooldownSec: z.number().min(0).default(600).describe('Packet-time seconds after a finding before the same identity is reported again (any endpoint).'),
    maxPairs: count(1)
      .default(20000)
      .describe('(identity, endpoint) pairs learned (about 1.5 KB each); beyond, the least recently active are forgotten (detectors.rate-limits.pairs_evicted).'),
    maxCooldowns: count(1).default(10000).describe('Identities held in their cooldown; when full, a further finding is not reported (detectors.rate-limits.cooldowns_overflow).'),
    maxOpenBreaches: count(1)
      .default(1000)
      .describe('Over-limit minutes being reported at once (each waits for its minute to end); beyond, they are counted (detectors.rate-limits.breaches_overflow), not reported.'),
    persistIntervalSec: z.number().min(0).default(60).describe('Packet-time seconds between writes of changed pairs to the state database; always written at shutdown.'),
    maxRowsPerFlush: count(1).default(2000).describe('Pairs written per flush; the rest wait for the next one (detectors.rate-limits.flush_deferred).'),
  })
  .strict()
  .refine((o) => o.workdayStartHour < o.workdayEndHour, { message: 'workdayStartHour must be before workdayEndHour' });

export type RateLimitOptions = z.infer<typeof schema>;

const COUNTER = 'detectors.rate-limits';
/** Packet-time seconds between sweeps of expired cooldowns. */
const SWEEP_SEC = 3600;

const IDLE: TransactionConsumer = { name: DETECTOR_NAME, onTransaction() {} };

function create(options: RateLimitOptions, context: DetectorContext): TransactionConsumer {
  const { features: view, counters, feedback, report } = context;
  if (!options.enabled || view === null) return IDLE;
  const rules: LimitRules = options;
  /** By key (identity, newline, endpoint key), least recently learned first: the eviction order. */
  const pairs = new Map<string, PairLimits>();
  /** The same by the features stage's pair baseline: no key is built per transaction. */
  const byBaseline = new WeakMap<PairBaseline, PairLimits>();
  const cooldowns = new Map<string, number>();
  /** Pairs with a breach being reported. */
  let open: PairLimits[] = [];
  const dirty: PairLimits[] = [];
  const removed: PairLimits[] = [];
  let trimNeeded = false;
  let nextSweep = -Infinity;
  let nextPersist = -Infinity;

  const store = context.store ? new RateLimitStore(context.store.db, new BatchWriter(context.store.db, context.store.dbFile, context.store.maxPendingWrites, counters)) : null;
  if (store) {
    // rows beyond a bound lowered since they were written
    const trimmed = store.trim(options.maxPairs);
    if (trimmed > 0) counters.inc(`${COUNTER}.pairs_evicted`, trimmed);
    // oldest first, so the map's order stays least recently active first
    for (const s of store.load(options.maxPairs).reverse()) {
      const key = pairKeyOf(s.identity, s.endpoint);
      const p = PairLimits.fromState(key, s.identity, s.endpoint, s.state, rules);
      if (p) pairs.set(key, p);
      else counters.inc(`${COUNTER}.state_unreadable`);
    }
  }

  function attach(pair: PairBaseline, ep: EndpointRef): PairLimits {
    const key = pairKeyOf(pair.identityKey, ep);
    let p = pairs.get(key);
    if (p === undefined) {
      if (pairs.size >= options.maxPairs) evictOldest();
      p = new PairLimits(key, pair.identityKey, { host: ep.host, method: ep.method, template: ep.template }, options.peaksPerBand);
      pairs.set(key, p);
    }
    byBaseline.set(pair, p);
    return p;
  }

  function evictOldest(): void {
    const oldest = pairs.values().next().value;
    if (oldest === undefined) return;
    pairs.delete(oldest.key);
    oldest.evicted = true;
    counters.inc(`${COUNTER}.pairs_evicted`);
    if (!store) return;
    if (removed.length < options.maxPairs) removed.push(oldest);
    else trimNeeded = true;
  }

  function finish(p: PairLimits): void {
    const b = p.breach;
    if (b === null) return;
    p.breach = null;
    report(breachFinding(b, p.minuteCount, options));
  }

  function inCooldown(identity: string, ts: number): boolean {
    const last = cooldowns.get(identity);
    return last !== undefined && ts - last < options.cooldownSec;
  }

  function sweepCooldowns(now: number): void {
    for (const [identity, last] of cooldowns) if (now - last >= options.cooldownSec) cooldowns.delete(identity);
  }

  /** The slow path: the minute's count went over the pair's threshold. */
  function overLimit(p: PairLimits, pair: PairBaseline, tx: HttpTransaction, ctx: TransactionContext): void {
    if (p.breach !== null) {
      p.breach.last = evidenceOf(tx, ctx, `request ${p.minuteCount} of the minute`);
      return;
    }
    const slot = p.activeSlot;
    const factor = feedback.factor(DETECTOR_NAME, p.identity, p.endpoint);
    const limit = Math.ceil(p.active * factor);
    if (p.minuteCount <= limit) {
      // analysts' verdicts raised this pair's limit: look again only above it
      p.threshold = limit;
      return;
    }
    // the window is learned as at most the peak it broke, so an attack does not teach its own rate
    p.flagBase = Math.min(p.flagBase, p.p99Of(slot));
    p.threshold = Infinity;
    const ts = tx.ts;
    const identity = view?.current.identity ?? null;
    if (!view?.scored(pair, ts) || identity === null || !view.scored(identity, ts)) {
      counters.inc(`${COUNTER}.learning`);
      return;
    }
    if (inCooldown(p.identity, ts)) {
      counters.inc(`${COUNTER}.cooldown`);
      return;
    }
    if (cooldowns.size >= options.maxCooldowns) sweepCooldowns(ts);
    if (cooldowns.size >= options.maxCooldowns) {
      counters.inc(`${COUNTER}.cooldowns_overflow`);
      return;
    }
    if (open.length >= options.maxOpenBreaches) {
      counters.inc(`${COUNTER}.breaches_overflow`);
      return;
    }
    cooldowns.set(p.identity, ts);
    p.threshold = limit;
    p.breach = {
      identity: p.identity,
      client: ctx.clientIp ?? tx.clientIp,
      endpoint: p.endpoint,
      minuteStart: p.minuteStart,
      limit,
      slot,
      confidence: p.confidenceOf(slot),
      p99: p.p99Of(slot),
      peaks: p.peaksSeen(slot),
      factor,
      first: evidenceOf(tx, ctx, `request ${p.minuteCount} of the minute: over the limit of ${limit}/min`),
      last: null,
    };
    open.push(p);
  }

  /** Writes up to `limit` changed pairs (and every forgotten one) in one transaction. */
  function persist(limit: number): void {
    if (!store) return;
    for (const p of removed) store.remove(p.identity, p.endpoint);
    removed.length = 0;
    let written = 0;
    let kept = 0;
    for (const p of dirty) {
      if (p.evicted) p.dirty = false;
      else if (written < limit) {
        store.save(p);
        p.dirty = false;
        written++;
      } else dirty[kept++] = p;
    }
    dirty.length = kept;
    if (kept > 0) counters.inc(`${COUNTER}.flush_deferred`, kept);
    const result = store.commit();
    if (result.error) counters.inc(`${COUNTER}.store_failed`);
    else if (trimNeeded) {
      trimNeeded = false;
      store.trim(options.maxPairs);
    }
  }

  return {
    name: DETECTOR_NAME,
    onTransaction(tx, ctx) {
      // a response without its request is not counted by the features stage: `current` is the previous call's
      if (tx.method === null) return;
      const pair = view.current.pair;
      const ep = ctx.endpoint;
      if (pair === null || ep === null) return;
      let p = byBaseline.get(pair);
      if (p === undefined || p.evicted) p = attach(pair, ep);
      const ts = tx.ts;
      if (p.breach !== null && ts >= p.minuteStart + 60) finish(p);
      if (p.advance(ts, rules)) {
        // learned a peak: now the most recently learned pair, the last to be forgotten
        pairs.delete(p.key);
        pairs.set(p.key, p);
      }
      p.minuteCount++;
      if (ts > p.last) p.last = ts;
      if (store && !p.dirty) {
        p.dirty = true;
        dirty.push(p);
      }
      if (p.minuteCount > p.threshold) overLimit(p, pair, tx, ctx);
    },
    onTick(now) {
      if (open.length > 0) {
        for (const p of open) if (now >= p.minuteStart + 60) finish(p);
        open = open.filter((p) => p.breach !== null);
      }
      if (now >= nextSweep) {
        nextSweep = now + SWEEP_SEC;
        sweepCooldowns(now);
      }
    },
    flush(now) {
      if (now < nextPersist) return;
      nextPersist = now + options.persistIntervalSec;
      persist(options.maxRowsPerFlush);
    },
    close() {
      for (const p of open) finish(p);
      open = [];
      persist(Infinity);
    },
  };
}

/** A pair's key: identity and endpoint key (`GET host/template`) joined by a newline (in neither). */
export function pairKeyOf(identity: string, ep: EndpointRef): string {
  return `${identity}\n${ep.method} ${ep.host}${ep.template}`;
}

export const rateLimits: DetectorEntry<RateLimitOptions> = {
  key: 'rateLimits',
  description: 'Adaptive rate limits per identity and endpoint (p99 of its own 10-minute peaks per hour-of-week band); exceeding one suggests a throttle at that limit.',
  schema,
  create,
};
