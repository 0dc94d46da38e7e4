// What the scraping detector keeps per client (identity): its current run of requests (a run ends
// after an idle gap) — counts, reads, the last gaps between requests (log2 seconds, a fixed ring), a
// small Bloom filter of the resources it read (distinct resources and re-reads), the automation
// user agent it showed — and, across runs, when it was last reported. Fixed size: about 600 bytes.
import type { EvidenceItem } from '../core/finding';
import type { PeerNorm, RunSample } from './scraping-peers';

/** Gaps kept for the regularity window. */
export const GAP_WINDOW = 32;
/** Bits of the per-run resource filter (two probes per resource). */
export const FILTER_BITS = 2048;
/** Beyond this share of bits set the filter stops telling new resources from re-reads. */
const FILTER_SATURATION = 0.5;
/** Floor of a gap: pipelined requests (gap 0) stay finite in the log. */
const MIN_GAP_SEC = 0.001;

export class Actor {
  /** Start and last request of the current run. */
  runStart: number;
  last: number;
  /** When it was last used, for its table's eviction (bounded-table.ts). */
  get touched(): number {
    return this.last;
  }
  host: string;
  norm: PeerNorm;
  requests = 0;
  /** GET and HEAD requests. */
  reads = 0;
  distinct = 0;
  repeats = 0;
  /** Gaps of the whole run: count and sum of log2 (geometric mean). */
  gapCount = 0;
  gapLog2Sum = 0;
  /** The last GAP_WINDOW gaps, log2 seconds, ring order. */
  readonly ring = new Float32Array(GAP_WINDOW);
  ringPos = 0;
  ringCount = 0;
  readonly filter = new Uint32Array(FILTER_BITS / 32);
  filterSet = 0;
  saturated = false;
  /** Lowest window spread seen in this run (what the run gives the peer norm); Infinity before one. */
  minSpread = Infinity;
  /** Start of the current stretch of regular windows, or -1. */
  regularSince = -1;
  /** Automation token of the first tool user agent of the run, or null. */
  agent: string | null = null;
  /** The last user agent seen and its automation token (looked up again only when it changes). */
  lastUa: string | null = null;
  lastUaAgent: string | null = null;
  lastIp = '';
  /** Its own identity baseline cleared this run (counted once per run). */
  cleared = false;
  /** Requests that back a finding (kept once the run turns regular). */
  evidence: EvidenceItem[] = [];
  /** Packet time of the last finding about this client. */
  lastReported = -Infinity;

  constructor(
    readonly key: string,
    ts: number,
    host: string,
    norm: PeerNorm,
  ) {
    this.runStart = ts;
    this.last = ts;
    this.host = host;
    this.norm = norm;
  }

  /** Starts a new run at `ts` (the client came back after an idle gap). */
  reset(ts: number, host: string, norm: PeerNorm): void {
    this.runStart = ts;
    this.last = ts;
    this.host = host;
    this.norm = norm;
    this.requests = 0;
    this.reads = 0;
    this.distinct = 0;
    this.repeats = 0;
    this.gapCount = 0;
    this.gapLog2Sum = 0;
    this.ringPos = 0;
    this.ringCount = 0;
    this.filter.fill(0);
    this.filterSet = 0;
    this.saturated = false;
    this.minSpread = Infinity;
    this.regularSince = -1;
    this.agent = null;
    this.cleared = false;
    this.evidence = [];
  }

  addGap(seconds: number): void {
    const lg = Math.log2(Math.max(seconds, MIN_GAP_SEC));
    this.ring[this.ringPos] = lg;
    this.ringPos = (this.ringPos + 1) % GAP_WINDOW;
    if (this.ringCount < GAP_WINDOW) this.ringCount++;
    this.gapCount++;
    this.gapLog2Sum += lg;
  }

  /**
   * Counts one read of a resource (its hash): new, or asked for again. Returns false when the
   * filter has just saturated (the caller counts it); from then on distinct and repeats stay put.
   */
  noteResource(hash: number): boolean {
    if (this.saturated) return true;
    const a = hash & (FILTER_BITS - 1);
    const b = (Math.imul(hash, 0x9e3779b1) >>> 21) & (FILTER_BITS - 1);
    const hitA = this.testAndSet(a);
    const hitB = this.testAndSet(b);
    if (hitA && hitB) this.repeats++;
    else this.distinct++;
    if (this.filterSet > FILTER_BITS * FILTER_SATURATION) {
      this.saturated = true;
      return false;
    }
    return true;
  }

  private testAndSet(bit: number): boolean {
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    const w = this.filter[word] as number;
    if ((w & mask) !== 0) return true;
    this.filter[word] = w | mask;
    this.filterSet++;
    return false;
  }

  /** Standard deviation of the window's log2 gaps: 0 for a metronome, 2–4 for a person. */
  windowSpread(): number {
    const n = this.ringCount;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.ring[i] as number;
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = (this.ring[i] as number) - mean;
      sq += d * d;
    }
    return Math.sqrt(sq / n);
  }

  /** Geometric mean of the window's gaps, seconds. */
  windowGap(): number {
    let sum = 0;
    for (let i = 0; i < this.ringCount; i++) sum += this.ring[i] as number;
    return 2 ** (sum / this.ringCount);
  }

  /** Seconds the window's gaps span. */
  windowSpan(): number {
    let span = 0;
    for (let i = 0; i < this.ringCount; i++) span += 2 ** (this.ring[i] as number);
    return span;
  }

  /** What the finished run tells the peer norm, or null when it had too few gaps to judge. */
  sample(minGaps: number): RunSample | null {
    if (this.ringCount >= minGaps) this.minSpread = Math.min(this.minSpread, this.windowSpread());
    if (this.gapCount < minGaps || !Number.isFinite(this.minSpread)) return null;
    const minutes = Math.max(this.last - this.runStart, 1) / 60;
    return {
      spread: this.minSpread,
      distinct: this.distinct,
      gap: 2 ** (this.gapLog2Sum / this.gapCount),
      rate: this.requests / minutes,
      repeatShare: this.requests === 0 ? 0 : this.repeats / this.requests,
    };
  }
}

