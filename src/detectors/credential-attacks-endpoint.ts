// What the credential-attack detector learns per login endpoint: a sliding window (10 buckets of
// packet time) of login attempts, failures and distinct failing user names; the same counts of past
// active windows (those not under attack) whose 95th percentiles are the endpoint's normal; and two
// small histograms — failed logins before a success per account, distinct failing names per IP —
// whose 99th percentiles are its normal for one account and one IP. Percentiles are taken when a
// window closes or a candidate is judged, never per transaction. LoginEndpoints is the bounded table.
import type { EndpointRef } from '../core/finding';
import { histogramQuantileBin } from '../core/quantile';
import { RecencyMap } from './credential-attacks-state';

const BUCKETS = 10;
/** Histogram bins 0..HIST_MAX-1, then one for HIST_MAX and more. */
const HIST_MAX = 64;

const scratch = new Float64Array(2048);

/** Quantile q of the first n values of `values` (sorted in a scratch copy); 0 without values. */
function quantile(values: Float32Array, n: number, q: number): number {
  if (n === 0) return 0;
  const s = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) s[i] = values[i] as number;
  s.sort();
  return s[Math.min(n - 1, Math.ceil(q * n) - 1)] as number;
}

/** Smallest value at or above quantile q of a histogram of counts (0 when empty). */
function histQuantile(hist: Uint32Array, q: number): number {
  return Math.max(0, histogramQuantileBin(hist, q));
}

export class EndpointLogins {
  readonly bucketSec: number;
  private readonly attemptsB = new Float64Array(BUCKETS);
  private readonly failuresB = new Float64Array(BUCKETS);
  private readonly namesB = new Float64Array(BUCKETS);
  private epoch = -Infinity;
  /** Sliding sums over the buckets. */
  attempts = 0;
  failures = 0;
  names = 0;
  /** The tumbling window that becomes a history row when it closes. */
  private windowStart = -Infinity;
  private wAttempts = 0;
  private wFailures = 0;
  private wNames = 0;
  private wAttacked = false;
  /** Past active windows not under attack: failures, failing names, attempts. */
  private readonly hFailures: Float32Array;
  private readonly hNames: Float32Array;
  private readonly hAttempts: Float32Array;
  private hPos = 0;
  historyCount = 0;
  /** 95th percentiles of the history and its failure share (refreshed when a window closes). */
  failuresP95 = 0;
  namesP95 = 0;
  attemptsP95 = 0;
  normalFailureShare = 0;
  /** Failed logins before a success per account; distinct failing names per IP and horizon. */
  private readonly runs = new Uint32Array(HIST_MAX + 1);
  private readonly ipNames = new Uint32Array(HIST_MAX + 1);
  /** Runs of failures that ended in a success (what runP99 rests on). */
  runsLearned = 0;
  lastSeen = 0;
  lastReport = -Infinity;
  /** Forgotten by its bounded map: a cache holding it must look again. */
  evicted = false;

  constructor(
    readonly key: string,
    readonly ref: EndpointRef,
    /** False for a sign-up, reset or one-time-code flow: it carries a password but is no login. */
    readonly isLogin: boolean,
    readonly windowSec: number,
    historyWindows: number,
  ) {
    this.bucketSec = windowSec / BUCKETS;
    this.hFailures = new Float32Array(isLogin ? historyWindows : 0);
    this.hNames = new Float32Array(isLogin ? historyWindows : 0);
    this.hAttempts = new Float32Array(isLogin ? historyWindows : 0);
  }

  /** Counts one login attempt at `ts`; `newName` when its user name had not failed here within the window. */
  count(ts: number, failed: boolean, newName: boolean): void {
    this.lastSeen = ts;
    this.roll(ts);
    const b = (this.epoch % BUCKETS + BUCKETS) % BUCKETS;
    this.attemptsB[b] = (this.attemptsB[b] as number) + 1;
    this.attempts++;
    this.wAttempts++;
    if (failed) {
      this.failuresB[b] = (this.failuresB[b] as number) + 1;
      this.failures++;
      this.wFailures++;
      if (newName) {
        this.namesB[b] = (this.namesB[b] as number) + 1;
        this.names++;
        this.wNames++;
      }
    }
  }

  /** The current window is under attack: it will not join the history. */
  markAttacked(): void {
    this.wAttacked = true;
  }

  /** Share of the window's attempts that failed. */
  failureShare(): number {
    return this.attempts > 0 ? this.failures / this.attempts : 0;
  }

