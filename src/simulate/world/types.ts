// The simulated world: who uses the API, from where and how, and the data the API starts with.
import type { Device } from './devices';
import type { TokenAuthority } from './credentials';

export interface Habits {
  /** Chance of using the API on a weekday / a weekend day (local time). */
  readonly weekdayActive: number;
  readonly weekendActive: number;
  /** Mean visits on an active day. */
  readonly visitsPerDay: number;
  /** Local hours the visits cluster around. */
  readonly peakHours: readonly number[];
  /** Mean page views per visit and median think time between them. */
  readonly pagesPerVisit: number;
  readonly thinkSec: number;
  /** Share of workdays spent at home instead of the office. */
  readonly homeShare: number;
}

export interface Person {
  readonly id: string;
  readonly role: 'user' | 'support' | 'admin';
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  /** Password at the start of the scenario (a reset changes it). */
  readonly password: string;
  readonly utcOffset: number;
  readonly devices: readonly Device[];
  /** Home addresses: a dynamic ISP hands out a new one every few days. */
  readonly homeIps: readonly string[];
  readonly homeIpDays: number;
  /** Office NAT, shared with colleagues; null for people who do not work in one. */
  readonly workIp: string | null;
  /** Carrier addresses used on the go. */
  readonly mobileIps: readonly string[];
  readonly habits: Habits;
  /** Scenario day the person signs up on; null for accounts older than the scenario. */
  readonly joinDay: number | null;
  readonly vehicles: readonly Vehicle[];
  /** Chance that a login starts with a mistyped password. */
  readonly typoRate: number;
}

export type ServiceJob = 'export' | 'billing' | 'monitor' | 'partner' | 'digest';

export interface Service {
  readonly id: string;
  readonly name: string;
  readonly job: ServiceJob;
  readonly apiKey: string;
  readonly credential: 'api-key-header' | 'api-key-query' | 'none';
  readonly ips: readonly string[];
  readonly device: Device;
}

export interface Vehicle {
  readonly uuid: string;
  readonly id: number;
  readonly vin: string;
  readonly pincode: string;
  readonly year: number;
  readonly model: string;
  readonly company: string;
  readonly fuel: string;
  readonly ownerEmail: string;
  readonly lat: number;
  readonly lon: number;
}

export interface Product {
  readonly id: number;
  readonly name: string;
  readonly price: number;
}

export interface Order {
  readonly id: number;
  readonly ownerEmail: string;
  readonly productId: number;
  readonly quantity: number;
  status: 'delivered' | 'return pending' | 'returned';
  readonly createdUs: number;
}

export interface Post {
  readonly id: string;
  readonly authorEmail: string;
  readonly title: string;
  readonly content: string;
  readonly createdUs: number;
  readonly comments: { id: string; authorEmail: string; content: string; createdUs: number }[];
}

export interface Mechanic {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly email: string;
}

export interface Report {
  readonly id: number;
  readonly vehicleUuid: string;
  readonly mechanicCode: string;
  readonly problem: string;
  readonly createdUs: number;
  readonly status: 'pending' | 'finished';
}

export interface World {
  readonly seed: number;
  readonly startUs: number;
  readonly days: number;
  readonly people: readonly Person[];
  /** Accounts that exist but stay quiet this week: most of a real API's users (they fill the lists). */
  readonly dormant: readonly { readonly name: string; readonly email: string; readonly phone: string }[];
  readonly services: readonly Service[];
  readonly products: readonly Product[];
  readonly mechanics: readonly Mechanic[];
  readonly vehicles: readonly Vehicle[];
  readonly orders: readonly Order[];
  readonly posts: readonly Post[];
  readonly reports: readonly Report[];
  readonly coupons: readonly { code: string; amount: number }[];
  readonly tokens: TokenAuthority;
  /** The operator's office NAT and VPN (staff), for the planner's confounders. */
  readonly staffOfficeIp: string;
  readonly staffVpnIp: string;
}
