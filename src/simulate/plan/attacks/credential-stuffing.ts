// Credential stuffing: pairs from a breach list (mostly addresses that never had an account here, a
// few real customers, fewer still who reused their password) tried against the login, from one or
// many addresses; a success is followed by a look at the account.
import { PATHS } from '../../spec';
import { LEAK_DOMAINS, WEAK_WORDS, FIRST_NAMES, LAST_NAMES } from '../../world/names';
import { loginAttempt } from '../login';
import type { VisitBuilder } from '../visit-builder';
import { attackerClient, attackerVisit, pace, sourceIps, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

export function leakedPassword(scope: AttackScope): string {
  const { rng } = scope;
  const word = rng.pick(WEAK_WORDS);
  const form = rng.int(0, 3);
  if (form === 0) return `${word}${rng.int(1960, 2012)}`;
  if (form === 1) return `${word.charAt(0).toUpperCase()}${word.slice(1)}${rng.int(1, 99)}!`;
  if (form === 2) return `${word}${rng.pick(['123', '1234', '2020', '2023', '69', '007'])}`;
  return `${rng.pick(FIRST_NAMES)}${rng.pick(LAST_NAMES).slice(0, 3)}${rng.int(10, 99)}`;
}

export function planCredentialStuffing(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const attempts = attackSize(params);
  const customers = ctx.world.people.filter((p) => p.role === 'user' && p.joinDay === null);
  const times = pace(scope, attempts);
  const ips = sourceIps(scope, params.sources);
  const usernames = new Set<string>();
  const perIp = new Map<string, VisitBuilder>();
  const clients = new Map(ips.map((ip) => [ip, attackerClient(scope, rng.pick(['node-http', 'node-http', 'python-urllib'] as const))]));
  let successes = 0;
  for (const at of times) {
    const ip = params.stealth === 'spread' ? rng.pick(ips) : (ips[Math.floor(((at - scope.start) / Math.max(1, scope.end - scope.start)) * ips.length)] ?? rng.pick(ips));
    let b = perIp.get(ip);
    if (!b) perIp.set(ip, (b = script(scope, at)));
    b.t = Math.max(b.t, at);
    const real = rng.chance(0.06) ? rng.pick(customers) : null;
    const email = real ? real.email : `${rng.pick(FIRST_NAMES)}${rng.pick(['.', '_', ''])}${rng.pick(LAST_NAMES)}${rng.chance(0.5) ? rng.int(1, 999) : ''}@${rng.pick(LEAK_DOMAINS)}`;
    usernames.add(email);
    // a customer who reused the password of the breached site
    const reused = real !== null && rng.chance(0.2);
    const token = loginAttempt(b, ctx, { actor: scope.attacker, email, role: 'user' }, reused ? real.password : leakedPassword(scope), reused);
    if (token) {
      successes++;
      b.call('GET', PATHS.dashboard, { auth: { kind: 'bearer', token: token.token } });
      b.call('GET', PATHS.vehicles, { auth: { kind: 'bearer', token: token.token } });
    }
  }
  const visits = [...perIp.entries()].map(([ip, b]) => {
    const client = clients.get(ip) ?? attackerClient(scope, 'node-http');
    return attackerVisit(scope, b, ip, client);
  });
  return { visits, usernames: [...usernames].sort(), extra: { attempts, successes } };
}
