// Traffic of a Petstore-style user API (`/user/{username}` beside the literal `/user/login`,
// `/user/logout`, `/user/createWithList`), as independent clients make it: usernames in every style
// people pick, users created with or without optional fields, lookups of names that do not exist.
// Deterministic per seed (test/helpers/prng.ts).
import { prng } from './prng';

export interface UserCall {
  method: string;
  path: string;
  requestKeys: string[];
  responseKeys: string[];
  /** HTTP status the server answered. */
  status: number;
}

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'zoe', 'anna', 'omar', 'li', 'kenji', 'priya'];
const LAST = ['smith', 'jones', 'kowalski', 'nguyen', 'garcia', 'muller', 'rossi', 'tanaka', 'okafor', 'silva', 'novak', 'haddad'];
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const REQUIRED = ['id', 'username', 'firstName', 'lastName', 'email', 'password'];
const OPTIONAL = ['phone', 'userStatus'];
export const PAYMENT_KEYS = ['id', 'type', 'last4', 'expiry'];

/** One username in one of the styles seen on real sign-up forms. */
function username(rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const num = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  switch (Math.floor(rnd() * 9)) {
    case 0:
      return `user${num(1, 99999)}`; // user7 ... user48213
    case 1:
      return `${pick(FIRST)}.${pick(LAST)}`;
    case 2:
      return `${pick(FIRST)}_${num(1, 999)}`;
    case 3:
      return Array.from({ length: num(5, 8) }, () => pick([...ALNUM])).join(''); // x7k2p
    case 4:
      return `${pick(FIRST)}.${pick(LAST)}@example.com`;
    case 5:
      return `${pick(FIRST)[0] ?? 'j'}${pick(LAST)}${num(1960, 2024)}`; // jsmith1987
    case 6:
      return `${pick(FIRST)}${pick(LAST).replace(/^./, (c) => c.toUpperCase())}`; // aliceSmith
    case 7:
      return `${pick(FIRST)}-${pick(LAST)}`;
    default:
      return pick(FIRST) + (rnd() < 0.5 ? '' : String(num(1, 99)));
  }
}

/**
 * `sessions` client sessions: log in, work on a few users (create, read, update, read payment
 * methods, sometimes delete, sometimes look up a name that does not exist), log out.
 */
export function userTraffic(seed: number, sessions = 120): UserCall[] {
  const rnd = prng(seed);
  const users: { name: string; keys: string[] }[] = [];
  const out: UserCall[] = [];
  const userKeys = (): string[] => [...REQUIRED, ...OPTIONAL.filter(() => rnd() < 0.6)];
  const newUser = (): { name: string; keys: string[] } => {
    let name = username(rnd);
    while (users.some((u) => u.name === name) || ['login', 'logout', 'createWithList'].includes(name)) name = username(rnd);
    const u = { name, keys: userKeys() };
    users.push(u);
    return u;
  };
  const enc = encodeURIComponent;
  for (let s = 0; s < sessions; s++) {
    out.push({ method: 'GET', path: '/user/login', requestKeys: ['username', 'password'], responseKeys: [], status: 200 });
    const ops = 2 + Math.floor(rnd() * 5);
    for (let o = 0; o < ops; o++) {
      const r = rnd();
      if (r < 0.2 || users.length < 3) {
        const u = newUser();
        out.push({ method: 'POST', path: '/user', requestKeys: u.keys, responseKeys: u.keys, status: 200 });
      } else if (r < 0.25) {
        const batch = [newUser(), newUser()];
        out.push({ method: 'POST', path: '/user/createWithList', requestKeys: [...new Set(batch.flatMap((u) => u.keys))], responseKeys: [], status: 200 });
      } else if (r < 0.3) {
        // a name nobody registered: 404 with a text body
        out.push({ method: 'GET', path: `/user/${enc(username(rnd))}`, requestKeys: [], responseKeys: [], status: 404 });
      } else {
        const u = users[Math.floor(rnd() * users.length)] as { name: string; keys: string[] };
        const what = rnd();
        if (what < 0.5) out.push({ method: 'GET', path: `/user/${enc(u.name)}`, requestKeys: [], responseKeys: u.keys, status: 200 });
        else if (what < 0.7) out.push({ method: 'PUT', path: `/user/${enc(u.name)}`, requestKeys: u.keys, responseKeys: [], status: 200 });
        else if (what < 0.85) out.push({ method: 'GET', path: `/user/${enc(u.name)}/payment-methods`, requestKeys: [], responseKeys: PAYMENT_KEYS, status: 200 });
        else {
          out.push({ method: 'DELETE', path: `/user/${enc(u.name)}`, requestKeys: [], responseKeys: [], status: 200 });
          users.splice(users.indexOf(u), 1);
        }
      }
    }
    out.push({ method: 'GET', path: '/user/logout', requestKeys: [], responseKeys: [], status: 200 });
  }
  return out;
}
