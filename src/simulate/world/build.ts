// Builds the world of a seed: customers with their habits, devices, addresses and cars; the support
// desk and admins; service accounts; and the catalogue, orders, posts and reports the API starts with.
import { Rng } from '../prng';
import { US_PER_DAY } from '../clock';
import { AddressPool, CLOUD, INTERNAL, MOBILE, OFFICE, RESIDENTIAL, type Network } from './addresses';
import { TokenAuthority } from './credentials';
import { browser, phone, type Device } from './devices';
import { CAR_MODELS, FIRST_NAMES, LAST_NAMES, MAIL_DOMAINS, POST_SENTENCES, POST_TOPICS, PROBLEMS, PRODUCTS, SYMBOLS, WORDS } from './names';
import type { Habits, Mechanic, Order, Person, Post, Report, Service, Vehicle, World } from './types';

export interface WorldOptions {
  readonly seed: number;
  readonly startUs: number;
  readonly days: number;
  /** Customer accounts (staff and services come on top). */
  readonly users: number;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A password a person would pick: two words, digits, maybe a symbol; never shorter than 10. */
export function personalPassword(rng: Rng): string {
  const base = `${capital(rng.pick(WORDS))}${rng.pick(WORDS)}${rng.int(10, 9999)}`;
  return rng.chance(0.6) ? `${base}${rng.pick([...SYMBOLS])}` : base;
}

/** A short post id as crAPI makes them (22 characters of base57). */
export function postId(rng: Rng): string {
  return rng.chars(22, '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz');
}

export function vin(rng: Rng): string {
  return `${rng.int(0, 9)}${rng.chars(3, 'ABCDEFGHJKLMNPRSTUVWXYZ')}${rng.chars(2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}${rng.int(10, 99)}${rng.chars(1, 'ABCDEFGHJKLMNPRSTUVWXYZ')}${rng.int(100000, 999999)}`;
}

function makeVehicle(rng: Rng, id: number, ownerEmail: string, network: Network): Vehicle {
  const [model, company, fuel] = rng.pick(CAR_MODELS);
  const city = network.utcOffset < -3 ? [40.7, -74.0] : network.utcOffset > 4 ? [19.1, 72.9] : [50.1, 8.7];
  return {
    uuid: rng.uuid(), id, vin: vin(rng), pincode: String(rng.int(1000, 9999)), year: rng.int(2012, 2024), model, company, fuel, ownerEmail,
    lat: Number(((city[0] ?? 0) + rng.between(-0.5, 0.5)).toFixed(6)), lon: Number(((city[1] ?? 0) + rng.between(-0.5, 0.5)).toFixed(6)),
  };
}

function customerHabits(rng: Rng): Habits {
  // an evening-and-weekend car owner, a commuter checking the app at lunch, or a fleet manager at work
  const style = rng.weighted([['evening', 5], ['commuter', 3], ['daytime', 2]] as const);
  const peakHours = style === 'evening' ? [rng.between(18, 22)] : style === 'commuter' ? [rng.between(7, 9), rng.between(12, 13.5), rng.between(17, 19)] : [rng.between(9, 12), rng.between(14, 17)];
  return {
    weekdayActive: rng.between(0.15, 0.75), weekendActive: style === 'daytime' ? rng.between(0.02, 0.2) : rng.between(0.2, 0.7),
    visitsPerDay: rng.between(1, 2.5), peakHours, pagesPerVisit: rng.between(2.5, 7), thinkSec: rng.between(6, 30), homeShare: rng.between(0.2, 0.9),
  };
}

function staffHabits(rng: Rng, role: 'support' | 'admin'): Habits {
  return {
    weekdayActive: 0.95, weekendActive: role === 'support' ? 0.15 : 0.05, visitsPerDay: role === 'support' ? rng.between(12, 22) : rng.between(2, 4),
    peakHours: [9.5, 11, 14, 16], pagesPerVisit: role === 'support' ? rng.between(3, 6) : rng.between(2, 5), thinkSec: rng.between(8, 20), homeShare: rng.between(0.2, 0.5),
  };
}

function emailOf(rng: Rng, first: string, last: string, taken: Set<string>): string {
  for (;;) {
    const form = rng.int(0, 3);
    const local = form === 0 ? `${first}.${last}` : form === 1 ? `${first}${last}${rng.int(1, 99)}` : form === 2 ? `${first[0] ?? 'x'}${last}` : `${first}_${rng.int(1970, 2005)}`;
    const email = `${local}@${rng.pick(MAIL_DOMAINS)}`;
    if (!taken.has(email)) {
      taken.add(email);
      return email;
    }
  }
}

export function buildWorld(options: WorldOptions): World {
  const root = new Rng(options.seed, 'world');
  const pool = new AddressPool(root.fork('addresses'));
  const rng = root.fork('people');
  const emails = new Set<string>();
  const officeNats = Array.from({ length: Math.max(3, Math.round(options.users / 25)) }, () => pool.take(OFFICE));
  const staffOfficeIp = pool.take(OFFICE);
  const staffVpnIp = pool.take(OFFICE);
  const vehicles: Vehicle[] = [];
  const people: Person[] = [];

  const person = (id: string, role: Person['role'], joinDay: number | null): Person => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const home = rng.pick(RESIDENTIAL);
    const email = role === 'user' ? emailOf(rng, first, last, emails) : `${first}.${last}.${id.split('-')[1] ?? '0'}@carworks.example`;
    emails.add(email);
    const devices: Device[] = role === 'user' ? (rng.chance(0.55) ? [phone(rng)] : [browser(rng)]) : [browser(rng)];
    if (role === 'user' && rng.chance(0.35)) devices.push(devices[0]?.app === 'mobile' ? browser(rng) : phone(rng));
    const dynamic = rng.chance(0.4);
    const homeIps = Array.from({ length: dynamic ? Math.ceil(options.days / 3) + 1 : 1 }, () => pool.take(home));
    const mobileNet = MOBILE.find((m) => m.country === home.country) ?? rng.pick(MOBILE);
    const owned = role === 'user' ? rng.weighted([[0, 1], [1, 6], [2, 2], [3, 0.4]] as const) : 0;
    const carList: Vehicle[] = [];
    for (let i = 0; i < owned; i++) {
      const v = makeVehicle(rng, vehicles.length + 1, email, home);
      vehicles.push(v);
      carList.push(v);
    }
    return {
      id, role, name: `${capital(first)} ${capital(last)}`, email, phone: `${rng.int(200, 989)}${rng.int(1000000, 9999999)}`,
      password: personalPassword(rng), utcOffset: home.utcOffset, devices, homeIps, homeIpDays: dynamic ? 3 : options.days + 1,
      workIp: role === 'user' ? (rng.chance(0.5) ? rng.pick(officeNats) : null) : staffOfficeIp,
      mobileIps: Array.from({ length: 4 }, () => pool.take(mobileNet)),
      habits: role === 'user' ? customerHabits(rng) : staffHabits(rng, role), joinDay, vehicles: carList, typoRate: rng.between(0.02, 0.12),
    };
  };

