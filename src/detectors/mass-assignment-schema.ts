// What the mass-assignment detector learns per endpoint from the request bodies it reads: the fields
// the endpoint receives, in how many bodies, from which identities (up to a bound) and with which
// value types. Fields met while the endpoint learns are its schema; a field first met afterwards is
// *novel* until enough distinct sources (identities, and their client IPs) send it within a window,
// and in a large enough share against the other clients' bodies (a new API version every client
// adopts); it is judged until then. Endpoints are kept in recency
// order and the least recently written one is forgotten beyond the bound.
import type { Counters } from '../core/counters';
import type { EndpointRef, EvidenceItem } from '../core/finding';
import { TYPE_CLASSES } from './mass-assignment-fields';

/** A client that sent a novel field: what a finding raised later (after peers confirmed) needs. */
export interface Sender {
  readonly idHash: number;
  readonly identity: string | null;
  readonly client: string;
  /** Packet time of its body. */
  readonly ts: number;
  readonly evidence: EvidenceItem;
  reported: boolean;
}

/** Distinct hashes with the packet time each was last seen; when full, the stalest one outside the window gives way. */
export class RecentSet {
  readonly hashes: number[] = [];
  readonly seen: number[] = [];

  /** Notes `hash` at `ts`; true when it was not there. */
  note(hash: number, ts: number, max: number, windowSec: number): boolean {
    const i = this.hashes.indexOf(hash);
    if (i >= 0) {
      this.seen[i] = ts;
      return false;
    }
    if (this.hashes.length < max) {
      this.hashes.push(hash);
      this.seen.push(ts);
      return true;
    }
    let stalest = 0;
    for (let j = 1; j < this.seen.length; j++) if ((this.seen[j] as number) < (this.seen[stalest] as number)) stalest = j;
    if (ts - (this.seen[stalest] as number) > windowSec) {
      this.hashes[stalest] = hash;
      this.seen[stalest] = ts;
    }
    return true;
  }

  /** Hashes seen within `windowSec` before `now`. */
  recent(now: number, windowSec: number): number {
    let n = 0;
    for (const t of this.seen) if (now - t <= windowSec) n++;
    return n;
  }
}

/** What is followed of a novel field until it is adopted. */
export class NovelState {
  /** Distinct identities and client IPs that sent it (bounded by maxSendersPerField). */
  readonly ids = new RecentSet();
  readonly ips = new RecentSet();
  /** Bodies since it was first met from clients (identity and IP) that never sent it. */
  othersWithout = 0;
  /** Endpoint body sequence number of the last body that carried it. */
  lastBody = -1;
  /** Not privileged: peers confirmed (confirmBodies without it) that nobody else sends it. */
  confirmed = false;
  /** Who sent it (bounded alike), for a finding raised once peers confirm. */
  readonly senders: Sender[] = [];

  /** Distinct sources sending it within the window: identities, but no more than their client IPs (accounts churned from one address). */
  sources(now: number, windowSec: number): number {
    return Math.min(this.ids.recent(now, windowSec), this.ips.recent(now, windowSec));
  }

  /** The identity or the client IP already sent it. */
  sentBy(idHash: number, ipHash: number): boolean {
    return this.ids.hashes.includes(idHash) || this.ips.hashes.includes(ipHash);
  }
}

export class FieldStats {
  /** Bodies that carried it. */
  count = 0;
  /** Bodies by the type class of its value (mass-assignment-fields.ts T_*). */
  readonly types = new Uint32Array(TYPE_CLASSES);
  /** While the field is novel (first met after the endpoint learned, or privileged-looking while it learned); null once learned or adopted. */
  novel: NovelState | null;

  constructor(
    readonly name: string,
    novel: boolean,
    readonly privileged: boolean,
    readonly depth: number,
  ) {
    this.novel = novel ? new NovelState() : null;
  }

  noteType(t: number): void {
    this.types[t] = (this.types[t] as number) + 1;
  }

  /** The type class all (but a `1 − dominance` share) of its non-null values had, or -1. */
  dominantType(minSamples: number, dominance: number): number {
    let total = 0;
    let best = -1;
    let bestN = 0;
    // classes 1..5: null is compatible with any type, untyped (form) values are never judged
    for (let t = 1; t < TYPE_CLASSES - 1; t++) {
      const n = this.types[t] as number;
      total += n;
      if (n > bestN) {
        bestN = n;
        best = t;
      }
    }
    return total >= minSamples && bestN >= dominance * total ? best : -1;
  }
}

export class EndpointSchema {
  bodies = 0;
  /** Distinct identities and client IPs seen while learning (until minIdentities each). */
  readonly learnerIds: number[] = [];
  readonly learnerIps: number[] = [];
  learned = false;
  readonly fields = new Map<string, FieldStats>();
  /** Novel fields (bounded by maxNovelFieldsPerEndpoint): updated with every body of the endpoint. */
  readonly novel: FieldStats[] = [];
  /** Learned fields carried by exactly one body (Good-Turing: the chance the next body has a field never seen). */
  singletons = 0;

  constructor(readonly endpoint: EndpointRef) {}

  /** Share of bodies expected to carry a field never seen yet (Good-Turing estimate), 0–1. */
  unseenMass(): number {
    return this.bodies === 0 ? 1 : Math.min(1, this.singletons / this.bodies);
  }

  /** The field is part of what the endpoint receives (learned, or adopted). */
  knows(name: string): boolean {
    const f = this.fields.get(name);
    return f !== undefined && f.novel === null;
  }

  /** Counts a learned field's body (keeps the singleton count of the Good-Turing estimate). */
  countLearned(f: FieldStats): void {
    f.count++;
    if (f.count === 1) this.singletons++;
    else if (f.count === 2) this.singletons--;
  }

  /** A novel field every client adopted becomes part of the endpoint's schema. */
  adopt(f: FieldStats): void {
    f.novel = null;
    const i = this.novel.indexOf(f);
    if (i >= 0) this.novel.splice(i, 1);
    if (f.count === 1) this.singletons++;
  }
}

/** Endpoint schemas by endpoint key, least recently written first; bounded. */
export class SchemaStore {
  private readonly byKey = new Map<string, EndpointSchema>();

  constructor(
    private readonly max: number,
    private readonly counters: Counters,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Without touching its recency. */
  peek(key: string): EndpointSchema | undefined {
    return this.byKey.get(key);
  }

  /** The endpoint's schema (created, and the oldest forgotten when the bound is hit), now the most recent. */
  touch(key: string, endpoint: EndpointRef): EndpointSchema {
    let s = this.byKey.get(key);
    if (s !== undefined) this.byKey.delete(key);
    else {
      if (this.byKey.size >= this.max) {
        const oldest = this.byKey.keys().next().value;
        if (oldest !== undefined) this.byKey.delete(oldest);
        this.counters.inc('detectors.mass-assignment.endpoints_evicted');
      }
      s = new EndpointSchema({ host: endpoint.host, method: endpoint.method, template: endpoint.template });
    }
    this.byKey.set(key, s);
    return s;
  }
}

/** Adds `hash` to a small distinct list of at most `max`; true when it was not there. */
export function addDistinct(list: number[], hash: number, max: number): boolean {
  if (list.includes(hash)) return false;
  if (list.length < max) list.push(hash);
  return true;
}

