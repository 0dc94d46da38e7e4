// Service accounts on their schedules: the nightly bulk export (curl), billing sync (node:http, two
// pods that are redeployed mid-week onto a new address), the uptime probe, a partner polling fleet
// vehicles with a key in the query (python urllib) and a community digest (curl); plus the deploy
// that makes the API answer 502/503 for a few minutes.
import { US_PER_DAY, US_PER_HOUR, US_PER_MIN, US_PER_SEC } from '../clock';
import { PATHS, order, vehicleLocation } from '../spec';
import type { Service } from '../world/types';
import type { PlanContext } from './context';
import type { Auth, Visit } from './types';
import { VisitBuilder } from './visit-builder';

function keyAuth(service: Service): Auth | undefined {
  return service.credential === 'api-key-header' ? { kind: 'api-key', header: 'X-API-Key', key: service.apiKey } : undefined;
}

export function planServices(ctx: PlanContext): Visit[] {
  const visits: Visit[] = [];
  for (const service of ctx.world.services) {
    const rng = ctx.rng.fork(`service/${service.id}`);
    ctx.actors.set(service.id, { id: service.id, role: 'service', credential: service.credential, username: null });
    ctx.secret(service.id, service.apiKey);
    const auth = keyAuth(service);
    const emit = (start: number, ip: string, build: (b: VisitBuilder) => void): void => {
      if (start < ctx.startUs || start >= ctx.endUs) return;
      const b = new VisitBuilder(rng, start);
      build(b);
      const visit = b.build({ actor: service.id, label: 'benign', ip, device: service.device, rttUs: rng.between(300, 1500), hops: 1 });
      ctx.noteActivity(visit);
      visits.push(visit);
    };
    const ipAt = (t: number): string => {
      // the billing pods move to a new node halfway through the week
      const half = ctx.startUs + Math.floor(ctx.world.days / 2) * US_PER_DAY;
      const first = service.ips[0] ?? '0.0.0.0';
      return service.job === 'billing' && service.ips.length > 1 && t >= half ? (service.ips[1] ?? first) : first;
    };
    switch (service.job) {
      case 'export':
        for (let day = 0; day < ctx.world.days; day++) {
          const start = ctx.startUs + day * US_PER_DAY + 2 * US_PER_HOUR + rng.between(-120, 240) * US_PER_SEC;
          emit(start, ipAt(start), (b) => {
            const users = ctx.world.people.length + ctx.world.dormant.length;
            for (let offset = 0; offset < users; offset += 100) {
              b.call('GET', `${PATHS.allUsers}?limit=100&offset=${offset}`, { auth });
              b.wait(rng.between(0.3, 1.2) * US_PER_SEC);
            }
            // pages until a short page, as the export script does; the count is an estimate of the orders by then
            for (let page = 0; page <= Math.ceil((ctx.world.orders.length * (1 + 0.04 * day)) / 200); page++) {
              b.call('GET', `${PATHS.allOrders}?limit=200&offset=${page * 200}`, { auth });
              b.wait(rng.between(0.3, 1.5) * US_PER_SEC);
            }
          });
        }
        break;
      case 'billing':
        for (let t = ctx.startUs + rng.between(0, 15) * US_PER_MIN; t < ctx.endUs; ) {
          const hour = ((t - ctx.startUs) / US_PER_HOUR) % 24;
          emit(t, ipAt(t), (b) => {
            b.call('GET', `${PATHS.allOrders}?status=delivered&limit=50&offset=0`, { auth });
            for (let i = rng.int(0, 3); i > 0; i--) {
              const at = Math.round(b.t);
              const back = rng.int(0, 40);
              b.call('GET', () => order(Math.max(1, ctx.orders.maxAt(at) - back)), { auth });
            }
          });
          t += (hour >= 6 && hour < 22 ? 15 : 60) * US_PER_MIN + rng.between(-20, 20) * US_PER_SEC;
        }
        break;
      case 'monitor':
        for (let t = ctx.startUs + rng.between(0, 300) * US_PER_SEC; t < ctx.endUs; t += 5 * US_PER_MIN + rng.between(-0.05, 0.05) * US_PER_SEC) {
          emit(t, ipAt(t), (b) => b.call('GET', PATHS.health));
        }
        break;
      case 'partner': {
        const fleet = rng.sample(ctx.world.vehicles.filter((v) => ctx.world.people.some((p) => p.email === v.ownerEmail && p.joinDay === null)), 6);
        for (let t = ctx.startUs + rng.between(0, 60) * US_PER_MIN; t < ctx.endUs; t += US_PER_HOUR + rng.between(-30, 30) * US_PER_SEC) {
          emit(t, rng.pick(service.ips), (b) => {
            for (const car of fleet) b.call('GET', `${vehicleLocation(car.uuid)}?api_key=${service.apiKey}`);
          });
        }
        break;
      }
      case 'digest':
        for (let t = ctx.startUs + rng.between(0, 30) * US_PER_MIN; t < ctx.endUs; t += 30 * US_PER_MIN + rng.between(-5, 5) * US_PER_SEC) {
          emit(t, ipAt(t), (b) => b.call('GET', `${PATHS.recentPosts}?limit=10&offset=0`, { auth }));
        }
        break;
    }
  }
  return visits;
}

/** Deploys: every few days a release makes the API answer 502/503 for a few minutes. */
export function planOutages(ctx: PlanContext): void {
  const rng = ctx.rng.fork('deploys');
  for (let day = 1; day < ctx.world.days; day += rng.int(2, 4)) {
    const start = ctx.startUs + day * US_PER_DAY + rng.between(13, 16) * US_PER_HOUR;
    ctx.outages.push([Math.round(start), Math.round(start + rng.between(60, 240) * US_PER_SEC)]);
  }
}
