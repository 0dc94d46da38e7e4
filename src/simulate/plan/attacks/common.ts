// What attacks share: their scope (id, attacker, window, params), source addresses, the client and
// user agent an attacker uses, throwaway accounts, and pacing over the attack's window.
import type { Rng } from '../../prng';
import { US_PER_MIN, US_PER_SEC } from '../../clock';
import { PATHS } from '../../spec';
import { HOSTING, RESIDENTIAL, TOR, type AddressPool } from '../../world/addresses';
import { mimicAgent, TOOL_AGENTS, type ClientKind, type Device } from '../../world/devices';
import { personalPassword } from '../../world/build';
import type { PlanContext, IssuedToken } from '../context';
import { loginAttempt } from '../login';
import type { Visit } from '../types';
import { json, VisitBuilder } from '../visit-builder';
import type { AttackParams } from './params';

export interface AttackScope {
  readonly ctx: PlanContext;
  readonly rng: Rng;
  readonly params: AttackParams;
  /** Attack id (the label of its requests). */
  readonly id: string;
  /** Actor id of the attacker. */
  readonly attacker: string;
  readonly start: number;
  readonly end: number;
  readonly addresses: AddressPool;
}

export interface AttackPlan {
  readonly visits: Visit[];
  /** Actors besides the attacker (owners of stolen credentials, insiders). */
  readonly alsoActors?: readonly string[];
  readonly usernames: readonly string[];
  /** What else the labels should say about how it was generated. */
  readonly extra?: Readonly<Record<string, number | string | boolean>>;
}

/** Source addresses: hosting and VPS by default, residential proxies and Tor when spread. */
export function sourceIps(scope: AttackScope, count: number): string[] {
  const spread = scope.params.stealth === 'spread';
  return Array.from({ length: count }, () => scope.addresses.take(spread ? scope.rng.pick([...RESIDENTIAL, ...RESIDENTIAL, TOR]) : scope.rng.pick(HOSTING)));
}

export interface AttackerClient {
  readonly device: Device;
  readonly userAgent: string | null;
}

/** The program an attacker runs: a script (node:http or urllib) with a tool user agent, or a copied browser one. */
export function attackerClient(scope: AttackScope, preferred: ClientKind): AttackerClient {
  const { rng, params } = scope;
  if (params.stealth === 'mimic') {
    const ua = mimicAgent(rng);
    return { device: { app: 'tool', client: preferred === 'python-urllib' ? 'python-urllib' : rng.pick<ClientKind>(['fetch', 'node-http']), userAgent: ua, os: ua.includes('Windows') ? 'windows' : 'linux' }, userAgent: ua };
  }
  if (preferred === 'python-urllib' || preferred === 'curl') return { device: { app: 'tool', client: preferred, userAgent: null, os: 'linux' }, userAgent: null };
  const ua = rng.pick(TOOL_AGENTS);
  return { device: { app: 'tool', client: preferred, userAgent: ua, os: 'linux' }, userAgent: ua };
}

/** Times of `count` requests over the window: even with jitter, or irregular when slow. */
export function pace(scope: AttackScope, count: number): number[] {
  const { rng } = scope;
  const span = Math.max(scope.end - scope.start, count * 20_000);
  const gap = span / Math.max(1, count);
  const times: number[] = [];
  let t = scope.start;
  for (let i = 0; i < count; i++) {
    times.push(Math.round(t));
    t += scope.params.stealth === 'slow' ? rng.exponential(gap) : gap * rng.between(0.7, 1.3);
  }
  return times;
}

/** A throwaway account: signs up and logs in; the visit continues with its token. */
export function throwawayAccount(scope: AttackScope, b: VisitBuilder): { email: string; token: IssuedToken } {
  const { rng, ctx } = scope;
  const email = `${rng.chars(rng.int(6, 10), 'abcdefghijklmnopqrstuvwxyz0123456789')}@${rng.pick(['mailinator.com', 'tempmail.dev', 'proton.me', 'gmail.com', 'yopmail.com'])}`;
  const password = personalPassword(rng);
  b.call('POST', PATHS.signup, { body: json({ name: email.split('@')[0], email, number: `${rng.int(200, 989)}${rng.int(1000000, 9999999)}`, password }) });
  ctx.secret(scope.attacker, password);
  b.wait(rng.between(2, 10) * US_PER_SEC);
  const token = loginAttempt(b, ctx, { actor: scope.attacker, email, role: 'user' }, password, true);
  if (token === null) throw new Error('throwaway login failed');
  b.wait(rng.between(1, 5) * US_PER_SEC);
  return { email, token };
}

/** A visit of the attacker; each source address (and lane) runs side by side with the others. */
export function attackerVisit(scope: AttackScope, b: VisitBuilder, ip: string, client: AttackerClient, rttUs?: number, lane = ''): Visit {
  return b.build({ actor: scope.attacker, lane: `${ip}/${lane}`, label: scope.id, ip, device: client.device, userAgent: client.userAgent, rttUs: rttUs ?? scope.rng.between(30_000, 180_000), hops: scope.rng.int(10, 22) });
}

/** A builder for a script's requests (no human pause after each call). */
export function script(scope: AttackScope, t: number): VisitBuilder {
  return new VisitBuilder(scope.rng, t, true);
}

export function minutes(n: number): number {
  return n * US_PER_MIN;
}
