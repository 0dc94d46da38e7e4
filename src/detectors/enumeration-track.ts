// The enumeration detector's own state, all of it bounded: the templates (enumeration-peers.ts) and,
// per (identity, template), a Track: the distinct ids of the current and previous window
// (linear-counting bitmaps), its id calls, 403/404s and ids never shown to it, the client IPs it
// used, the sequential run in progress (last numeric id, step direction, length), its own history
// (distinct ids of past windows, longest completed run) and the last few calls as evidence.
// Windows are tumbling on packet time; the sliding estimate is cur + prev × (1 − elapsed).
import type { EndpointRef } from '../core/finding';
import { EndpointInfo, SampleRing } from './enumeration-peers';

/** Bits of one window's distinct-id bitmap: about 6% error at 1500 ids, saturating near 3200 (m ln m). */
const ID_BITS = 512;
const ID_WORDS = ID_BITS / 32;
/** Bits of one window's client-IP bitmap. */
const IP_BITS = 64;

/** Distinct values from the bits set in a linear-counting bitmap of `m` bits. */
export function linearCount(bitsSet: number, m: number): number {
  if (bitsSet <= 0) return 0;
  if (bitsSet >= m) return m * Math.log(m);
  return -m * Math.log(1 - bitsSet / m);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A run shorter than this is not offered to the peers (single reads and pairs say nothing). */
const MIN_PEER_RUN = 3;

export interface EvidenceSlot {
  ts: number;
  client: string;
  server: string;
  method: string;
  status: number;
  unseen: boolean;
}

/** One identity on one template. */
export class Track {
  lastTs: number;
  windowStart = -Infinity;
  /** Distinct-id bitmaps: current window, then the previous one. */
  private readonly idBits = new Uint32Array(2 * ID_WORDS);
  curIds = 0;
  prevIds = 0;
  /** Client-IP bitmaps (64 bits each): current, previous. */
  private readonly ipBits = new Uint32Array(4);
  /** Id calls, their 403/404s, those judged against the ids shown, and the unseen among them: current, previous window. */
  readonly cur = { calls: 0, errors: 0, judged: 0, unseen: 0 };
  readonly prev = { calls: 0, errors: 0, judged: 0, unseen: 0 };
  lifeCalls = 0;
  lifeErrors = 0;
  /** Sequential run in progress. */
  lastNum = NaN;
  runLen = 0;
  runDir = 0;
  runLastTs = 0;
  runJudged = 0;
  runUnseen = 0;
  runErrors = 0;
  /** Longest completed run on this template (own history). */
  bestRun = 0;
  /** The run and distinct ids when the track was last reported: the same walk, or a new run, is reported again only when twice as long. */
  reportedRun = 0;
  reportedDistinct = 0;
  /** Reported at least once: what it does is not offered to the peers' samples (an attack is nobody's normal). */
  reported = false;
  /** Distinct ids of the track's past active windows (own history). */
  readonly history: SampleRing;
  readonly evidence: EvidenceSlot[] = [];
  evidencePos = 0;
  /** The bars last worked out for this track (enumeration.ts), and when. */
  readonly bars = { ts: -Infinity, feedback: 1, distinct: 0, run: 0, errorShare: 0 };

  constructor(
    readonly actor: ActorTracks,
    readonly info: EndpointInfo,
    ts: number,
    historySize: number,
  ) {
    this.lastTs = ts;
    this.history = new SampleRing(historySize);
  }

  /** Rolls the tumbling window to the one holding `ts`, handing the closed one to the histories. */
  roll(ts: number, len: number): void {
    const start = Math.floor(ts / len) * len;
    if (start === this.windowStart) return;
    if (this.cur.calls > 0) {
      const d = linearCount(this.curIds, ID_BITS);
      this.history.push(d);
      if (!this.reported) this.info.peerDistinct.push(d);
    }
    const consecutive = start === this.windowStart + len;
    const b = this.idBits;
    if (consecutive) {
      b.copyWithin(ID_WORDS, 0, ID_WORDS);
      this.ipBits.copyWithin(2, 0, 2);
      Object.assign(this.prev, this.cur);
      this.prevIds = this.curIds;
    } else {
      b.fill(0, ID_WORDS);
      this.ipBits.fill(0, 2);
      Object.assign(this.prev, EMPTY);
      this.prevIds = 0;
    }
    b.fill(0, 0, ID_WORDS);
    this.ipBits.fill(0, 0, 2);
    Object.assign(this.cur, EMPTY);
    this.curIds = 0;
    this.windowStart = start;
  }

  /** Counts one id call in the current window. */
  count(hash: number, ipHash: number, error: boolean, judged: boolean, unseen: boolean): void {
    const bit = hash & (ID_BITS - 1);
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    const b = this.idBits;
    if (((b[word] as number) & mask) === 0) {
      b[word] = (b[word] as number) | mask;
      this.curIds++;
    }
    const ipBit = ipHash & (IP_BITS - 1);
    this.ipBits[ipBit >>> 5] = (this.ipBits[ipBit >>> 5] as number) | (1 << (ipBit & 31));
    const c = this.cur;
    c.calls++;
    this.lifeCalls++;
    if (error) {
      c.errors++;
      this.lifeErrors++;
    }
    if (judged) {
      c.judged++;
      if (unseen) c.unseen++;
    }
  }

  /** Advances the sequential run with numeric id `v` (NaN: not numeric, the run is left as it is). */
  step(v: number, ts: number, maxStep: number, gapSec: number, error: boolean, judged: boolean, unseen: boolean): void {
    if (Number.isNaN(v)) return;
    if (this.runLen > 0 && ts - this.runLastTs > gapSec) this.endRun();
    const d = v - this.lastNum;
    if (d === 0) {
      // the same id again (a retry): neither a step nor a break
      this.runLastTs = ts;
      return;
    }
    const dir = d > 0 ? 1 : -1;
    if (this.runLen > 0 && Math.abs(d) <= maxStep && (this.runDir === 0 || dir === this.runDir)) {
      this.runLen++;
      this.runDir = dir;
    } else {
      this.endRun();
      this.runLen = 1;
    }
    if (error) this.runErrors++;
    if (judged) {
      this.runJudged++;
      if (unseen) this.runUnseen++;
    }
    this.lastNum = v;
    this.runLastTs = ts;
  }

  private endRun(): void {
    if (this.runLen > this.bestRun) this.bestRun = this.runLen;
    if (this.runLen >= MIN_PEER_RUN && !this.reported) this.info.peerRuns.push(this.runLen);
    this.runLen = 0;
    this.runDir = 0;
    this.runJudged = 0;
    this.runUnseen = 0;
    this.runErrors = 0;
  }

  /** Weight of the previous window in the sliding estimate at `now`. */
  private prevWeight(now: number, len: number): number {
    return Math.max(0, 1 - (now - this.windowStart) / len);
  }

  /** Distinct ids over the last window length (sliding estimate). */
  distinct(now: number, len: number): number {
    return linearCount(this.curIds, ID_BITS) + linearCount(this.prevIds, ID_BITS) * this.prevWeight(now, len);
  }

  /** A count of the current and previous window, weighted as the sliding estimate. */
  sliding(key: keyof typeof EMPTY, now: number, len: number): number {
    return this.cur[key] + this.prev[key] * this.prevWeight(now, len);
  }

  /** Client IPs of the current and previous window. */
  clientIps(): number {
    let set = 0;
    set += popcount(((this.ipBits[0] as number) | (this.ipBits[2] as number)) >>> 0);
    set += popcount(((this.ipBits[1] as number) | (this.ipBits[3] as number)) >>> 0);
    return Math.round(linearCount(set, IP_BITS));
  }

  /** The slot to record this call in: the first two calls of the track stay, the rest rotate. */
  evidenceSlot(max: number): EvidenceSlot | null {
    const ev = this.evidence;
    if (ev.length < max) {
      const slot: EvidenceSlot = { ts: 0, client: '', server: '', method: '', status: 0, unseen: false };
      ev.push(slot);
      return slot;
    }
    const head = Math.min(2, max - 1);
    const ringSize = max - head;
    if (ringSize <= 0) return null;
    const slot = ev[head + this.evidencePos] ?? null;
    this.evidencePos = (this.evidencePos + 1) % ringSize;
    return slot;
  }
}

const EMPTY = { calls: 0, errors: 0, judged: 0, unseen: 0 };

/** One identity's tracks and when it was last reported. */
export interface ActorTracks {
  readonly tracks: Map<EndpointInfo, Track>;
  lastReport: number;
}

export interface TableBounds {
  maxTracks: number;
  maxEndpoints: number;
  peerSamples: number;
  historySize: number;
}

/** Every track and endpoint the detector keeps, within its bounds (beyond: counted, not kept). */
export class TrackTable {
  readonly actors = new Map<string, ActorTracks>();
  readonly endpoints = new Map<EndpointRef, EndpointInfo>();
  tracks = 0;

  constructor(private readonly bounds: TableBounds) {}

  /** The endpoint's info, or null when the table of endpoints is full. */
  endpoint(ref: EndpointRef): EndpointInfo | null {
    const known = this.endpoints.get(ref);
    if (known !== undefined) {
      known.refresh();
      return known;
    }
    if (this.endpoints.size >= this.bounds.maxEndpoints) return null;
    const info = new EndpointInfo(ref, this.bounds.peerSamples);
    this.endpoints.set(ref, info);
    return info;
  }

  /** The identity's track on the endpoint, or null when the table of tracks is full. */
  track(identity: string, info: EndpointInfo, ts: number): Track | null {
    let actor = this.actors.get(identity);
    const known = actor?.tracks.get(info);
    if (known !== undefined) {
      known.lastTs = ts;
      return known;
    }
    if (this.tracks >= this.bounds.maxTracks) return null;
    if (actor === undefined) {
      actor = { tracks: new Map(), lastReport: -Infinity };
      this.actors.set(identity, actor);
    }
    const track = new Track(actor, info, ts, this.bounds.historySize);
    actor.tracks.set(info, track);
    this.tracks++;
    return track;
  }

  /** Forgets tracks idle for longer than `idleSec` (and identities left without any). */
  sweep(now: number, idleSec: number): void {
    for (const [identity, actor] of this.actors) {
      for (const [info, track] of actor.tracks) {
        if (now - track.lastTs > idleSec) {
          actor.tracks.delete(info);
          this.tracks--;
        }
      }
      if (actor.tracks.size === 0) this.actors.delete(identity);
    }
  }
}
