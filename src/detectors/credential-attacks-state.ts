// What the credential-attack detector remembers per account and per client IP, in bounded maps
// that forget the least recently seen entry when full (Map insertion order is the recency order).
// An account keeps its current run of failed logins (no success between them) and where they came
// from; an IP keeps the user names that recently failed from it (a small ring of
// hashes with their last failure time) and decayed counts of its failed and successful logins.
import type { EvidenceItem } from '../core/finding';
import { FAMILIAR } from './credential-attacks-source';

/** A Map bounded to `max` entries that forgets the least recently touched one (`onEvict` sees it). */
export class RecencyMap<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly onEvict: (key: string, value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The entry, moved to the most recent end. */
  touch(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Sets an entry (moved to the most recent end), forgetting the least recent one when a new entry finds the map full. */
  set(key: string, value: V): void {
    if (this.map.delete(key)) this.map.set(key, value);
    else this.add(key, value);
  }

  /** Adds a new entry, forgetting the least recent one when full. */
  add(key: string, value: V): void {
    if (this.map.size >= this.max) {
      const oldest = this.map.entries().next().value;
      if (oldest !== undefined) {
        this.map.delete(oldest[0]);
        this.onEvict(oldest[0], oldest[1]);
      }
    }
    this.map.set(key, value);
  }

  /** Forgets entries from the least recent end while `stale` says so (a sweep on packet time). */
  sweep(stale: (value: V) => boolean, onDrop: (key: string, value: V) => void): void {
    for (const [key, value] of this.map) {
      if (!stale(value)) return;
      this.map.delete(key);
      onDrop(key, value);
    }
  }
}

const NO_NAMES = new Uint32Array(0);
const NO_TIMES = new Float64Array(0);

/** What `AccountState.noteIp` did. */
export const RUN_IP_KNOWN = 0;
export const RUN_IP_ADDED = 1;
export const RUN_IP_OVERFLOW = 2;
export type RunIp = typeof RUN_IP_KNOWN | typeof RUN_IP_ADDED | typeof RUN_IP_OVERFLOW;

export class AccountState {
  /** Failed logins since the last success (or since a gap of runIdleSec). */
  run = 0;
  runStart = 0;
  lastFailure = -Infinity;
  lastSeen = 0;
  /** Source IPs of the run (up to maxIpsPerAccount) and how many there were. */
  readonly ips: string[] = [];
  ipCount = 0;
  /** First failure of the run (evidence). */
  first: EvidenceItem | null = null;
  /**
   * Every IP of the run is new to the account (credential-attacks-source.ts): how many addresses it
   * used before the run (0: none seen); FAMILIAR when one IP is familiar to it.
   */
  newSourceKnown = FAMILIAR;
  /** The run reached the standard brute-force threshold (not only the early one for new sources). */
  flagged = false;
  /** The run's last finding was an early warning: reaching the standard threshold reports again. */
  warnedEarly = false;
  lastReport = -Infinity;

  constructor(readonly key: string) {}

  /** Starts a new run at `ts`. */
  resetRun(ts: number): void {
    this.run = 0;
    this.runStart = ts;
    this.ips.length = 0;
    this.ipCount = 0;
    this.first = null;
    this.newSourceKnown = FAMILIAR;
    this.flagged = false;
    this.warnedEarly = false;
  }

  /** Notes a source IP of the run: known to the run, added, or new with the list full (counted, not kept). */
  noteIp(ip: string, max: number): RunIp {
    if (this.ips.includes(ip)) return RUN_IP_KNOWN;
    this.ipCount++;
    if (this.ips.length >= max) return RUN_IP_OVERFLOW;
    this.ips.push(ip);
    return RUN_IP_ADDED;
  }
}

export class IpState {
  /** Hashes of the user names that failed from this IP, with their last failure time (allocated at its first failure). */
  names: Uint32Array = NO_NAMES;
  nameTs: Float64Array = NO_TIMES;
  held = 0;
  /** Failed and successful logins, decayed with the horizon as time constant. */
  failures = 0;
  successes = 0;
  /** Packet time of its last successful login. */
  lastSuccess = -Infinity;
  decayedAt = 0;
  lastSeen = 0;
  /** Most distinct failing names seen within the horizon (what the endpoint learns at the end). */
  maxDistinct = 0;
  first: EvidenceItem | null = null;
  flagged = false;
  lastReport = -Infinity;
  /** Logins that succeeded from it after it was flagged, and whether that was reported. */
  successesWhileFlagged = 0;
  successReported = false;

  constructor(
    readonly ip: string,
    private readonly capacity: number,
  ) {}

  /** Decays the counts to `ts` with time constant `tau`. */
  decay(ts: number, tau: number): void {
    const dt = ts - this.decayedAt;
    if (dt > 0) {
      const f = Math.exp(-dt / tau);
      this.failures *= f;
      this.successes *= f;
      this.decayedAt = ts;
    }
  }

  /**
   * Notes a failing name at `ts`. When the ring is full the name failing longest ago makes room;
   * true when that one still counted (failed at or after `horizonStart`): the bound was hit.
   */
  noteName(hash: number, ts: number, horizonStart: number): boolean {
    if (this.names.length === 0) {
      this.names = new Uint32Array(this.capacity);
      this.nameTs = new Float64Array(this.capacity);
    }
    let oldest = 0;
    for (let i = 0; i < this.held; i++) {
      if (this.names[i] === hash) {
        this.nameTs[i] = ts;
        return false;
      }
      if ((this.nameTs[i] as number) < (this.nameTs[oldest] as number)) oldest = i;
    }
    if (this.held < this.names.length) {
      this.names[this.held] = hash;
      this.nameTs[this.held++] = ts;
      return false;
    }
    const counted = (this.nameTs[oldest] as number) >= horizonStart;
    this.names[oldest] = hash;
    this.nameTs[oldest] = ts;
    return counted;
  }

  /** Distinct names that failed at or after `since`. */
  distinctSince(since: number): number {
    let n = 0;
    for (let i = 0; i < this.held; i++) if ((this.nameTs[i] as number) >= since) n++;
    return n;
  }

  /** Time of the earliest name failing at or after `since` (the span a distinct count covers). */
  oldestSince(since: number): number {
    let oldest = Infinity;
    for (let i = 0; i < this.held; i++) {
      const t = this.nameTs[i] as number;
      if (t >= since && t < oldest) oldest = t;
    }
    return oldest === Infinity ? since : oldest;
  }

  /** Share of its decayed attempts that failed (0 without attempts). */
  failureShare(): number {
    const all = this.failures + this.successes;
    return all > 0 ? this.failures / all : 0;
  }
}
