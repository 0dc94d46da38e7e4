// What people do in the app, one screen at a time: each page is the API calls that screen makes.
import type { Rng } from '../prng';
import { MECHANIC_API, PATHS, order, post, postComment, vehicleLocation } from '../spec';
import { POST_SENTENCES, POST_TOPICS, PROBLEMS } from '../world/names';
import type { Person } from '../world/types';
import { postId } from '../world/build';
import type { PlanContext } from './context';
import type { Auth } from './types';
import { json, type VisitBuilder } from './visit-builder';

export interface PageScope {
  readonly b: VisitBuilder;
  readonly ctx: PlanContext;
  readonly rng: Rng;
  readonly person: Person;
  readonly auth: Auth;
  readonly mobile: boolean;
}

export type Page = 'home' | 'location' | 'shop' | 'orders' | 'coupon' | 'community' | 'mechanic' | 'profile';

export function customerPage(rng: Rng, person: Person, mobile: boolean): Page {
  const cars = person.vehicles.length > 0 ? 1 : 0;
  return rng.weighted<Page>([
    ['home', 3], ['location', (mobile ? 4 : 1) * cars], ['shop', 2], ['orders', 2], ['coupon', 0.4], ['community', mobile ? 1.5 : 2.5], ['mechanic', 0.8 * cars], ['profile', 0.3],
  ]);
}

export function runPage(s: PageScope, page: Page): void {
  const { b, rng, person, auth } = s;
  const at = (): number => Math.round(b.t);
  switch (page) {
    case 'home':
      b.call('GET', PATHS.dashboard, { auth });
      b.call('GET', PATHS.vehicles, { auth });
      if (!s.mobile) b.call('GET', `${PATHS.recentPosts}?limit=30&offset=0`, { auth });
      return;
    case 'location': {
      const car = rng.pick(person.vehicles);
      // the app refreshes the map while it is open
      for (let i = s.mobile ? rng.int(1, 5) : 1; i > 0; i--) {
        b.call('GET', vehicleLocation(car.uuid), { auth });
        if (i > 1) b.wait(rng.between(8, 14) * 1_000_000);
      }
      return;
    }
    case 'shop': {
      b.call('GET', PATHS.products, { auth });
      if (rng.chance(0.3)) {
        b.think(12, 0.6);
        const id = s.ctx.orders.reserve(at(), person.email);
        b.call('POST', PATHS.orders, { auth, body: json({ product_id: rng.int(1, s.ctx.world.products.length), quantity: rng.int(1, 3) }), creates: id });
        b.call('GET', () => order(id.value ?? 0), { auth });
      }
      return;
    }
    case 'orders': {
      b.call('GET', `${PATHS.allOrders}?limit=30&offset=0`, { auth });
      const mine = s.ctx.orders.ownedBy(person.email, at());
      if (mine.length > 0 && rng.chance(0.6)) {
        const id = rng.pick(mine);
        b.think(6, 0.5);
        b.call('GET', () => order(id()), { auth });
        if (rng.chance(0.06)) b.call('POST', () => `${PATHS.returnOrder}?order_id=${id()}`, { auth });
      } else if (rng.chance(0.05)) {
        // a stale link from an old e-mail
        b.call('GET', order(s.ctx.world.orders.length + 90_000 + rng.int(0, 999)), { auth });
      }
      return;
    }
    case 'coupon': {
      const coupon = rng.pick(s.ctx.world.coupons);
      const typed = rng.chance(0.2) ? coupon.code.toLowerCase().slice(0, -1) : coupon.code;
      b.call('POST', PATHS.validateCoupon, { auth, body: json({ coupon_code: typed }) });
      if (typed === coupon.code) b.call('POST', PATHS.applyCoupon, { auth, body: json({ coupon_code: coupon.code, amount: coupon.amount }) });
      return;
    }
    case 'community': {
      const offset = rng.chance(0.25) ? 30 : 0;
      b.call('GET', `${PATHS.recentPosts}?limit=30&offset=${offset}`, { auth });
      const posts = s.ctx.postsAt(at());
      if (posts.length > 0 && rng.chance(0.7)) {
        b.think(5, 0.6);
        const id = rng.pick(posts.slice(-60));
        b.call('GET', post(id), { auth });
        if (rng.chance(0.15)) {
          b.think(30, 0.5);
          b.call('POST', postComment(id), { auth, body: json({ content: rng.pick(POST_SENTENCES) }) });
        }
      } else if (rng.chance(0.08)) {
        b.think(60, 0.5);
        const id = postId(rng);
        s.ctx.newPosts.push({ id, at: at() });
        b.call('POST', PATHS.posts, { auth, body: json({ title: rng.pick(POST_TOPICS), content: rng.sample(POST_SENTENCES, 2).join(' ') }), creates: id });
      }
      return;
    }
    case 'mechanic': {
      b.call('GET', PATHS.mechanics, { auth });
      const car = rng.pick(person.vehicles);
      if (rng.chance(0.35)) {
        b.think(25, 0.5);
        const id = s.ctx.reports.reserve(at(), person.email);
        const mechanic = rng.pick(s.ctx.world.mechanics);
        b.call('POST', PATHS.contactMechanic, {
          auth, creates: id,
          body: json({ mechanic_code: mechanic.code, problem_details: rng.pick(PROBLEMS), vin: car.vin, mechanic_api: MECHANIC_API, repeat_request_if_failed: false, number_of_repeats: 1 }),
        });
        b.think(4, 0.4);
        b.call('GET', () => `${PATHS.mechanicReport}?report_id=${id.value ?? 0}`, { auth });
      } else {
        const mine = s.ctx.reports.ownedBy(person.email, at());
        if (mine.length > 0) {
          const id = rng.pick(mine);
          b.call('GET', () => `${PATHS.mechanicReport}?report_id=${id()}`, { auth });
        }
      }
      return;
    }
    case 'profile':
      b.call('GET', PATHS.dashboard, { auth });
      if (rng.chance(0.1)) {
        b.think(20, 0.4);
        const [local, domain] = person.email.split('@');
        const bad = rng.chance(0.3);
        b.call('POST', PATHS.changeEmail, { auth, body: json({ old_email: person.email, new_email: bad ? `${local ?? 'me'}.${domain ?? 'mail'}` : `${local ?? 'me'}.new@${domain ?? 'mail.com'}` }) });
      }
      return;
  }
}

