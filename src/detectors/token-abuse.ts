// Credential and token abuse (issue 13, detector 2): a token or API key (a `key:` identity, or a
// `user:` one named by a bearer token, Basic credential or bound session) used
//  - from a new place (an address, network, ASN it never used) where its client behaves unlike the
//    owner: another program presenting the token, denied calls, endpoints never called, the owner
//    active elsewhere at the same time, a burst (token-abuse-score.ts weighs them; a new place alone
//    never fires, so working from home, mobile networks and redeployed services stay silent);
//  - outside its learned scope: denied (401/403) on endpoints it had never called once learned;
//  - after its JWT `exp`, again and again (no baseline needed: a real client refreshes after one 401).
// Per transaction: a map lookup for the token and the identity's watch, a scan of the identity's
// few addresses; more only for watched identities. Every collection is bounded and counted.
import { z } from 'zod';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import type { TallyEntry } from '../features/bounded-tally';
import type { IdentityBaseline } from '../features/types';
import { evidenceOf, keepEvidence } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';
import { DETECTOR, expiredFinding, placeFinding, scopeFinding } from './token-abuse-findings';
import { clientFamily, isPublicAddress, networkOf } from './token-abuse-net';
import { IdentityWatch, PlaceEpisode, WatchTable, resetScope, type PlaceNovelty } from './token-abuse-places';
import { newPartsArray, placePoints } from './token-abuse-score';
import { TokenRegistry, tokenOf, type TokenRecord } from './token-abuse-tokens';

const int = (min: number) => z.number().int().min(min);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect tokens and API keys used from new places by another client, outside their learned scope, or after they expired.'),
    threshold: z
      .number()
      .min(0.5)
      .default(3.5)
      .describe(
        'Points a new place of a token must reach: the place itself is worth at most 2 (new address 0.5, new /24 or /64 0.5, new ASN 0.5, first public address 1), another program presenting the token 2.5, denied calls up to 2, endpoints never called up to 1, the owner active elsewhere up to 2, a burst 1.',
      ),
    minDenied: int(1).default(3).describe('Denied calls (401/403, token not expired) at a new place before their share counts.'),
    deniedShare: z.number().min(0).max(1).default(0.5).describe('Share of denied calls at a new place that counts (times 2 points).'),
    burstFactor: z.number().min(1).default(2).describe("A minute at a new place with this many times the identity's busiest minute so far is a burst."),
    burstMinRequests: int(1).default(10).describe('Requests in one minute below which nothing is a burst.'),
    overlapWindowSec: z.number().min(1).default(600).describe("An older address used within this many seconds of a new place's last request means the owner is active elsewhere."),
    placeIdleSec: z.number().min(1).default(1800).describe('A new place is followed until it has been idle this long.'),
    placeMaxSec: z.number().min(1).default(6 * 3600).describe('A new place is followed at most this long after its first request (then it is part of the identity).'),
    expiredGraceSec: z.number().min(0).default(300).describe("Seconds after a JWT's exp that still count as in time (clock skew)."),
    minExpiredUses: int(1).default(3).describe('Uses of one token after its exp (plus the grace) that raise a finding: a real client refreshes after the first refusal.'),
    scopeMinDenied: int(1).default(5).describe('Denied calls on endpoints first called after the identity was learned, within scopeWindowSec, that raise a finding.'),
    scopeMinEndpoints: int(1).default(2).describe('Distinct endpoints those denied calls must be spread over.'),
    scopeWindowSec: z.number().min(1).default(3600).describe('Packet-time seconds in which the out-of-scope denials are counted (from the first).'),
    cooldownSec: z
      .number()
      .min(0)
      .default(1800)
      .describe('At most one finding per identity within this many seconds of packet time (shorter than alerting.dedupeWindowSec, so a later one folds into the open alert).'),
    maxTokens: int(1).default(50000).describe('Tokens remembered (first client, uses after exp; about 150 B each); beyond, the oldest are forgotten (detectors.token-abuse.tokens_overflow).'),
    maxIdentities: int(1).default(10000).describe('Identities watched at once (a new place or out-of-scope denials open a watch); more are not watched (detectors.token-abuse.identities_overflow).'),
    maxPlaces: int(1).default(4).describe('New places followed per identity at once; more are counted (detectors.token-abuse.places_overflow) and weigh as the owner active elsewhere.'),
    maxEvidence: int(1).default(5).describe('Evidence items per finding.'),
  })
  .strict();

export type TokenAbuseOptions = z.infer<typeof schema>;

/** Endpoint hashes kept per watch for the scope rule. */
const MAX_SCOPE_ENDPOINTS = 8;
const SWEEP_EVERY_SEC = 60;

function isDenied(status: number | null): boolean {
  return status === 401 || status === 403;
}

/** The identity's addresses-tally entry for `ip`, or undefined when the tally does not hold it. */
function addressEntry(b: IdentityBaseline, ip: string): TallyEntry | undefined {
  for (const e of b.ips.entries) if (e.value === ip) return e;
  return undefined;
}