  const newcomers = Math.max(1, Math.round(options.users * 0.06));
  for (let i = 1; i <= options.users; i++) {
    const joins = i > options.users - newcomers && options.days > 1 ? rng.int(1, options.days - 1) : null;
    people.push(person(`user-${i}`, 'user', joins));
  }
  const supportCount = Math.max(2, Math.round(options.users / 60));
  for (let i = 1; i <= supportCount; i++) people.push(person(`support-${i}`, 'support', null));
  people.push(person('admin-1', 'admin', null));

  const services = buildServices(root.fork('services'), pool);
  const data = root.fork('data');
  const products = PRODUCTS.map(([name, price], i) => ({ id: i + 1, name, price }));
  const mechanics: Mechanic[] = ['JHN', 'BOB', 'ALI', 'MEI', 'SAM', 'IVY'].map((n, i) => ({
    id: i + 1, code: `TRAC_${n}`, name: `${capital(data.pick(FIRST_NAMES))} ${capital(data.pick(LAST_NAMES))}`, email: `mech.${n.toLowerCase()}@garage.example`,
  }));
  const customers = people.filter((p) => p.role === 'user' && p.joinDay === null);
  const dormant = Array.from({ length: options.users * 12 }, () => {
    const first = data.pick(FIRST_NAMES);
    const last = data.pick(LAST_NAMES);
    return { name: `${capital(first)} ${capital(last)}`, email: emailOf(data, first, last, emails), phone: `${data.int(200, 989)}${data.int(1000000, 9999999)}` };
  });
  const orders: Order[] = [];
  for (const c of [...customers, ...dormant]) {
    for (let i = data.weighted([[0, 2], [1, 4], [2, 3], [4, 1]] as const); i > 0; i--) {
      orders.push({ id: 0, ownerEmail: c.email, productId: data.int(1, products.length), quantity: data.int(1, 4), status: data.chance(0.9) ? 'delivered' : 'returned', createdUs: options.startUs - data.int(1, 200) * US_PER_DAY });
    }
  }
  orders.sort((a, b) => a.createdUs - b.createdUs);
  const numberedOrders = orders.map((o, i) => ({ ...o, id: i + 1 }));
  const posts: Post[] = Array.from({ length: Math.max(20, Math.round(options.users / 3)) }, () => {
    const author = data.pick(customers.length > 0 ? customers : people);
    return {
      id: postId(data), authorEmail: author.email, title: data.pick(POST_TOPICS), content: data.sample(POST_SENTENCES, data.int(1, 3)).join(' '),
      createdUs: options.startUs - data.int(1, 90) * US_PER_DAY - data.int(0, 86_399) * 1_000_000, comments: [],
    };
  }).sort((a, b) => a.createdUs - b.createdUs);
  const owned = vehicles.filter((v) => customers.some((c) => c.email === v.ownerEmail));
  const reports: Report[] = Array.from({ length: Math.max(10, Math.round(owned.length * 0.6)) }, (_, i) => ({
    id: i + 1, vehicleUuid: data.pick(owned.length > 0 ? owned : vehicles).uuid, mechanicCode: data.pick(mechanics).code, problem: data.pick(PROBLEMS),
    createdUs: options.startUs - (60 - i) * 3600 * 1_000_000, status: data.chance(0.7) ? 'finished' : 'pending',
  }));
  const coupons = [
    { code: 'TRAC075', amount: 75 }, { code: 'SPRING10', amount: 10 }, { code: 'WELCOME20', amount: 20 }, { code: 'WINTERTYRES', amount: 40 },
  ];
  return {
    seed: options.seed, startUs: options.startUs, days: options.days, people, dormant, services, products, mechanics, vehicles, orders: numberedOrders,
    posts, reports, coupons, tokens: new TokenAuthority(options.seed), staffOfficeIp, staffVpnIp,
  };
}

