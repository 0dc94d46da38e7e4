// The simulated API answers as a deployed crAPI would, on the simulated clock the relay reports:
// real HTTP requests from node:http to the server on 127.0.0.1.
import t from 'tap';
import http from 'node:http';
import { buildWorld } from '../../../src/simulate/world/build';
import { ApiServer } from '../../../src/simulate/server/api-server';
import type { RequestContext } from '../../../src/simulate/server/types';
import { DEFAULT_START, US_PER_HOUR } from '../../../src/simulate/clock';
import { TOKEN_LIFETIME_SEC } from '../../../src/simulate/world/credentials';
import { PATHS, order, vehicleLocation } from '../../../src/simulate/spec';

const world = buildWorld({ seed: 21, startUs: DEFAULT_START, days: 2, users: 10 });
let now: RequestContext = { simUs: DEFAULT_START + US_PER_HOUR, clientIp: '198.51.100.7', creates: null, noise: 0.5 };
const server = new ApiServer(world, () => now, [[DEFAULT_START + 10 * US_PER_HOUR, DEFAULT_START + 10 * US_PER_HOUR + 60_000_000]]);
let port = 0;

t.before(async () => {
  port = await server.listen();
});
t.teardown(() => server.close());

function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { html: text }, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const customers = world.people.filter((p) => p.role === 'user' && p.joinDay === null);
const alice = customers[0];
const bob = customers.find((p) => p !== alice && world.orders.some((o) => o.ownerEmail === p.email));

t.test('login: a token for the right password, 401 for a wrong one; the token expires on the simulated clock', async (t) => {
  if (!alice) throw new Error('no customer');
  t.equal((await call('POST', PATHS.login, {}, { email: alice.email, password: `${alice.password}x` })).status, 401);
  const ok = await call('POST', PATHS.login, {}, { email: alice.email, password: alice.password });
  t.equal(ok.status, 200);
  const token = String(ok.json['token']);
  t.equal(token, world.tokens.issue(alice.email, 'user', Math.floor(now.simUs / 1e6)), 'the token the planner computes');
  const auth = { authorization: `Bearer ${token}` };
  t.equal((await call('GET', PATHS.dashboard, auth)).json['email'], alice.email);
  t.equal((await call('GET', PATHS.dashboard)).status, 401, 'no token');
  now = { ...now, simUs: now.simUs + (TOKEN_LIFETIME_SEC + 1) * 1e6 };
  const late = await call('GET', PATHS.dashboard, auth);
  t.equal(late.status, 401);
  t.equal(late.json['message'], 'Token expired');
  t.equal(late.headers['date'], new Date(Math.floor(now.simUs / 1000)).toUTCString(), 'Date is the simulated time');
});

t.test("orders: one's own 200, someone else's 403, none 404; support reads any", async (t) => {
  if (!alice || !bob) throw new Error('no customers');
  now = { ...now, simUs: DEFAULT_START + 2 * US_PER_HOUR };
  const login = async (email: string, password: string) => ({ authorization: `Bearer ${String((await call('POST', PATHS.login, {}, { email, password })).json['token'])}` });
  const bobs = world.orders.find((o) => o.ownerEmail === bob.email);
  if (!bobs) throw new Error('bob has no order');
  t.equal((await call('GET', order(bobs.id), await login(bob.email, bob.password))).status, 200);
  t.equal((await call('GET', order(bobs.id), await login(alice.email, alice.password))).status, 403);
  t.equal((await call('GET', order(999_999), await login(alice.email, alice.password))).status, 404);
  t.equal((await call('GET', order("1' OR 1=1--".replace(/ /g, '%20')), await login(alice.email, alice.password))).status, 400);
  const support = world.people.find((p) => p.role === 'support');
  if (!support) throw new Error('no support agent');
  t.equal((await call('GET', order(bobs.id), await login(support.email, support.password))).status, 200);
  t.equal((await call('GET', `${PATHS.allUsers}?limit=10&offset=0`, await login(alice.email, alice.password))).status, 403);
});

t.test('API keys have scopes; signup conflicts are 409; a deploy window is 502', async (t) => {
  const billing = world.services.find((s) => s.job === 'billing');
  const partner = world.services.find((s) => s.job === 'partner');
  const car = world.vehicles[0];
  if (!billing || !partner || !car) throw new Error('world incomplete');
  t.equal((await call('GET', `${PATHS.allOrders}?limit=5&offset=0`, { 'x-api-key': billing.apiKey })).status, 200);
  t.equal((await call('GET', vehicleLocation(car.uuid), { 'x-api-key': billing.apiKey })).status, 403, 'billing key outside its scope');
  t.equal((await call('GET', `${vehicleLocation(car.uuid)}?api_key=${partner.apiKey}`)).status, 200, 'partner key in the query');
  t.equal((await call('GET', PATHS.products, { 'x-api-key': 'ck_live_nope' })).status, 401);
  if (!alice) throw new Error('no customer');
  t.equal((await call('POST', PATHS.signup, {}, { name: 'A', email: alice.email, number: '5550000000', password: 'Longenough1' })).status, 409);
  now = { ...now, simUs: DEFAULT_START + 10 * US_PER_HOUR + 5_000_000 };
  const down = await call('GET', PATHS.health);
  t.equal(down.status, 502);
  t.match(String(down.json['html']), /502 Bad Gateway/);
});