/** A support agent working a ticket: one customer's orders, car and service reports, all answered 200. */
export function supportTicket(s: PageScope, customers: readonly Person[]): void {
  const { b, rng, auth, ctx } = s;
  if (rng.chance(0.3)) b.call('GET', `${PATHS.allUsers}?limit=30&offset=${rng.int(0, Math.floor(customers.length / 30)) * 30}`, { auth });
  const customer = rng.pick(customers);
  const at = Math.round(b.t);
  const orders = ctx.orders.ownedBy(customer.email, at);
  for (const id of rng.sample(orders, rng.int(1, 3))) {
    b.call('GET', () => order(id()), { auth });
    b.think(10, 0.6);
  }
  const car = customer.vehicles[0];
  if (car && rng.chance(0.5)) b.call('GET', vehicleLocation(car.uuid), { auth });
  const reports = ctx.reports.ownedBy(customer.email, at);
  if (reports.length > 0 && rng.chance(0.5)) {
    const id = rng.pick(reports);
    b.call('GET', () => `${PATHS.mechanicReport}?report_id=${id()}`, { auth });
  }
}

/** An admin's look at the user list and the catalogue. */
export function adminPages(s: PageScope, userCount: number): void {
  const { b, rng, auth } = s;
  for (let page = 0, pages = rng.int(1, 4); page < pages && page * 50 < userCount + 50; page++) {
    b.call('GET', `${PATHS.allUsers}?limit=50&offset=${page * 50}`, { auth });
    b.think(15, 0.5);
  }
  b.call('GET', PATHS.products, { auth });
  if (rng.chance(0.3)) b.call('GET', `${PATHS.serviceRequests}?limit=30&offset=0`, { auth });
}
