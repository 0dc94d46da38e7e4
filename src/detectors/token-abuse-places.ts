// The token-abuse detector's state per identity it is watching: the new places (client addresses
// the identity had never used once it was learned) with what the client did there, and calls it
// was denied on endpoints it had never called. Most identities are never watched: a watch opens on
// the first new place or out-of-scope denial and is dropped once everything in it has gone quiet.
// Bounded: `maxIdentities` watches and `maxPlaces` open places each (both counted when full).
import type { Counters } from '../core/counters';
import type { EvidenceItem } from '../core/finding';

/** How new a place is, decided when the identity first appears there. */
export interface PlaceNovelty {
  /** No address of the identity shares this one's /24 (/64). */
  readonly newNetwork: boolean;
  /** An ASN database named an ASN the identity had never used (false when there is none). */
  readonly newAsn: boolean;
  /** The first public address of an identity only ever seen on private ones. */
  readonly firstPublic: boolean;
  /** The address is public (the owner active elsewhere counts only then: replicas of a service share a key inside a network). */
  readonly isPublic: boolean;
}

/** Older addresses of the identity noted as active during one new place's visit. */
export const MAX_OTHER_PLACES = 4;

/** One new place of an identity and what its client did there, request by request. */
export class PlaceEpisode {
  last: number;
  /** Token requests from the place, those denied (401/403, token not expired), and on endpoints first called there. */
  requests = 0;
  denied = 0;
  newEndpoints = 0;
  /** Requests whose token was first presented by another client family, one the identity had not used before. */
  changedClient = 0;
  /** The identity's older addresses used while this place was active (the owner elsewhere). */
  readonly otherPlaces: string[] = [];
  readonly otherNetworks: string[] = [];
  /** Requests in the place's current minute and its busiest minute. */
  minuteStart: number;
  minuteCount = 0;
  peakMinute = 0;
  readonly evidence: EvidenceItem[] = [];
  reported = false;

  constructor(
    readonly ip: string,
    readonly start: number,
    readonly novelty: PlaceNovelty,
    /** Addresses the identity had used before, and for how long it had been seen. */
    readonly knownAddresses: number,
    readonly knownForSec: number,
    /** The identity's busiest minute before this place (all its places together). */
    readonly peakBefore: number,
  ) {
    this.last = start;
    this.minuteStart = start;
  }

  /** Counts one request in the place's minute window. */
  countMinute(ts: number): void {
    if (ts - this.minuteStart >= 60) {
      this.minuteStart = ts;
      this.minuteCount = 0;
    }
    this.minuteCount++;
    if (this.minuteCount > this.peakMinute) this.peakMinute = this.minuteCount;
  }

  /** Notes an older address of the identity in use now; true when it was not noted before. */
  noteOtherPlace(ip: string, network: string): boolean {
    if (this.otherPlaces.includes(ip) || this.otherPlaces.length >= MAX_OTHER_PLACES) return false;
    this.otherPlaces.push(ip);
    if (!this.otherNetworks.includes(network)) this.otherNetworks.push(network);
    return true;
  }
}

export class IdentityWatch {
  readonly places: PlaceEpisode[] = [];
  /** New places that found no room (the identity appeared at more places at once than are followed). */
  placesOverflow = 0;
  /** Denied calls on endpoints first called after the identity was learned, in the window from scopeStart. */
  scopeStart = 0;
  scopeRequests = 0;
  scopeDenied = 0;
  /** Key hashes of the endpoints those denials were on (a few). */
  readonly scopeEndpoints: number[] = [];
  readonly scopeEvidence: EvidenceItem[] = [];
  last: number;

  constructor(ts: number) {
    this.last = ts;
  }

  place(ip: string): PlaceEpisode | null {
    const places = this.places;
    for (let i = 0; i < places.length; i++) if ((places[i] as PlaceEpisode).ip === ip) return places[i] as PlaceEpisode;
    return null;
  }
}

export interface WatchLimits {
  readonly maxIdentities: number;
  readonly maxPlaces: number;
  /** A place ends after this long without a request, or this long after it started. */
  readonly placeIdleSec: number;
  readonly placeMaxSec: number;
  readonly scopeWindowSec: number;
}

export class WatchTable {
  private readonly byIdentity = new Map<string, IdentityWatch>();

  constructor(
    private readonly limits: WatchLimits,
    private readonly counters: Counters,
  ) {}

  get(identity: string): IdentityWatch | undefined {
    return this.byIdentity.get(identity);
  }

  /** The identity's watch, opened when it has none; null when the table is full. */
  open(identity: string, ts: number): IdentityWatch | null {
    const known = this.byIdentity.get(identity);
    if (known !== undefined) return known;
    if (this.byIdentity.size >= this.limits.maxIdentities) {
      this.counters.inc('detectors.token-abuse.identities_overflow');
      return null;
    }
    const fresh = new IdentityWatch(ts);
    this.byIdentity.set(identity, fresh);
    return fresh;
  }

  /** Opens a new place in `watch`; null when it already follows maxPlaces (counted). */
  addPlace(watch: IdentityWatch, episode: PlaceEpisode): PlaceEpisode | null {
    if (watch.places.length >= this.limits.maxPlaces) {
      watch.placesOverflow++;
      this.counters.inc('detectors.token-abuse.places_overflow');
      return null;
    }
    watch.places.push(episode);
    return episode;
  }

  /** Ends the places and scope windows that are over at `now`, and drops watches left empty. */
  sweep(now: number): void {
    const { placeIdleSec, placeMaxSec, scopeWindowSec } = this.limits;
    for (const [identity, watch] of this.byIdentity) {
      const places = watch.places;
      for (let i = places.length - 1; i >= 0; i--) {
        const p = places[i] as PlaceEpisode;
        if (now - p.last > placeIdleSec || now - p.start > placeMaxSec) places.splice(i, 1);
      }
      if (watch.scopeDenied > 0 && now - watch.scopeStart > scopeWindowSec) resetScope(watch);
      if (places.length === 0 && watch.scopeDenied === 0 && now - watch.last > placeIdleSec) this.byIdentity.delete(identity);
    }
  }

  get size(): number {
    return this.byIdentity.size;
  }
}

export function resetScope(watch: IdentityWatch): void {
  watch.scopeStart = 0;
  watch.scopeRequests = 0;
  watch.scopeDenied = 0;
  watch.scopeEndpoints.length = 0;
  watch.scopeEvidence.length = 0;
}
