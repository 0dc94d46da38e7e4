// Enumeration / BOLA: an attacker with an account of its own walks object ids it was never given:
// order ids downwards from its own order (403 for other people's, 404 past the end), service report
// ids (the API answers them: a real BOLA), or vehicle ids harvested from community posts.
import { PATHS, order, vehicleLocation } from '../../spec';
import type { VisitBuilder } from '../visit-builder';
import { json } from '../visit-builder';
import { attackerClient, attackerVisit, pace, sourceIps, throwawayAccount, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

export function planEnumeration(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const count = attackSize(params);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, rng.pick(['node-http', 'python-urllib', 'fetch'] as const));
  const times = pace(scope, count);
  const builders = new Map<string, VisitBuilder>();
  const setup = script(scope, scope.start - rng.between(120, 900) * 1_000_000);
  const { email, token } = throwawayAccount(scope, setup);
  const auth = { kind: 'bearer' as const, token: token.token };
  let ownId: (() => number) | null = null;
  if (params.variant === 'orders') {
    const pending = ctx.orders.reserve(Math.round(setup.t), email);
    setup.call('POST', PATHS.orders, { auth, body: json({ product_id: rng.int(1, ctx.world.products.length), quantity: 1 }), creates: pending });
    ownId = () => pending.value ?? 1;
    setup.call('GET', () => order(pending.value ?? 1), { auth });
  } else if (params.variant === 'vehicles') {
    setup.call('GET', `${PATHS.recentPosts}?limit=100&offset=0`, { auth });
  }
  const direction = rng.chance(0.7) ? -1 : 1;
  const harvested = ctx.world.posts.flatMap((p) => ctx.world.vehicles.filter((v) => v.ownerEmail === p.authorEmail).map((v) => v.uuid));
  const reportStart = rng.int(1, 5);
  for (const [i, at] of times.entries()) {
    const ip = ips[i % ips.length] ?? '0.0.0.0';
    let b = builders.get(ip);
    if (!b) builders.set(ip, (b = ip === ips[0] ? setup : script(scope, at)));
    b.t = Math.max(b.t, at);
    if (params.variant === 'orders') {
      const own = ownId;
      b.call('GET', () => order(Math.max(1, (own ? own() : 1) + direction * (i + 1))), { auth });
    } else if (params.variant === 'reports') {
      b.call('GET', `${PATHS.mechanicReport}?report_id=${reportStart + i}`, { auth });
    } else {
      b.call('GET', vehicleLocation(harvested.length > 0 && rng.chance(0.8) ? rng.pick(harvested) : rng.uuid()), { auth });
    }
  }
  const visits = [...builders.entries()].map(([ip, b]) => attackerVisit(scope, b, ip, client));
  if (!builders.has(ips[0] ?? '')) visits.push(attackerVisit(scope, setup, ips[0] ?? '0.0.0.0', client));
  return { visits, usernames: [email], extra: { ids: count } };
}
