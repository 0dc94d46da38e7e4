// How much a new place of a token weighs, in points (the detector fires at `threshold`, 3.5 by
// default). The place alone is worth at most 2: a new address, a new /24 or /64, a new ASN, the
// first public address of an identity that only lived on private ones — working from home, a
// mobile network or a redeployed service are all new places and stay silent unless the client also
// behaves unlike the token's owner there: another program presenting the token, calls denied,
// endpoints it never called, the owner active elsewhere at the same time, a burst.
import type { ExplanationFactor } from '../core/finding';
import type { IdentityWatch, PlaceEpisode } from './token-abuse-places';

/** Points of each part; why each is what it is is in the comment beside it. */
export const POINTS = {
  /** Any address the identity never used: common (mobile networks, DHCP), so little on its own. */
  address: 0.5,
  /** No known address in the same /24 (/64): another network. */
  network: 0.5,
  /** Another autonomous system, when an ASN database is configured. */
  asn: 0.5,
  /** An identity that only ever lived on private addresses reached from the internet. */
  firstPublic: 1,
  placeCap: 2,
  /** The token presented by another program than the one it was first seen with: a copied token. */
  changedClient: 2.5,
  /** Each endpoint the identity calls for the first time at the new place. */
  newEndpoint: 0.5,
  newEndpointsCap: 1,
  /** Times the share of denied calls (401/403), once there are enough of them. */
  denied: 2,
  /** The owner still active from an older address while the new (public) place is in use. */
  elsewhere: 1,
  /** Each further network active at the same time (or new place beyond those followed). */
  furtherPlace: 0.5,
  elsewhereCap: 2,
  /** A minute at the new place busier than the identity's busiest minute ever, by burstFactor. */
  burst: 1,
} as const;

export interface PlaceRules {
  /** Denied calls at the place before their share counts, and the share that counts. */
  readonly minDenied: number;
  readonly deniedShare: number;
  readonly burstFactor: number;
  readonly burstMinRequests: number;
}

/** The parts of a place's score, in this order. */
const PART_PLACE = 0;
const PART_CLIENT = 1;
const PART_ENDPOINTS = 2;
const PART_DENIED = 3;
const PART_ELSEWHERE = 4;
const PART_BURST = 5;
const PARTS = 6;

/** Fills `out` with the points of each part; returns their sum. Allocates nothing. */
export function placePoints(e: PlaceEpisode, watch: IdentityWatch, rules: PlaceRules, out: Float64Array): number {
  const n = e.novelty;
  out[PART_PLACE] = Math.min(POINTS.placeCap, POINTS.address + (n.newNetwork ? POINTS.network : 0) + (n.newAsn ? POINTS.asn : 0) + (n.firstPublic ? POINTS.firstPublic : 0));
  out[PART_CLIENT] = e.changedClient > 0 ? POINTS.changedClient : 0;
  out[PART_ENDPOINTS] = Math.min(POINTS.newEndpointsCap, POINTS.newEndpoint * e.newEndpoints);
  const share = e.requests > 0 ? e.denied / e.requests : 0;
  out[PART_DENIED] = e.denied >= rules.minDenied && share >= rules.deniedShare ? POINTS.denied * share : 0;
  const others = e.otherNetworks.length + watch.placesOverflow;
  // replicas of a service use one key from several internal addresses at once: only a public place counts
  out[PART_ELSEWHERE] = n.isPublic && e.otherPlaces.length + watch.placesOverflow > 0 ? Math.min(POINTS.elsewhereCap, POINTS.elsewhere + POINTS.furtherPlace * Math.max(0, others - 1)) : 0;
  out[PART_BURST] = e.peakMinute >= rules.burstMinRequests && e.peakMinute > rules.burstFactor * Math.max(1, e.peakBefore) ? POINTS.burst : 0;
  let sum = 0;
  for (let i = 0; i < PARTS; i++) sum += out[i] as number;
  return sum;
}

export function newPartsArray(): Float64Array {
  return new Float64Array(PARTS);
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The novelty of a place in words (`new address, new /24, first public address`). */
export function noveltyText(e: PlaceEpisode): string {
  const n = e.novelty;
  let s = 'new address';
  if (n.newNetwork) s += ', new network';
  if (n.newAsn) s += ', new ASN';
  if (n.firstPublic) s += ', first public address';
  return s;
}

/** The factors of a place's score (the parts that scored), each with its baseline and share of the points. */
export function placeFactors(e: PlaceEpisode, watch: IdentityWatch, parts: Float64Array, total: number, knownEndpoints: number, rules: PlaceRules): ExplanationFactor[] {
  const share = (i: number): number => round((parts[i] as number) / total);
  const factors: ExplanationFactor[] = [
    { name: 'new_place', value: noveltyText(e), baseline: `${e.knownAddresses} known addresses over ${round(e.knownForSec / 86400, 1)} d`, contribution: share(PART_PLACE) },
  ];
  if ((parts[PART_CLIENT] as number) > 0) factors.push({ name: 'requests_by_another_client', value: e.changedClient, baseline: 0, contribution: share(PART_CLIENT) });
  if ((parts[PART_ENDPOINTS] as number) > 0) factors.push({ name: 'endpoints_never_called', value: e.newEndpoints, baseline: knownEndpoints, contribution: share(PART_ENDPOINTS) });
  if ((parts[PART_DENIED] as number) > 0) factors.push({ name: 'denied_share', value: round(e.denied / e.requests), baseline: rules.deniedShare, contribution: share(PART_DENIED) });
  if ((parts[PART_ELSEWHERE] as number) > 0) factors.push({ name: 'other_addresses_active', value: e.otherPlaces.length + watch.placesOverflow, baseline: 0, contribution: share(PART_ELSEWHERE) });
  if ((parts[PART_BURST] as number) > 0) factors.push({ name: 'requests_per_minute', value: e.peakMinute, baseline: e.peakBefore, contribution: share(PART_BURST) });
  return factors;
}

/** What the client did at the place, in words, for the summary. */
export function behaviourText(e: PlaceEpisode, parts: Float64Array): string {
  const said: string[] = [];
  if ((parts[PART_CLIENT] as number) > 0) said.push('by another program than the one its token was first seen with');
  if ((parts[PART_DENIED] as number) > 0) said.push(`with ${e.denied} of ${e.requests} calls denied`);
  if ((parts[PART_ENDPOINTS] as number) > 0) said.push(`on ${e.newEndpoints} endpoint${e.newEndpoints === 1 ? '' : 's'} it had never called`);
  if ((parts[PART_ELSEWHERE] as number) > 0) said.push('while its older addresses were still in use');
  if ((parts[PART_BURST] as number) > 0) said.push(`at up to ${e.peakMinute} requests a minute`);
  return said.join(', ');
}
