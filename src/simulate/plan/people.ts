// The week of every customer, support agent and admin: which days they are active, when their
// visits start (local time, around their own peak hours), from which device and network (the office
// NAT, home, a phone on the go, the VPN on a home-office day), and what they do.
import type { Rng } from '../prng';
import { atLocalHour, isWeekend, US_PER_HOUR, US_PER_MIN, US_PER_SEC } from '../clock';
import { PATHS } from '../spec';
import type { Device } from '../world/devices';
import type { Person } from '../world/types';
import { personalPassword, vin } from '../world/build';
import type { IssuedToken, PlanContext } from './context';
import { personLogin } from './login';
import { adminPages, customerPage, runPage, supportTicket, type PageScope } from './pages';
import type { Visit } from './types';
import { json, VisitBuilder } from './visit-builder';

interface Place {
  readonly ip: string;
  readonly rttUs: number;
  readonly hops: number;
}

function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

function placeOf(rng: Rng, ctx: PlanContext, person: Person, device: Device, day: number, localHour: number, homeDay: boolean): Place {
  const far = Math.abs(person.utcOffset) > 3 ? 70_000 : 0;
  const home = person.homeIps[Math.floor(day / person.homeIpDays) % person.homeIps.length] ?? person.homeIps[0] ?? '0.0.0.0';
  const workHours = localHour >= 8 && localHour < 18;
  if (person.role !== 'user') {
    if (!homeDay && workHours) return { ip: ctx.world.staffOfficeIp, rttUs: rng.between(2_000, 8_000), hops: 4 };
    return rng.chance(0.7) ? { ip: ctx.world.staffVpnIp, rttUs: rng.between(20_000, 45_000), hops: 6 } : { ip: home, rttUs: rng.between(15_000, 40_000) + far, hops: 14 };
  }
  if (device.app === 'mobile' && rng.chance(0.5)) return { ip: rng.pick(person.mobileIps), rttUs: rng.between(45_000, 140_000) + far, hops: 17 };
  if (person.workIp !== null && workHours && !homeDay) return { ip: person.workIp, rttUs: rng.between(8_000, 30_000) + far, hops: 12 };
  return { ip: home, rttUs: rng.between(15_000, 50_000) + far, hops: 15 };
}

/** Start times of one day's visits, in order, at least a few minutes apart. */
function visitStarts(rng: Rng, ctx: PlanContext, person: Person, day: number): number[] {
  const weekend = isWeekend(atLocalHour(ctx.startUs, day, 12, person.utcOffset), person.utcOffset);
  if (!rng.chance(weekend ? person.habits.weekendActive : person.habits.weekdayActive)) return [];
  const count = Math.max(1, poisson(rng, person.habits.visitsPerDay * ctx.rate));
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const hour = Math.min(23.9, Math.max(0.1, rng.pick(person.habits.peakHours) + rng.normal(0, 1.3)));
    starts.push(atLocalHour(ctx.startUs, day, hour, person.utcOffset));
  }
  return starts.sort((a, b) => a - b).filter((t) => t >= ctx.startUs && t < ctx.endUs);
}

export function planPeople(ctx: PlanContext): Visit[] {
  const visits: Visit[] = [];
  const customers = ctx.world.people.filter((p) => p.role === 'user');
  for (const person of ctx.world.people) {
    const rng = ctx.rng.fork(`person/${person.id}`);
    const state = { password: person.password, tokens: new Map<Device, IssuedToken>(), busyUntil: 0 };
    ctx.actors.set(person.id, { id: person.id, role: person.role, credential: 'bearer-jwt', username: person.email });
    for (let day = 0; day < ctx.world.days; day++) {
      if (person.joinDay !== null && day < person.joinDay) continue;
      const homeDay = rng.chance(person.habits.homeShare);
      const starts = visitStarts(rng, ctx, person, day);
      if (person.joinDay === day) starts.unshift(atLocalHour(ctx.startUs, day, rng.between(10, 21), person.utcOffset));
      for (const [index, planned] of starts.entries()) {
        const start = Math.max(planned, state.busyUntil + rng.between(3, 40) * US_PER_MIN);
        if (start >= ctx.endUs) break;
        const device = person.devices.length > 1 && rng.chance(0.35) ? (person.devices[1] as Device) : (person.devices[0] as Device);
        const localHour = (((start - ctx.startUs) / US_PER_HOUR + person.utcOffset) % 24 + 24) % 24;
        const place = placeOf(rng, ctx, person, device, day, localHour, homeDay);
        const b = new VisitBuilder(rng, start);
        const signup = person.joinDay === day && index === 0;
        if (signup) signupPages(b, ctx, rng, person);
        const token = sessionToken(b, ctx, rng, person, device, state);
        const scope: PageScope = { b, ctx, rng, person, auth: { kind: 'bearer', token: token.token }, mobile: device.app === 'mobile' };
        workVisit(scope, customers);
        const visit = b.build({ actor: person.id, label: 'benign', ip: place.ip, device, rttUs: place.rttUs, hops: place.hops });
        state.busyUntil = b.t;
        ctx.noteActivity(visit);
        visits.push(visit);
      }
    }
  }
  return visits;
}

function signupPages(b: VisitBuilder, ctx: PlanContext, rng: Rng, person: Person): void {
  if (rng.chance(0.15)) {
    // the first try with a password the form refuses
    b.call('POST', PATHS.signup, { body: json({ name: person.name, email: person.email, number: person.phone, password: 'short' }) });
    b.think(10, 0.4);
  }
  b.call('POST', PATHS.signup, { body: json({ name: person.name, email: person.email, number: person.phone, password: person.password }) });
  ctx.secret(person.id, person.password);
  b.think(20, 0.5);
}

/** The token of this device if it is still valid; otherwise the app logs in (after a refused call with the stale token, as apps do). */
function sessionToken(b: VisitBuilder, ctx: PlanContext, rng: Rng, person: Person, device: Device, state: { password: string; tokens: Map<Device, IssuedToken> }): IssuedToken {
  const held = state.tokens.get(device);
  if (held && b.t < held.expUs - 2 * US_PER_MIN) return held;
  if (held && device.app === 'mobile' && rng.chance(0.6)) {
    b.call('GET', PATHS.dashboard, { auth: { kind: 'bearer', token: held.token } });
    b.wait(rng.between(0.2, 0.8) * US_PER_SEC);
  }
  const account = { actor: person.id, email: person.email, role: person.role };
  const token = personLogin(b, ctx, rng, account, state, person.typoRate, () => personalPassword(rng));
  state.tokens.set(device, token);
  return token;
}

function workVisit(scope: PageScope, customers: readonly Person[]): void {
  const { b, rng, person } = scope;
  if (person.role === 'support') {
    for (let i = Math.max(1, Math.round(rng.between(0.5, 1.5) * person.habits.pagesPerVisit)); i > 0; i--) {
      supportTicket(scope, customers);
      b.think(person.habits.thinkSec);
    }
    return;
  }
  if (person.role === 'admin') {
    adminPages(scope, customers.length);
    return;
  }
  if (person.joinDay !== null && person.vehicles.length > 0 && rng.chance(0.5)) {
    const car = person.vehicles[0];
    if (car) b.call('POST', PATHS.addVehicle, { auth: scope.auth, body: json({ vin: rng.chance(0.1) ? vin(rng) : car.vin, pincode: car.pincode }) });
  }
  runPage(scope, 'home');
  for (let i = poisson(rng, person.habits.pagesPerVisit); i > 0; i--) {
    b.think(person.habits.thinkSec);
    runPage(scope, customerPage(rng, person, scope.mobile));
  }
}
