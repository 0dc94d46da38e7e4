// Injection: payloads of each class in the places an API takes input (query parameters, path
// segments, JSON body fields, the login form), encoded the ways scanners and scripts encode them,
// with now and then the unmodified request a scanner sends to compare answers.
import { MECHANIC_API, PATHS, order, post, postComment, vehicleLocation } from '../../spec';
import type { Auth } from '../types';
import { json, type VisitBuilder } from '../visit-builder';
import { attackerClient, attackerVisit, pace, sourceIps, throwawayAccount, type AttackPlan, type AttackScope, script } from './common';
import { attackSize } from './params';
import { encodeForUrl, payload, PAYLOAD_CLASSES, type PayloadClass } from './payloads';

type Place = (value: string, b: VisitBuilder, auth: Auth) => void;

function placesFor(scope: AttackScope, kind: PayloadClass): Place[] {
  const { rng, ctx } = scope;
  const url = (v: string): string => encodeForUrl(rng, v);
  const anyPost = (): string => rng.pick(ctx.postsAt(scope.start).slice(-30).concat(ctx.world.posts.map((p) => p.id)).slice(0, 40));
  const query: Place[] = [
    (v, b, auth) => b.call('GET', `${PATHS.recentPosts}?limit=${url(v)}&offset=0`, { auth }),
    (v, b, auth) => b.call('GET', `${PATHS.recentPosts}?limit=30&offset=${url(v)}`, { auth }),
    (v, b, auth) => b.call('GET', `${PATHS.mechanicReport}?report_id=${url(v)}`, { auth }),
    (v, b, auth) => b.call('GET', `${PATHS.allOrders}?limit=30&offset=0&status=${url(v)}`, { auth }),
    (v, b, auth) => b.call('POST', `${PATHS.returnOrder}?order_id=${url(v)}`, { auth }),
  ];
  const path: Place[] = [
    (v, b, auth) => b.call('GET', order(url(v)), { auth }),
    (v, b, auth) => b.call('GET', post(url(v)), { auth }),
    (v, b, auth) => b.call('GET', vehicleLocation(url(v)), { auth }),
  ];
  const body: Place[] = [
    (v, b, auth) => b.call('POST', PATHS.validateCoupon, { auth, body: json({ coupon_code: v }) }),
    (v, b, auth) => b.call('POST', postComment(anyPost()), { auth, body: json({ content: v }) }),
    (v, b, auth) => b.call('POST', PATHS.posts, { auth, body: json({ title: rng.pick(['hi', 'test', 'question']), content: v }) }),
    (v, b, auth) => b.call('POST', PATHS.changeEmail, { auth, body: json({ old_email: 'me@example.com', new_email: v }) }),
    (v, b) => b.call('POST', PATHS.login, { body: json({ email: v, password: 'x' }) }),
  ];
  const mechanic = (field: 'mechanic_api' | 'problem_details'): Place => (v, b, auth) =>
    b.call('POST', PATHS.contactMechanic, {
      auth, body: json({ mechanic_code: 'TRAC_JHN', problem_details: field === 'problem_details' ? v : 'noise', vin: 'X', mechanic_api: field === 'mechanic_api' ? v : MECHANIC_API, repeat_request_if_failed: false, number_of_repeats: 1 }),
    });
  switch (kind) {
    case 'sqli': return [...query, ...path, ...body];
    case 'xss': return [...query.slice(0, 2), ...body.slice(1, 4)];
    case 'traversal': return [...path, query[2] as Place, mechanic('problem_details')];
    case 'command': return [mechanic('problem_details'), ...query.slice(2, 4), body[0] as Place];
    case 'ssrf': return [mechanic('mechanic_api'), mechanic('mechanic_api'), query[3] as Place];
    case 'template': return [...body.slice(1, 3), query[0] as Place];
    case 'nosql':
      return [
        (v, b, auth) => b.call('POST', PATHS.validateCoupon, { auth, body: `{"coupon_code":${v}}` }),
        (v, b) => b.call('POST', PATHS.login, { body: `{"email":${v},"password":${v}}` }),
        (v, b, auth) => b.call('GET', `${PATHS.allOrders}?limit=30&offset=0&status[$ne]=${encodeURIComponent(v.length > 0 ? 'delivered' : '')}`, { auth }),
      ];
  }
}

export function planInjection(scope: AttackScope): AttackPlan {
  const { rng, params } = scope;
  const count = attackSize(params);
  const ips = sourceIps(scope, params.sources);
  const client = attackerClient(scope, rng.pick(['node-http', 'python-urllib', 'curl'] as const));
  const times = pace(scope, count);
  const setup = script(scope, scope.start - rng.between(60, 600) * 1_000_000);
  const { email, token } = throwawayAccount(scope, setup);
  const auth: Auth = { kind: 'bearer', token: token.token };
  const builders = new Map<string, VisitBuilder>([[ips[0] ?? '0.0.0.0', setup]]);
  const classes = new Set<string>();
  for (const [i, at] of times.entries()) {
    const ip = ips[i % ips.length] ?? '0.0.0.0';
    let b = builders.get(ip);
    if (!b) builders.set(ip, (b = script(scope, at)));
    b.t = Math.max(b.t, at);
    if (rng.chance(0.15)) {
      b.call('GET', `${PATHS.recentPosts}?limit=30&offset=0`, { auth });
      continue;
    }
    const kind: PayloadClass = params.variant === 'mixed' ? rng.pick(PAYLOAD_CLASSES) : (params.variant as PayloadClass);
    classes.add(kind);
    rng.pick(placesFor(scope, kind))(payload(rng, kind), b, auth);
  }
  const visits = [...builders.entries()].map(([ip, b]) => attackerVisit(scope, b, ip, client));
  return { visits, usernames: [email], extra: { classes: [...classes].sort().join(' ') } };
}
