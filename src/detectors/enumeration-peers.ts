// What the enumeration detector knows of one endpoint template: where its id sits in the path, and
// what its callers (the peers) do there: the distinct ids per window and the completed sequential
// runs of every caller, in small rings of samples, and its id calls and 403/404 answers. Peer bars
// are quantiles of these rings, read only when a finding is being decided.
import type { EndpointRef } from '../core/finding';
import { compileIdParam, type CompiledIdParam } from './enumeration-ids';

/** A ring of the last `size` samples (peers' or the track's own). */
export class SampleRing {
  readonly values: Float32Array;
  pos = 0;
  count = 0;

  constructor(size: number) {
    this.values = new Float32Array(size);
  }

  push(v: number): void {
    this.values[this.pos] = v;
    this.pos = (this.pos + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
  }

  max(): number {
    let m = 0;
    for (let i = 0; i < this.count; i++) m = Math.max(m, this.values[i] as number);
    return m;
  }
}

const scratch = new Float64Array(256);

/** Quantile q of the ring's samples (0 when empty); only read when a finding is being decided. */
export function ringQuantile(ring: SampleRing, q: number): number {
  const n = ring.count;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) scratch[i] = ring.values[i] as number;
  const sorted = scratch.subarray(0, n).sort();
  return sorted[Math.min(n - 1, Math.floor(q * (n - 1) + 0.5))] as number;
}

/** One endpoint template: where its id sits, and what its callers do there. */
export class EndpointInfo {
  template: string;
  param: CompiledIdParam;
  /** Distinct ids per closed window of each caller (peers). */
  readonly peerDistinct: SampleRing;
  /** Completed sequential runs (3 ids or more) of each caller. */
  readonly peerRuns: SampleRing;
  /** Id calls and their 403/404 answers, all callers, since the detector started. */
  calls = 0;
  errors = 0;

  constructor(
    readonly ref: EndpointRef,
    peerSamples: number,
  ) {
    this.template = ref.template;
    this.param = compileIdParam(ref.template);
    this.peerDistinct = new SampleRing(peerSamples);
    this.peerRuns = new SampleRing(peerSamples);
  }

  /** The inventory renames an endpoint in place when templates merge: recompile then. */
  refresh(): void {
    if (this.ref.template === this.template) return;
    this.template = this.ref.template;
    this.param = compileIdParam(this.template);
  }
}
