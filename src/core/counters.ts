// Named monotonic counters (anomalies, bound hits, per-stage totals). Names are dotted paths such as
// `decode.vlan.truncated`; every stage counts into one shared registry so summaries and metrics agree.
export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Counters whose name starts with `prefix`, sorted by name. */
  snapshot(prefix = ''): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.values.keys()].sort()) {
      if (name.startsWith(prefix)) out[name] = this.values.get(name) ?? 0;
    }
    return out;
  }
}
