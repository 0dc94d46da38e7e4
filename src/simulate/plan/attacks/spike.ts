// Spike: a flood from one source (or a few), hundreds of requests a second for a minute or two against
// a couple of endpoints; the API starts answering 429.
import { US_PER_SEC } from '../../clock';
import { PATHS } from '../../spec';
import type { Auth } from '../types';
import { attackerClient, attackerVisit, sourceIps, throwawayAccount, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

export function planSpike(scope: AttackScope): AttackPlan {
  const { rng, params } = scope;
  const count = attackSize(params);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, 'node-http');
  const setup = script(scope, scope.start - rng.between(30, 300) * US_PER_SEC);
  const authenticated = rng.chance(0.7);
  const account = authenticated ? throwawayAccount(scope, setup) : null;
  const auth: Auth | undefined = account ? { kind: 'bearer', token: account.token.token } : undefined;
  const targets = rng.sample([PATHS.products, `${PATHS.recentPosts}?limit=30&offset=0`, PATHS.dashboard, PATHS.mechanics], rng.int(1, 2));
  // a flood opens several connections at once from each source
  const lanes = params.intensity === 'high' ? 4 : 2;
  const builders = ips.flatMap((ip, i) => Array.from({ length: lanes }, (_, lane) => ({ ip, lane, b: i === 0 && lane === 0 ? setup : script(scope, scope.start) })));
  const gapUs = (params.duration * 60 * US_PER_SEC) / count;
  for (let i = 0; i < count; i++) {
    const slot = builders[i % builders.length];
    if (!slot) continue;
    slot.b.t = Math.max(slot.b.t, scope.start + i * gapUs);
    slot.b.call('GET', rng.pick(targets), auth ? { auth } : {});
  }
  const rtt = rng.between(5_000, 40_000);
  const visits = builders.map(({ ip, lane, b }) => attackerVisit(scope, b, ip, client, rtt, String(lane)));
  return { visits, usernames: account ? [account.email] : [], extra: { rps: Math.round(count / (params.duration * 60)), authenticated } };
}
