// Token and key abuse: a customer's live token replayed from a new address while its owner is active
// elsewhere (and used to take the account over), a token used hours after it expired, or a service's
// API key used from outside on endpoints that service never calls.
import { US_PER_HOUR, US_PER_MIN } from '../../clock';
import { PATHS, order, vehicleLocation } from '../../spec';
import type { Auth } from '../types';
import { json } from '../visit-builder';
import type { IssuedToken } from '../context';
import { attackerClient, attackerVisit, sourceIps, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

/** A token issued before `at` and valid until after it, or expired by `at` when `expired`. */
function stolenToken(scope: AttackScope, expired: boolean): { token: IssuedToken; owner: string } | null {
  const { ctx, rng } = scope;
  const candidates: { token: IssuedToken; owner: string }[] = [];
  for (const person of ctx.world.people) {
    if (person.role !== 'user') continue;
    for (const t of ctx.tokens.get(person.email) ?? []) {
      const fits = expired ? t.expUs < scope.start - US_PER_HOUR && t.expUs > scope.start - 3 * 24 * US_PER_HOUR : t.iatUs < scope.start && t.expUs > scope.end;
      if (fits) candidates.push({ token: t, owner: person.id });
    }
  }
  // prefer owners who are active during the attack (the token is in use on their own device)
  const busy = candidates.filter((c) => (ctx.activity.get(c.owner) ?? []).some(([s, e]) => e >= scope.start - 30 * US_PER_MIN && s <= scope.end));
  return busy.length > 0 ? rng.pick(busy) : candidates.length > 0 ? rng.pick(candidates) : null;
}

export function planTokenAbuse(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const count = attackSize(params);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, rng.pick(['node-http', 'fetch'] as const));
  const b = script(scope, scope.start);
  const gap = (scope.end - scope.start) / count;
  const next = (): void => b.wait(params.stealth === 'slow' ? rng.exponential(gap) : gap * rng.between(0.5, 1.5));
  if (params.variant === 'key-misuse') {
    const service = ctx.world.services.find((s) => s.job === 'billing') ?? ctx.world.services[0];
    if (!service) return { visits: [], usernames: [] };
    const auth: Auth = { kind: 'api-key', header: 'X-API-Key', key: service.apiKey };
    ctx.secret(scope.attacker, service.apiKey);
    const people = ctx.world.people.filter((p) => p.role === 'user');
    for (let i = 0; i < count; i++) {
      const pick = rng.int(0, 4);
      if (pick === 0) b.call('GET', `${PATHS.allUsers}?limit=100&offset=${rng.int(0, 3) * 100}`, { auth });
      else if (pick === 1) {
        const car = rng.pick(ctx.world.vehicles);
        b.call('GET', vehicleLocation(car.uuid), { auth });
      } else if (pick === 2) b.call('GET', PATHS.dashboard, { auth });
      else if (pick === 3) b.call('GET', `${PATHS.mechanicReport}?report_id=${rng.int(1, ctx.world.reports.length)}`, { auth });
      else b.call('POST', PATHS.changeEmail, { auth, body: json({ old_email: rng.pick(people).email, new_email: `${rng.chars(8, 'abcdefghijklmnop')}@tempmail.dev` }) });
      next();
    }
    return { visits: [attackerVisit(scope, b, rng.pick(ips), client)], alsoActors: [service.id], usernames: [], extra: { service: service.id } };
  }
  const expired = params.variant === 'expired-token';
  const stolen = stolenToken(scope, expired);
  if (!stolen) return { visits: [], usernames: [] };
  const owner = ctx.world.people.find((p) => p.id === stolen.owner);
  const auth: Auth = { kind: 'bearer', token: stolen.token.token };
  ctx.secret(scope.attacker, stolen.token.token);
  for (let i = 0; i < count; i++) {
    const pick = rng.int(0, 9);
    const car = owner?.vehicles[0];
    if (pick <= 2) b.call('GET', PATHS.dashboard, { auth });
    else if (pick <= 4 && car) b.call('GET', vehicleLocation(car.uuid), { auth });
    else if (pick <= 6) b.call('GET', `${PATHS.allOrders}?limit=30&offset=0`, { auth });
    else if (pick === 7) {
      const at = Math.round(b.t);
      const mine = ctx.orders.ownedBy(owner?.email ?? '', at);
      const one = mine.length > 0 ? rng.pick(mine) : null;
      b.call('GET', one ? () => order(one()) : PATHS.vehicles, { auth });
    } else if (pick === 8 && !expired && owner) b.call('POST', PATHS.changeEmail, { auth, body: json({ old_email: owner.email, new_email: `${owner.email.split('@')[0] ?? 'x'}@tempmail.dev` }) });
    else b.call('GET', PATHS.vehicles, { auth });
    next();
  }
  return { visits: [attackerVisit(scope, b, rng.pick(ips), client)], alsoActors: [stolen.owner], usernames: owner ? [owner.email] : [], extra: { tokenExpired: expired } };
}
