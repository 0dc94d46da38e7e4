// Brute force: one account, many passwords (common ones, then guesses built from the name), from one
// to a few addresses; in the `succeeds` variant the right password comes last and the account is used.
import { PATHS } from '../../spec';
import { loginAttempt } from '../login';
import type { VisitBuilder } from '../visit-builder';
import { leakedPassword } from './credential-stuffing';
import { attackerClient, attackerVisit, pace, sourceIps, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

/** A guess from the victim's own name, as people build passwords ("Rossi2024!"), never the bare name. */
function nameGuess(name: string, suffix: string): string {
  const guess = `${name.charAt(0).toUpperCase()}${name.slice(1)}${suffix}`;
  return guess.length >= 8 ? guess : `${guess}${'2024'.slice(0, 8 - guess.length)}`;
}

export function planBruteForce(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const targets = ctx.world.people.filter((p) => p.joinDay === null && p.role !== 'support');
  const victim = rng.chance(0.2) ? (targets.find((p) => p.role === 'admin') ?? rng.pick(targets)) : rng.pick(targets.filter((p) => p.role === 'user'));
  const attempts = attackSize(params);
  const times = pace(scope, attempts);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, rng.pick(['node-http', 'curl', 'python-urllib'] as const));
  const builders = new Map<string, VisitBuilder>();
  const [first = 'user', last = 'name'] = victim.name.toLowerCase().split(' ');
  const succeeds = params.variant === 'succeeds';
  for (const [i, at] of times.entries()) {
    const ip = ips[i % ips.length] ?? '0.0.0.0';
    let b = builders.get(ip);
    if (!b) builders.set(ip, (b = script(scope, at)));
    b.t = Math.max(b.t, at);
    const lastOne = succeeds && i === times.length - 1;
    const guess = lastOne ? victim.password : rng.chance(0.3) ? nameGuess(rng.pick([first, last, victim.email.split('@')[0] ?? first]), rng.pick(['2024!', '123!', '1985', '#1', '@home', '!!'])) : leakedPassword(scope);
    const right = guess === victim.password;
    const token = loginAttempt(b, ctx, { actor: scope.attacker, email: victim.email, role: victim.role }, guess, right);
    if (token) {
      b.call('GET', PATHS.dashboard, { auth: { kind: 'bearer', token: token.token } });
      b.call('GET', `${PATHS.allOrders}?limit=30&offset=0`, { auth: { kind: 'bearer', token: token.token } });
    }
  }
  const visits = [...builders.entries()].map(([ip, b]) => attackerVisit(scope, b, ip, client));
  return { visits, usernames: [victim.email], alsoActors: succeeds ? [victim.id] : [], extra: { attempts, succeeds } };
}
