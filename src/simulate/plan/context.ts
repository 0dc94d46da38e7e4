// What every planner shares while the week is planned: the world, the id sequences, the posts and
// tokens that exist so far, each actor's activity and the secrets each actor sent.
import type { Rng } from '../prng';
import type { World } from '../world/types';
import { SequentialIds } from './ids';
import type { ScenarioActor } from '../../core/scenario-labels';
import type { Visit } from './types';

export interface IssuedToken {
  readonly token: string;
  readonly owner: string;
  readonly iatUs: number;
  readonly expUs: number;
}

export class PlanContext {
  readonly orders: SequentialIds;
  readonly reports: SequentialIds;
  /** Posts created during the week (ids are random strings, known at planning). */
  readonly newPosts: { id: string; at: number }[] = [];
  /** Every token the API issues, by owner email. */
  readonly tokens = new Map<string, IssuedToken[]>();
  /** Visits of each actor (start, end), for attacks that happen while the owner is active. */
  readonly activity = new Map<string, [number, number][]>();
  private readonly secrets = new Map<string, Set<string>>();
  readonly actors = new Map<string, Omit<ScenarioActor, 'ips' | 'secrets'>>();
  /** Short windows where a deploy makes the API answer 502/503. */
  readonly outages: [number, number][] = [];

  constructor(
    readonly world: World,
    readonly rng: Rng,
    /** Multiplier of every actor's activity. */
    readonly rate: number,
  ) {
    this.orders = new SequentialIds(world.orders.map((o) => ({ id: o.id, owner: o.ownerEmail })));
    this.reports = new SequentialIds(world.reports.map((r) => ({ id: r.id, owner: world.vehicles.find((v) => v.uuid === r.vehicleUuid)?.ownerEmail ?? '' })));
  }

  get startUs(): number {
    return this.world.startUs;
  }

  get endUs(): number {
    return this.world.startUs + this.world.days * 86_400_000_000;
  }

  secret(actor: string, value: string): void {
    if (value === '') return;
    let set = this.secrets.get(actor);
    if (!set) this.secrets.set(actor, (set = new Set()));
    set.add(value);
  }

  secretsOf(actor: string): string[] {
    return [...(this.secrets.get(actor) ?? [])].sort();
  }

  addToken(t: IssuedToken): void {
    const list = this.tokens.get(t.owner) ?? [];
    list.push(t);
    this.tokens.set(t.owner, list);
  }

  noteActivity(visit: Visit): void {
    const first = visit.steps[0];
    const last = visit.steps[visit.steps.length - 1];
    if (!first || !last) return;
    const list = this.activity.get(visit.actor) ?? [];
    list.push([first.at, last.at]);
    this.activity.set(visit.actor, list);
  }

  postsAt(at: number): string[] {
    return [...this.world.posts.filter((p) => p.createdUs < at).map((p) => p.id), ...this.newPosts.filter((p) => p.at < at).map((p) => p.id)];
  }
}
