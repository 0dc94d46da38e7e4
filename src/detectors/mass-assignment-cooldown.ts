// Who was reported when, so one identity and one client IP get at most one mass-assignment finding
// per cooldown of packet time (accounts churned from one address, as at a signup, are one actor). Bounded: beyond `max` actors the oldest entry is forgotten (and counted),
// and entries whose cooldown passed are pruned on ticks.
import type { Counters } from '../core/counters';

export class CooldownTable {
  /** Actor → packet time of its last finding, oldest first. */
  private readonly last = new Map<string, number>();
  private prunedAt = -Infinity;

  constructor(
    private readonly max: number,
    private readonly cooldownSec: number,
    private readonly counters: Counters,
  ) {}

  get size(): number {
    return this.last.size;
  }

  /** True (and the cooldowns of the identity and of the client IP start) when neither was reported within the cooldown. */
  take(identity: string | null, client: string, ts: number): boolean {
    const ip = `ip:${client}`;
    if (this.cooling(ip, ts) || (identity !== null && this.cooling(identity, ts))) {
      this.counters.inc('detectors.mass-assignment.cooldown_suppressed');
      return false;
    }
    this.start(ip, ts);
    if (identity !== null && identity !== ip) this.start(identity, ts);
    return true;
  }

  private cooling(actor: string, ts: number): boolean {
    const at = this.last.get(actor);
    return at !== undefined && ts - at < this.cooldownSec;
  }

  private start(actor: string, ts: number): void {
    if (this.last.has(actor)) this.last.delete(actor);
    else if (this.last.size >= this.max) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
      this.counters.inc('detectors.mass-assignment.actors_overflow');
    }
    this.last.set(actor, ts);
  }

  /** Forgets actors whose cooldown passed (at most once per cooldown of packet time). */
  prune(now: number): void {
    if (now - this.prunedAt < this.cooldownSec) return;
    this.prunedAt = now;
    for (const [actor, at] of this.last) {
      if (now - at < this.cooldownSec) break;
      this.last.delete(actor);
    }
  }
}
