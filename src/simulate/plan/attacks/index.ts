// The attacks of a scenario: the ones asked for (`--attack TYPE:params`) and, unless turned off, a
// handful of each selected type at varied intensity, stealth and variant, spread over the days.
import { ATTACK_TYPES, type AttackType, type ScenarioActor } from '../../../core/scenario-labels';
import { US_PER_DAY, US_PER_HOUR, US_PER_MIN } from '../../clock';
import type { Rng } from '../../prng';
import type { AddressPool } from '../../world/addresses';
import type { PlanContext } from '../context';
import type { Visit } from '../types';
import { planBruteForce } from './brute-force';
import { planBulkPull } from './bulk-pull';
import type { AttackPlan, AttackScope } from './common';
import { planCredentialStuffing } from './credential-stuffing';
import { planEnumeration } from './enumeration';
import { planInjection } from './injection';
import { planMassAssignment } from './mass-assignment';
import { labelParams, STEALTH, VARIANTS, withDefaults, type AttackParams, type Intensity } from './params';
import { planScraping } from './scraping';
import { planSpike } from './spike';
import { planTokenAbuse } from './token-abuse';

const PLANNERS: Readonly<Record<AttackType, (scope: AttackScope) => AttackPlan>> = {
  'credential-stuffing': planCredentialStuffing,
  'brute-force': planBruteForce,
  'token-abuse': planTokenAbuse,
  'bulk-pull': planBulkPull,
  enumeration: planEnumeration,
  scraping: planScraping,
  injection: planInjection,
  'mass-assignment': planMassAssignment,
  spike: planSpike,
};

const CREDENTIAL: Readonly<Record<AttackType, ScenarioActor['credential']>> = {
  'credential-stuffing': 'login', 'brute-force': 'login', 'token-abuse': 'bearer-jwt', 'bulk-pull': 'bearer-jwt', enumeration: 'bearer-jwt',
  scraping: 'bearer-jwt', injection: 'bearer-jwt', 'mass-assignment': 'bearer-jwt', spike: 'bearer-jwt',
};

export interface AttackRequest {
  readonly type: AttackType;
  readonly given: Partial<Record<keyof AttackParams, string>>;
}

export interface PlannedAttack {
  readonly id: string;
  readonly type: AttackType;
  readonly params: Record<string, number | string | boolean>;
  readonly actors: string[];
  readonly usernames: string[];
  readonly visits: Visit[];
}

/** The default attacks: per type, about three a week (at least one), at low, medium and high intensity. */
export function defaultAttacks(rng: Rng, types: readonly AttackType[], days: number): AttackRequest[] {
  const perType = Math.max(1, Math.round((3 * days) / 7));
  const out: AttackRequest[] = [];
  for (const type of ATTACK_TYPES) {
    if (!types.includes(type)) continue;
    const intensities = rng.sample<Intensity>(['medium', 'low', 'high'], 3);
    for (let i = 0; i < perType; i++) {
      const variants = VARIANTS[type];
      const stealth = i === 0 ? 'none' : rng.pick(STEALTH);
      out.push({ type, given: { intensity: intensities[i % 3] ?? 'medium', stealth, variant: variants[i % variants.length] ?? variants[0] ?? '' } });
    }
  }
  return out;
}

export function planAttacks(ctx: PlanContext, requests: readonly AttackRequest[], addresses: AddressPool): PlannedAttack[] {
  const planned: PlannedAttack[] = [];
  for (const [index, request] of requests.entries()) {
    const number = String(index + 1).padStart(2, '0');
    const id = `attack-${number}-${request.type}`;
    const attacker = `attacker-${number}`;
    const rng = ctx.rng.fork(`attack/${index}/${request.type}`);
    const params = withDefaults(request.type, request.given, rng);
    let plan: AttackPlan = { visits: [], usernames: [] };
    // a start where the attack fits in the scenario (and, for a stolen token, one that is live then)
    for (let attempt = 0; attempt < 25 && plan.visits.length === 0; attempt++) {
      const lengthUs = params.duration * US_PER_MIN;
      const day = params.day !== null ? Math.min(params.day, ctx.world.days - 1) : rng.int(0, ctx.world.days - 1);
      const hour = params.hour !== null && attempt === 0 ? params.hour : rng.between(0, 24);
      const latest = ctx.endUs - lengthUs - 10 * US_PER_MIN;
      const start = Math.round(Math.max(ctx.startUs + 20 * US_PER_MIN, Math.min(latest, ctx.startUs + day * US_PER_DAY + hour * US_PER_HOUR)));
      plan = PLANNERS[request.type]({ ctx, rng, params, id, attacker, start, end: start + lengthUs, addresses });
    }
    if (plan.visits.length === 0) continue;
    const actors = [...new Set([...plan.visits.map((v) => v.actor), ...(plan.alsoActors ?? [])])].sort();
    if (actors.includes(attacker)) {
      const username = request.type === 'credential-stuffing' || request.type === 'brute-force' ? null : (plan.usernames[0] ?? null);
      ctx.actors.set(attacker, { id: attacker, role: 'attacker', credential: request.type === 'token-abuse' && params.variant === 'key-misuse' ? 'api-key-header' : CREDENTIAL[request.type], username });
    }
    planned.push({ id, type: request.type, params: labelParams(params, plan.extra ?? {}), actors, usernames: [...plan.usernames], visits: plan.visits });
  }
  return planned;
}
