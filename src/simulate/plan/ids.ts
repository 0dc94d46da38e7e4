// Sequential ids (orders, service reports) for objects created during the week. The planner
// reserves one at the creating request's time; once every visit is planned the reservations are
// numbered in time order, as the API's database sequence would number them.
import type { PendingId } from './types';

interface Reservation {
  readonly at: number;
  readonly order: number;
  readonly owner: string;
  readonly pending: PendingId;
}

export class SequentialIds {
  private readonly reservations: Reservation[] = [];
  private numbered = false;

  /** `initial` ids exist before the scenario starts (1..initial), with their owners. */
  constructor(private readonly initial: readonly { id: number; owner: string }[]) {}

  reserve(at: number, owner: string): PendingId {
    const pending: PendingId = { value: null };
    this.reservations.push({ at, order: this.reservations.length, owner, pending });
    return pending;
  }

  /** Numbers every reservation in time order. */
  assign(): void {
    const sorted = [...this.reservations].sort((a, b) => a.at - b.at || a.order - b.order);
    let next = this.initial.length + 1;
    for (const r of sorted) r.pending.value = next++;
    this.numbered = true;
  }

  /** The highest id that exists at `at` (after `assign`). */
  maxAt(at: number): number {
    if (!this.numbered) throw new Error('ids read before they were assigned');
    let max = this.initial.length;
    for (const r of this.reservations) if (r.at <= at && r.pending.value !== null && r.pending.value > max) max = r.pending.value;
    return max;
  }

  /** Ids of `owner` that exist at `at`; pending ones are read through their reservation. */
  ownedBy(owner: string, at: number): (() => number)[] {
    const ids: (() => number)[] = this.initial.filter((r) => r.owner === owner).map((r) => () => r.id);
    for (const r of this.reservations) if (r.owner === owner && r.at < at) ids.push(() => valueOf(r.pending));
    return ids;
  }
}

export function valueOf(pending: PendingId): number {
  if (pending.value === null) throw new Error('an id was read before the week was numbered');
  return pending.value;
}
