// Scraping: a crawler with a throwaway account walks the list endpoints page by page and fetches
// every detail, at a steady machine rate, and comes back to poll the same pages again.
import { US_PER_SEC } from '../../clock';
import { PATHS, post } from '../../spec';
import type { VisitBuilder } from '../visit-builder';
import { attackerClient, attackerVisit, sourceIps, throwawayAccount, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

export function planScraping(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const count = attackSize(params);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, rng.chance(0.7) ? 'python-urllib' : 'node-http');
  const setup = script(scope, scope.start);
  const { email, token } = throwawayAccount(scope, setup);
  const auth = { kind: 'bearer' as const, token: token.token };
  const period = ((scope.end - scope.start) / count) * (params.stealth === 'slow' ? 1 : 1);
  const builders = new Map<string, VisitBuilder>([[ips[0] ?? '0.0.0.0', setup]]);
  let sent = 0;
  let round = 0;
  const targets = (): string[] => {
    const list: string[] = [];
    if (params.variant === 'catalogue') {
      list.push(PATHS.products, PATHS.mechanics);
      for (let offset = 0; offset < 300; offset += 30) list.push(`${PATHS.recentPosts}?limit=30&offset=${offset}`);
    } else {
      for (let offset = 0; offset < 150; offset += 50) list.push(`${PATHS.recentPosts}?limit=50&offset=${offset}`);
    }
    return list;
  };
  let t = setup.t;
  while (sent < count) {
    const posts = ctx.postsAt(Math.round(t));
    const crawl = [...targets(), ...posts.map((id) => post(id))];
    for (const target of crawl) {
      if (sent >= count) break;
      const ip = ips[Math.floor(sent / 50) % ips.length] ?? '0.0.0.0';
      let b = builders.get(ip);
      if (!b) builders.set(ip, (b = script(scope, t)));
      b.t = Math.max(b.t, t);
      b.call('GET', target, { auth });
      sent++;
      // a fixed delay with little spread: the machine's rhythm
      t = b.t + Math.max(0.05 * US_PER_SEC, period * rng.between(0.93, 1.07) - (b.t - t));
    }
    round++;
  }
  const visits = [...builders.entries()].map(([ip, b]) => attackerVisit(scope, b, ip, client));
  return { visits, usernames: [email], extra: { requests: sent, rounds: round } };
}
