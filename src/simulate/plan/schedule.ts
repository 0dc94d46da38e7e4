// The whole week planned before a byte is sent: the world, the people's and services' visits, the
// attacks, ids numbered in time order, every request resolved; sorted into one deterministic list.
import type { ScenarioActor } from '../../core/scenario-labels';
import { Rng } from '../prng';
import { AddressPool } from '../world/addresses';
import { buildWorld } from '../world/build';
import type { World } from '../world/types';
import { planAttacks, type AttackRequest, type PlannedAttack } from './attacks';
import { PlanContext } from './context';
import { planPeople } from './people';
import { planOutages, planServices } from './services';
import { materialize, visitStart, type PlannedVisit } from './types';

export interface ScheduleOptions {
  readonly seed: number;
  readonly days: number;
  readonly users: number;
  readonly rate: number;
  readonly startUs: number;
  readonly attacks: readonly AttackRequest[];
}

export interface Schedule {
  readonly world: World;
  readonly visits: readonly PlannedVisit[];
  readonly attacks: readonly Omit<PlannedAttack, 'visits'>[];
  readonly actors: readonly Omit<ScenarioActor, 'ips'>[];
  readonly outages: readonly [number, number][];
}

export function buildSchedule(options: ScheduleOptions): Schedule {
  const world = buildWorld({ seed: options.seed, startUs: options.startUs, days: options.days, users: options.users });
  const ctx = new PlanContext(world, new Rng(options.seed, 'plan'), options.rate);
  planOutages(ctx);
  const normal = [...planPeople(ctx), ...planServices(ctx)];
  const addresses = new AddressPool(new Rng(options.seed, 'attack-addresses'));
  for (const v of normal) addresses.reserve(v.ip);
  for (const p of world.people) for (const ip of [...p.homeIps, ...p.mobileIps, p.workIp ?? '']) addresses.reserve(ip);
  const attacks = planAttacks(ctx, options.attacks, addresses);
  ctx.orders.assign();
  ctx.reports.assign();
  const all = [...normal, ...attacks.flatMap((a) => a.visits)].filter((v) => v.steps.length > 0);
  all.sort((a, b) => visitStart(a) - visitStart(b) || a.actor.localeCompare(b.actor) || a.lane.localeCompare(b.lane));
  all.forEach((v, i) => (v.id = i));
  const visits = all.map(materialize);
  const actors = [...ctx.actors.values()].map((a) => ({ ...a, secrets: ctx.secretsOf(a.id) })).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return { world, visits, attacks: attacks.map(({ visits: _visits, ...rest }) => rest), actors, outages: ctx.outages };
}