  noteRun(failures: number): void {
    const i = Math.min(HIST_MAX, failures);
    this.runs[i] = (this.runs[i] as number) + 1;
    this.runsLearned++;
  }

  noteIpNames(distinct: number): void {
    const i = Math.min(HIST_MAX, distinct);
    this.ipNames[i] = (this.ipNames[i] as number) + 1;
  }

  /** 99th percentile of failed logins before a success (accounts that did log in). */
  runP99(): number {
    return histQuantile(this.runs, 0.99);
  }

  /** 99th percentile of distinct failing names per IP. */
  ipNamesP99(): number {
    return histQuantile(this.ipNames, 0.99);
  }

  private roll(ts: number): void {
    const e = Math.floor(ts / this.bucketSec);
    if (e > this.epoch) {
      const steps = Math.min(BUCKETS, e - this.epoch);
      for (let k = 1; k <= steps; k++) {
        const b = ((e - steps + k) % BUCKETS + BUCKETS) % BUCKETS;
        this.attempts -= this.attemptsB[b] as number;
        this.failures -= this.failuresB[b] as number;
        this.names -= this.namesB[b] as number;
        this.attemptsB[b] = 0;
        this.failuresB[b] = 0;
        this.namesB[b] = 0;
      }
      this.epoch = e;
    }
    const start = Math.floor(ts / this.windowSec) * this.windowSec;
    if (start > this.windowStart) {
      if (this.wAttempts > 0 && !this.wAttacked) this.pushWindow();
      this.windowStart = start;
      this.wAttempts = 0;
      this.wFailures = 0;
      this.wNames = 0;
      this.wAttacked = false;
    }
  }

  private pushWindow(): void {
    const size = this.hFailures.length;
    if (size === 0) return;
    this.hFailures[this.hPos] = this.wFailures;
    this.hNames[this.hPos] = this.wNames;
    this.hAttempts[this.hPos] = this.wAttempts;
    this.hPos = (this.hPos + 1) % size;
    if (this.historyCount < size) this.historyCount++;
    const n = this.historyCount;
    this.failuresP95 = quantile(this.hFailures, n, 0.95);
    this.namesP95 = quantile(this.hNames, n, 0.95);
    this.attemptsP95 = quantile(this.hAttempts, n, 0.95);
    let f = 0;
    let a = 0;
    for (let i = 0; i < n; i++) {
      f += this.hFailures[i] as number;
      a += this.hAttempts[i] as number;
    }
    this.normalFailureShare = a > 0 ? f / a : 0;
  }
}

/** Lower-cased words of a template (split at `/ . - _`): does one name a flow that is no login? */
export function namesNonLogin(template: string, words: ReadonlySet<string>): boolean {
  for (const w of template.toLowerCase().split(/[/._-]+/)) if (w !== '' && words.has(w)) return true;
  return false;
}

/** The endpoints' login state, bounded: found by the inventory's object first (no key string), else by its key. */
export class LoginEndpoints {
  private readonly map: RecencyMap<EndpointLogins>;
  private readonly byRef = new WeakMap<EndpointRef, EndpointLogins>();
  private readonly nonLogin: ReadonlySet<string>;

  constructor(
    private readonly o: { readonly maxEndpoints: number; readonly nonLoginWords: readonly string[]; readonly windowSec: number; readonly historyWindows: number },
    onOverflow: () => void,
  ) {
    this.nonLogin = new Set(o.nonLoginWords.map((w) => w.toLowerCase()));
    this.map = new RecencyMap<EndpointLogins>(o.maxEndpoints, (_k, ep) => {
      ep.evicted = true;
      onOverflow();
    });
  }

  of(ref: EndpointRef): EndpointLogins {
    const cached = this.byRef.get(ref);
    if (cached !== undefined && !cached.evicted) {
      this.map.touch(cached.key);
      return cached;
    }
    const key = `${ref.method} ${ref.host}${ref.template}`;
    let ep = this.map.touch(key);
    if (ep === undefined) {
      // a plain copy: the inventory's object carries its whole record, which must not reach an alert
      const copy: EndpointRef = { host: ref.host, method: ref.method, template: ref.template };
      ep = new EndpointLogins(key, copy, !namesNonLogin(ref.template, this.nonLogin), this.o.windowSec, this.o.historyWindows);
      this.map.add(key, ep);
    }
    this.byRef.set(ref, ep);
    return ep;
  }
}
