// Insider bulk pull: a support agent or admin, with their own account, device and home address,
// pulls thousands of records at night: big pages of the user and order lists, or (harder to see)
// thousands of calls that each return one customer's order.
import { atLocalHour, US_PER_SEC } from '../../clock';
import { PATHS, order } from '../../spec';
import type { Person } from '../../world/types';
import { loginAttempt } from '../login';
import { script, type AttackPlan, type AttackScope } from './common';
import { attackSize } from './params';

export function planBulkPull(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const staff = ctx.world.people.filter((p) => p.role === 'support' || p.role === 'admin');
  const insider: Person = rng.pick(staff);
  const records = attackSize(params);
  // at night in the insider's own time zone, unless the attack was placed explicitly
  const day = Math.floor((scope.start - ctx.startUs) / 86_400_000_000);
  const start = params.hour === null ? Math.max(ctx.startUs, atLocalHour(ctx.startUs, day, rng.between(0.5, 3.5), insider.utcOffset)) : scope.start;
  const b = script(scope, start);
  const account = { actor: insider.id, email: insider.email, role: insider.role };
  const token = loginAttempt(b, ctx, account, insider.password, true);
  if (!token) return { visits: [], usernames: [] };
  const auth = { kind: 'bearer' as const, token: token.token };
  const windowUs = params.duration * 60 * US_PER_SEC;
  let calls = 0;
  if (params.variant === 'many-small') {
    const count = Math.round(records / 3);
    const gap = windowUs / count;
    const first = rng.int(1, Math.max(1, ctx.world.orders.length - count));
    for (let i = 0; i < count; i++, calls++) {
      b.call('GET', order(first + i), { auth });
      b.wait(params.stealth === 'slow' ? rng.exponential(gap) : gap * rng.between(0.6, 1.4));
    }
  } else {
    const pages = Math.max(2, Math.round(records / 100));
    const gap = windowUs / pages;
    const users = ctx.world.dormant.length + ctx.world.people.length;
    for (let i = 0; i < pages; i++, calls++) {
      const usersPages = Math.ceil(users / 100);
      b.call('GET', i < usersPages ? `${PATHS.allUsers}?limit=100&offset=${i * 100}` : `${PATHS.allOrders}?limit=100&offset=${(i - usersPages) * 100}`, { auth });
      b.wait(gap * rng.between(0.5, 1.5));
    }
  }
  const home = insider.homeIps[0] ?? ctx.world.staffVpnIp;
  const device = insider.devices[0];
  if (!device) return { visits: [], usernames: [] };
  const visit = b.build({ actor: insider.id, label: scope.id, ip: rng.chance(0.5) ? ctx.world.staffVpnIp : home, device, rttUs: rng.between(20_000, 45_000), hops: 14 });
  return { visits: [visit], usernames: [insider.email], extra: { records, calls } };
}