/** Whether the identity had used client family `family` before `since` (its user agents tally). */
function usedFamilyBefore(b: IdentityBaseline, family: number, since: number): boolean {
  for (const e of b.userAgents.entries) if (e.first < since && clientFamily(e.value) === family) return true;
  return false;
}

function create(o: TokenAbuseOptions, { report, counters, features, feedback }: DetectorContext) {
  const tokens = new TokenRegistry(o.maxTokens, counters);
  const watches = new WatchTable({ maxIdentities: o.maxIdentities, maxPlaces: o.maxPlaces, placeIdleSec: o.placeIdleSec, placeMaxSec: o.placeMaxSec, scopeWindowSec: o.scopeWindowSec }, counters);
  /** Packet time of each identity's last finding (cooldown); bounded by maxIdentities. */
  const lastReport = new Map<string, number>();
  const parts = newPartsArray();
  const rules = { minDenied: o.minDenied, deniedShare: o.deniedShare, burstFactor: o.burstFactor, burstMinRequests: o.burstMinRequests };
  let lastSweep = -Infinity;

  const cooling = (identity: string, ts: number): boolean => ts - (lastReport.get(identity) ?? -Infinity) < o.cooldownSec;
  const reported = (identity: string, ts: number): void => {
    if (!lastReport.has(identity) && lastReport.size >= o.maxIdentities) {
      counters.inc('detectors.token-abuse.cooldowns_overflow');
      return;
    }
    lastReport.set(identity, ts);
  };

  /** Counts a use after `exp`; reports once the token was replayed often enough. */
  function expiredUse(tx: HttpTransaction, ctx: TransactionContext, identity: string, ip: string, token: TokenRecord, exp: number): void {
    token.expiredUses++;
    token.pastExp = tx.ts - exp;
    if (tx.status !== null && tx.status >= 200 && tx.status < 300) token.expiredAccepted++;
    if (ip !== token.firstIp || clientFamily(tx.userAgent) !== token.family) token.expiredElsewhere++;
    token.expiredEvidence ??= [];
    keepEvidence(token.expiredEvidence, evidenceOf(tx, ctx, `token used ${Math.round(tx.ts - exp)} s after its exp`), o.maxEvidence);
    // once per token, and again only when the API starts accepting it
    const level = token.expiredAccepted > 0 ? 2 : 1;
    if (token.expiredReported >= level || token.expiredUses < o.minExpiredUses * feedback.factor(DETECTOR, identity, null) || cooling(identity, tx.ts)) return;
    token.expiredReported = level;
    report(expiredFinding({ identity, client: ip, ts: tx.ts, token, minUses: o.minExpiredUses, graceSec: o.expiredGraceSec }));
    reported(identity, tx.ts);
  }

  /** How new `ip` is for the identity (its tallies already hold this request). */
  function noveltyOf(b: IdentityBaseline, ip: string, ts: number): PlaceNovelty {
    const network = networkOf(ip);
    let newNetwork = true;
    let anyPublic = false;
    for (const e of b.ips.entries) {
      if (e.value === ip) continue;
      if (newNetwork && networkOf(e.value) === network) newNetwork = false;
      if (!anyPublic && isPublicAddress(e.value)) anyPublic = true;
    }
    let newAsn = false;
    // the ASN tally noted this request's ASN: new when it entered the tally with it
    for (const e of b.asns?.entries ?? []) if (e.first === ts && e.count === 1) newAsn = true;
    const isPublic = isPublicAddress(ip);
    return { newNetwork, newAsn, firstPublic: !anyPublic && isPublic && b.ips.entries.length > 1, isPublic };
  }

  /** The owner at an older address while new places are active: noted on those places. */
  function noteOwnerActivity(watch: IdentityWatch, b: IdentityBaseline, ip: string, ts: number): void {
    let first = NaN;
    for (const p of watch.places) {
      if (p.ip === ip || ts - p.last > o.overlapWindowSec) continue;
      if (Number.isNaN(first)) first = addressEntry(b, ip)?.first ?? Infinity;
      if (first < p.start) p.noteOtherPlace(ip, networkOf(ip));
    }
  }

  function atPlace(tx: HttpTransaction, ctx: TransactionContext, identity: string, b: IdentityBaseline, watch: IdentityWatch, place: PlaceEpisode, token: TokenRecord, expired: boolean): void {
    const ts = tx.ts;
    place.last = ts;
    place.requests++;
    place.countMinute(ts);
    let note: string | null = place.requests === 1 ? 'first request from this place' : null;
    if (!expired && isDenied(tx.status)) {
      place.denied++;
      note ??= 'denied';
    }
    const pair = features?.current.pair ?? null;
    if (pair !== null && pair.requests === 1 && pair.first >= place.start) {
      place.newEndpoints++;
      note ??= 'endpoint never called before';
    }
    const family = clientFamily(tx.userAgent);
    // a request without a user agent (or a token first seen without one) says nothing about the client
    if (family !== 0 && token.family !== 0 && family !== token.family && !usedFamilyBefore(b, family, place.start)) {
      place.changedClient++;
      note ??= 'token presented by another client';
    }
    if (note !== null) keepEvidence(place.evidence, evidenceOf(tx, ctx, note), o.maxEvidence);
    if (place.reported || cooling(identity, ts)) return;
    const points = placePoints(place, watch, rules, parts);
    const threshold = o.threshold * feedback.factor(DETECTOR, identity, null);
    if (points < threshold) return;
    place.reported = true;
    report(placeFinding({ identity, ts, place, watch, parts, points, threshold, knownEndpoints: Math.round(b.distinctLifetime(0)), rules }));
    reported(identity, ts);
  }

  /** A denied call on an endpoint the identity first called after it was learned. */
  function outOfScope(tx: HttpTransaction, ctx: TransactionContext, identity: string, ip: string, b: IdentityBaseline): void {
    const pair = features?.current.pair ?? null;
    if (features === null || pair === null || !features.scored(b, pair.first)) return;
    const watch = watches.open(identity, tx.ts);
    if (watch === null) return;
    if (watch.scopeDenied > 0 && tx.ts - watch.scopeStart > o.scopeWindowSec) resetScope(watch);
    if (watch.scopeDenied === 0) {
      watch.scopeStart = tx.ts;
      watch.scopeRequests = 1;
    }
    watch.scopeDenied++;
    if (!watch.scopeEndpoints.includes(pair.keyHash) && watch.scopeEndpoints.length < MAX_SCOPE_ENDPOINTS) watch.scopeEndpoints.push(pair.keyHash);
    keepEvidence(watch.scopeEvidence, evidenceOf(tx, ctx, 'denied on an endpoint outside its learned scope'), o.maxEvidence);
    const threshold = o.scopeMinDenied * feedback.factor(DETECTOR, identity, null);
    if (watch.scopeDenied < threshold || watch.scopeEndpoints.length < o.scopeMinEndpoints || cooling(identity, tx.ts)) return;
    report(scopeFinding({ identity, client: ip, ts: tx.ts, watch, minDenied: o.scopeMinDenied, minEndpoints: o.scopeMinEndpoints, threshold, knownEndpoints: Math.round(b.distinctLifetime(0)) }));
    reported(identity, tx.ts);
  }

  return {
    name: DETECTOR,
    onTransaction(tx: HttpTransaction, ctx: TransactionContext): void {
      const identity = ctx.identity;
      if (!o.enabled || features === null || identity === null) return;
      if (!identity.startsWith('key:') && !identity.startsWith('user:')) return;
      const ts = tx.ts;
      const ip = ctx.clientIp ?? tx.clientIp;
      const b = features.current.identity;
      let watch = watches.get(identity);
      // any request of a watched identity from an older address is its owner somewhere else
      if (watch !== undefined && b !== null && watch.places.length > 0) noteOwnerActivity(watch, b, ip, ts);
      // a login names its user without a token; a `user:` without a credential is not a token use
      const cred = ctx.loginUser === null ? tokenOf(tx.credentials) : null;
      if (cred === null) return;
      const exp = cred.claims?.exp ?? null;
      const expired = exp !== null && ts > exp + o.expiredGraceSec;
      // tokens used once (random or guessed ones: their identity has no baseline yet) are not
      // remembered, so churn cannot push out the tokens of real clients; expired ones always count
      if (b === null && !expired) return;
      const token = tokens.see(cred.hash, ip, tx.userAgent, ts);
      if (expired) expiredUse(tx, ctx, identity, ip, token, exp);
      if (b === null || b.key !== identity || !features.scored(b, ts)) return;
      if (watch !== undefined) {
        watch.last = ts;
        if (watch.scopeDenied > 0) watch.scopeRequests++;
      }
      let place = watch?.place(ip) ?? null;
      if (place === null) {
        const entry = addressEntry(b, ip);
        // new: it entered the tally with this request, or the tally is full and never held it
        if (entry === undefined || (entry.first === ts && entry.count === 1)) {
          watch ??= watches.open(identity, ts) ?? undefined;
          if (watch !== undefined) {
            const knownAddresses = Math.max(0, b.ips.entries.length - (entry === undefined ? 0 : 1));
            place = watches.addPlace(watch, new PlaceEpisode(ip, ts, noveltyOf(b, ip, ts), knownAddresses, ts - b.first, b.minute.peakCount()));
          }
        }
      }
      if (place !== null && watch !== undefined) atPlace(tx, ctx, identity, b, watch, place, token, expired);
      if (!expired && isDenied(tx.status)) outOfScope(tx, ctx, identity, ip, b);
    },
    onTick(now: number): void {
      if (now - lastSweep < SWEEP_EVERY_SEC) return;
      lastSweep = now;
      watches.sweep(now);
      for (const [identity, ts] of lastReport) if (now - ts >= o.cooldownSec) lastReport.delete(identity);
    },
  };
}

export const tokenAbuse: DetectorEntry<TokenAbuseOptions> = {
  key: 'tokenAbuse',
  description: 'A token or key used from a new place while acting unlike its owner, outside its learned scope, or after its JWT expiry.',
  schema,
  create,
};
