// Builds one visit's requests on the simulated clock: calls of one page follow each other within a
// few hundred milliseconds (an app loads a screen), pages are separated by the person's think time.
import type { Rng } from '../prng';
import { US_PER_SEC } from '../clock';
import type { Device } from '../world/devices';
import type { Auth, Lazy, PendingId, Step, Visit } from './types';

export interface CallOptions {
  readonly body?: Lazy<string>;
  readonly auth?: Auth;
  readonly creates?: PendingId | string;
}

export class VisitBuilder {
  readonly steps: Step[] = [];

  constructor(
    private readonly rng: Rng,
    /** Time of the next request, µs. */
    public t: number,
    /** A script, not a person: the next call follows as soon as the answer is in. */
    private readonly machine = false,
  ) {}

  call(method: Step['method'], target: Lazy<string>, options: CallOptions = {}): void {
    this.steps.push({ at: Math.round(this.t), method, target, ...options });
    this.t += this.machine ? this.rng.between(0.001, 0.004) * US_PER_SEC : this.rng.between(0.03, 0.35) * US_PER_SEC;
  }

  /** A pause before the next page, log-normal around `medianSec`. */
  think(medianSec: number, sigma = 0.9): void {
    this.t += Math.max(0.8, this.rng.logNormal(medianSec, sigma)) * US_PER_SEC;
  }

  /** A fixed pause, µs. */
  wait(us: number): void {
    this.t += us;
  }

  get size(): number {
    return this.steps.length;
  }

  build(visit: { actor: string; label: string; ip: string; device: Device; userAgent?: string | null; rttUs: number; hops: number; lane?: string }): Visit {
    return {
      id: -1, actor: visit.actor, lane: visit.lane ?? '', label: visit.label, ip: visit.ip, device: visit.device,
      userAgent: visit.userAgent === undefined ? visit.device.userAgent : visit.userAgent, rttUs: Math.round(visit.rttUs), hops: visit.hops, steps: this.steps,
    };
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}