function buildServices(rng: Rng, pool: AddressPool): Service[] {
  const key = (prefix: string): string => `${prefix}_${rng.chars(32)}`;
  const internal = (): string => pool.take(INTERNAL);
  return [
    { id: 'svc-export', name: 'nightly-export', job: 'export', apiKey: key('ck_live'), credential: 'api-key-header', ips: [internal()], device: { app: 'service', client: 'curl', userAgent: null, os: 'linux' } },
    { id: 'svc-billing', name: 'billing-sync', job: 'billing', apiKey: key('ck_live'), credential: 'api-key-header', ips: [internal(), internal()], device: { app: 'service', client: 'node-http', userAgent: 'billing-sync/2.4.1 node/20', os: 'linux' } },
    { id: 'svc-monitor', name: 'uptime-probe', job: 'monitor', apiKey: '', credential: 'none', ips: [internal()], device: { app: 'service', client: 'node-http', userAgent: 'kube-probe/1.28', os: 'linux' } },
    { id: 'svc-partner', name: 'fleet-partner', job: 'partner', apiKey: key('pk'), credential: 'api-key-query', ips: [pool.take(CLOUD), pool.take(CLOUD)], device: { app: 'service', client: 'python-urllib', userAgent: null, os: 'linux' } },
    { id: 'svc-digest', name: 'community-digest', job: 'digest', apiKey: key('ck_live'), credential: 'api-key-header', ips: [internal()], device: { app: 'service', client: 'curl', userAgent: null, os: 'linux' } },
  ];
}
