// The API's data in memory, seeded from the world: accounts (active and dormant), vehicles,
// orders, posts, mechanics, reports and coupons, and the JSON views crAPI returns of them.
import type { Order, Post, Report, Vehicle, World } from '../world/types';

export interface Account {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly number: string;
  password: string;
  readonly role: 'user' | 'support' | 'admin';
  credit: number;
  readonly createdUs: number;
  readonly claimedCoupons: Set<string>;
  pendingOtp: string | null;
  otpFailures: number;
}

const START_CREDIT = 2000;

function iso(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace(/\.\d{3}Z$/, '');
}

export class ApiStore {
  readonly accounts = new Map<string, Account>();
  readonly vehicles = new Map<string, Vehicle>();
  readonly vehiclesByVin = new Map<string, Vehicle>();
  readonly ownerOf = new Map<string, string>();
  private readonly carsOf = new Map<string, Vehicle[]>();
  readonly orders = new Map<number, Order>();
  readonly posts = new Map<string, Post>();
  readonly postOrder: string[] = [];
  readonly reports = new Map<number, Report>();
  private nextAccountId = 1;

  constructor(readonly world: World) {
    for (const p of world.people) if (p.joinDay === null) this.addAccount(p.name, p.email, p.phone, p.password, p.role, world.startUs - 90 * 86_400_000_000);
    for (const d of world.dormant) this.addAccount(d.name, d.email, d.phone, `dormant:${d.email}`, 'user', world.startUs - 400 * 86_400_000_000);
    for (const v of world.vehicles) {
      this.vehicles.set(v.uuid, v);
      this.vehiclesByVin.set(v.vin, v);
      if (this.accounts.has(v.ownerEmail)) this.setOwner(v, v.ownerEmail);
    }
    for (const o of world.orders) this.orders.set(o.id, { ...o });
    for (const p of world.posts) this.addPost({ ...p, comments: [] });
    for (const r of world.reports) this.reports.set(r.id, r);
  }

  addAccount(name: string, email: string, number: string, password: string, role: Account['role'], createdUs: number): Account {
    const account: Account = { id: this.nextAccountId++, name, email, number, password, role, credit: START_CREDIT, createdUs, claimedCoupons: new Set(), pendingOtp: null, otpFailures: 0 };
    this.accounts.set(email, account);
    // a newcomer's cars are already in the dealer's records; signing up links them
    for (const v of this.world.vehicles) if (v.ownerEmail === email) this.setOwner(v, email);
    return account;
  }

  addPost(post: Post): void {
    this.posts.set(post.id, post);
    this.postOrder.push(post.id);
  }

  setOwner(v: Vehicle, email: string): void {
    const before = this.ownerOf.get(v.uuid);
    if (before !== undefined) this.carsOf.set(before, (this.carsOf.get(before) ?? []).filter((c) => c.uuid !== v.uuid));
    this.ownerOf.set(v.uuid, email);
    this.carsOf.set(email, [...(this.carsOf.get(email) ?? []).filter((c) => c.uuid !== v.uuid), v]);
  }

  vehiclesOf(email: string): readonly Vehicle[] {
    return this.carsOf.get(email) ?? [];
  }

  accountView(a: Account): Record<string, unknown> {
    return { id: a.id, name: a.name, email: a.email, number: a.number, role: `ROLE_${a.role.toUpperCase()}`, available_credit: a.credit, created_on: iso(a.createdUs) };
  }

  dashboard(a: Account): Record<string, unknown> {
    return { id: a.id, name: a.name, email: a.email, number: a.number, picture_url: null, video_url: null, video_name: null, available_credit: a.credit, video_id: 0, role: `ROLE_${a.role.toUpperCase()}` };
  }

  vehicleView(v: Vehicle): Record<string, unknown> {
    const owner = this.accounts.get(this.ownerOf.get(v.uuid) ?? '');
    return {
      id: v.id, uuid: v.uuid, year: v.year, status: 'ACTIVE', vin: v.vin, pincode: v.pincode,
      owner: owner ? { email: owner.email, number: owner.number } : null,
      model: { model: v.model, fuel_type: v.fuel, vehicle_img: `/images/${v.company.toLowerCase().replace(/\s+/g, '-')}.jpg`, vehiclecompany: { name: v.company } },
      vehicleLocation: { id: v.id, latitude: String(v.lat), longitude: String(v.lon) },
    };
  }

  locationView(v: Vehicle): Record<string, unknown> {
    const owner = this.accounts.get(this.ownerOf.get(v.uuid) ?? '');
    return { carId: v.uuid, vehicleLocation: { id: v.id, latitude: String(v.lat), longitude: String(v.lon) }, fullName: owner?.name ?? null, email: owner?.email ?? null };
  }

  orderView(o: Order): Record<string, unknown> {
    const owner = this.accounts.get(o.ownerEmail);
    const product = this.world.products.find((p) => p.id === o.productId);
    return {
      id: o.id, user: { email: o.ownerEmail, number: owner?.number ?? null },
      product: product ? { id: product.id, name: product.name, price: product.price.toFixed(2), image_url: `images/${product.id}.svg` } : null,
      quantity: o.quantity, status: o.status, created_on: iso(o.createdUs),
    };
  }

  postView(p: Post): Record<string, unknown> {
    const author = this.accounts.get(p.authorEmail);
    const car = this.vehiclesOf(p.authorEmail)[0];
    return {
      id: p.id, title: p.title, content: p.content,
      author: { nickname: author?.name ?? 'unknown', email: p.authorEmail, vehicleid: car?.uuid ?? null, profile_pic_url: '', created_at: iso(p.createdUs) },
      comments: p.comments.map((c) => ({ id: c.id, content: c.content, CreatedAt: iso(c.createdUs), author: { nickname: this.accounts.get(c.authorEmail)?.name ?? 'unknown', email: c.authorEmail } })),
      authorid: author?.id ?? 0, CreatedAt: iso(p.createdUs),
    };
  }

  reportView(r: Report): Record<string, unknown> {
    const v = this.vehicles.get(r.vehicleUuid);
    const m = this.world.mechanics.find((x) => x.code === r.mechanicCode);
    const owner = this.accounts.get(this.ownerOf.get(r.vehicleUuid) ?? '');
    return {
      id: r.id, mechanic: m ? { id: m.id, mechanic_code: m.code, user: { email: m.email, number: '' } } : null,
      vehicle: v ? { id: v.id, vin: v.vin, owner: owner ? { email: owner.email, number: owner.number } : null } : null,
      problem_details: r.problem, status: r.status, created_on: iso(r.createdUs),
    };
  }
}

