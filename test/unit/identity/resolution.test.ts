// Who a request is, from real parsed requests: each source alone, the order of precedence, a login
// binding the session cookie it carried and the token its response handed out, JWT claims and
// expiry, hashed user names, sessions and the endpoints an identity used.
import t from 'tap';
import { basic, feedAll, fingerprintOf, get, jwt, openStage, post } from './helpers';

const T0 = 1_700_000_000; // Tuesday 2023-11-14 22:13:20 UTC

t.test('each source names the identity it carries', async (t) => {
  const { feed } = openStage();
  t.equal(feed(get('/a', [basic('alice', 's3cret')], T0)).identity, 'user:alice', 'Basic: the user');
  t.equal(feed(get('/a', ['Authorization: Basic ' + Buffer.from('k3yonly:').toString('base64')], T0)).identity, `key:${fingerprintOf(Buffer.from('k3yonly:').toString('base64'))}`, 'Basic without a password: the credential, by fingerprint');
  t.equal(feed(get('/a', [`Authorization: Bearer ${jwt({ sub: 'bob', exp: T0 + 3600 })}`], T0)).identity, 'user:bob', 'JWT: its sub');
  t.equal(feed(get('/a', [`Authorization: Bearer ${jwt({ iss: 'idp' })}`], T0)).identity, `key:${fingerprintOf(jwt({ iss: 'idp' }))}`, 'JWT without sub: the token');
  t.equal(feed(get('/a', ['Authorization: Bearer opaque-token-123456'], T0)).identity, `key:${fingerprintOf('opaque-token-123456')}`, 'opaque bearer');
  t.equal(feed(get('/a', ['X-API-Key: ak_live_0123456789'], T0)).identity, `key:${fingerprintOf('ak_live_0123456789')}`, 'API key header');
  t.equal(feed(get('/a?api_key=qk_0123456789', [], T0)).identity, `key:${fingerprintOf('qk_0123456789')}`, 'API key in the query');
  t.equal(feed(get('/a', ['Cookie: theme=dark; sessionid=c00k1e-v4lue'], T0)).identity, `key:${fingerprintOf('c00k1e-v4lue')}`, 'session cookie');
  const ip = feed(get('/a', ['Authorization: Digest username="dora", realm="r", nonce="n", uri="/a", response="0123"'], T0, '192.0.2.7'));
  t.equal(ip.identity, 'ip:192.0.2.7', 'Digest is not read: the client IP');
  t.equal(ip.clientIp, '192.0.2.7');
});

t.test('precedence: the configured order decides, the IP is the last resort', async (t) => {
  const headers = ['X-API-Key: app-key-0001', `Authorization: Bearer ${jwt({ sub: 'carol' })}`];
  t.equal(openStage().feed(get('/a', headers, T0)).identity, `key:${fingerprintOf('app-key-0001')}`, 'default: API key before bearer');
  t.equal(openStage({ precedence: ['bearer', 'api-key'] }).feed(get('/a', headers, T0)).identity, 'user:carol', 'bearer first when configured');
  t.equal(openStage({ precedence: ['basic'] }).feed(get('/a', headers, T0, '10.9.9.9')).identity, 'ip:10.9.9.9', 'no configured source present: the IP');
});

t.test('login: the user it logs in as; the cookie it carried and the token it got name that user afterwards', async (t) => {
  const { feed, counters } = openStage();
  const cookie = 'Cookie: PHPSESSID=8tokslnu6t07ru35q4vbsc8tk6';
  t.equal(feed(get('/dvwa/index.php', [cookie], T0)).identity, `key:${fingerprintOf('8tokslnu6t07ru35q4vbsc8tk6')}`, 'before login: the cookie');
  const login = post('/dvwa/login.php', 'username=admin&password=password&Login=Login', 'application/x-www-form-urlencoded', T0 + 1, { headers: [cookie], status: 302 });
  t.equal(feed(login).identity, 'user:admin', 'the login request is the user it names');
  t.equal(feed(get('/dvwa/index.php', [cookie], T0 + 2)).identity, 'user:admin', 'the cookie now names the user');

  const api = post('/api/auth/login', JSON.stringify({ email: 'erin@example.com', password: 'hunter2' }), 'application/json', T0 + 3, { respJson: { token: 'opaque-session-token-42', user: { id: 7 } } });
  t.equal(feed(api).identity, 'user:erin@example.com', 'JSON login');
  t.equal(feed(get('/api/me', ['Authorization: Bearer opaque-session-token-42'], T0 + 4)).identity, 'user:erin@example.com', 'the token its response handed out names the user');

  const failed = post('/api/auth/login', JSON.stringify({ email: 'erin@example.com', password: 'wrong' }), 'application/json', T0 + 5, { headers: ['Cookie: sessionid=anon-cookie-77'], status: 401 });
  t.equal(feed(failed).identity, 'user:erin@example.com', 'a failed login is still attributed to the name it tried');
  t.equal(feed(failed).loginUser, 'user:erin@example.com', 'ctx.loginUser names the user of a login attempt, failed or not');
  t.equal(feed(get('/api/me', [], T0 + 5.5)).loginUser, null, 'a request that is no login names no login user');
  t.equal(feed(get('/api/x', ['Cookie: sessionid=anon-cookie-77'], T0 + 6)).identity, `key:${fingerprintOf('anon-cookie-77')}`, 'but binds nothing');
  t.equal(counters.get('identity.bindings.learned'), 2);

  t.equal(feed(get('/login?user=frank&password=pw123', [], T0 + 7)).identity, 'user:frank', 'a login in the query');
  t.equal(feed(post('/api/orders', JSON.stringify({ name: 'x', qty: 1 }), 'application/json', T0 + 8)).identity, 'ip:10.0.0.1', 'a body without a password field is no login');
});

t.test('login: the session cookie and API-key header its response sets name the user afterwards', async (t) => {
  const { feed, counters } = openStage();
  const login = post('/account/login', 'username=ivy&password=pw-ivy', 'application/x-www-form-urlencoded', T0, {
    status: 302,
    respHeaders: ['Set-Cookie: theme=dark; Path=/', 'Set-Cookie: sessionid="s3ss-ivy-0001"; Path=/; HttpOnly; Secure', 'X-API-Key: issued-key-ivy-42'],
  });
  t.equal(feed(login).identity, 'user:ivy', 'the login');
  t.equal(feed(get('/account', ['Cookie: theme=dark; sessionid=s3ss-ivy-0001'], T0 + 5)).identity, 'user:ivy', 'the cookie the response set names the user');
  t.equal(feed(get('/api/data', ['X-API-Key: issued-key-ivy-42'], T0 + 6)).identity, 'user:ivy', 'so does the API-key header it handed out');
  t.equal(counters.get('identity.bindings.learned'), 2, 'two credentials bound; the theme cookie is no session cookie');

  // a failed login, or a response that removes the cookie, binds nothing
  const failed = post('/account/login', 'username=jack&password=bad', 'application/x-www-form-urlencoded', T0 + 10, { status: 401, respHeaders: ['Set-Cookie: sessionid=anon-jack-1; Path=/'] });
  feed(failed);
  t.equal(feed(get('/account', ['Cookie: sessionid=anon-jack-1'], T0 + 11)).identity, `key:${fingerprintOf('anon-jack-1')}`, 'a failed login binds nothing');
  const logout = post('/account/login', 'username=kim&password=pw-kim', 'application/x-www-form-urlencoded', T0 + 20, { status: 200, respHeaders: ['Set-Cookie: sessionid=gone-kim; Max-Age=0'] });
  feed(logout);
  t.equal(feed(get('/account', ['Cookie: sessionid=gone-kim'], T0 + 21)).identity, `key:${fingerprintOf('gone-kim')}`, 'a cookie being removed binds nothing');
});

t.test('a path without a login word is probed: its first bodies are read, then only if it proved to be a login', async (t) => {
  const { feed, counters } = openStage({ login: { probeCalls: 2 } });
  const login = (ts: number) => post('/api/v2/verify', JSON.stringify({ username: 'gina', password: 'pw' }), 'application/json', ts);
  t.equal(feed(login(T0)).identity, 'user:gina', 'probed and found to be a login');
  t.equal(feed(login(T0 + 1)).identity, 'user:gina');
  t.equal(feed(login(T0 + 2)).identity, 'user:gina', 'a known login path is always read');
  const other = (ts: number) => post('/api/items', JSON.stringify({ username: 'gina', password: 'pw' }), 'application/json', ts);
  feed(post('/api/items', JSON.stringify({ sku: 1 }), 'application/json', T0 + 3));
  feed(post('/api/items', JSON.stringify({ sku: 2 }), 'application/json', T0 + 4));
  t.equal(feed(other(T0 + 5)).identity, 'ip:10.0.0.1', 'after probeCalls bodies without a login, the path is no longer read');
  t.equal(counters.get('identity.login.bodies_read'), 5);
});

t.test('hashUsernames: user names become keyed hashes, shown by their first 8 hex', async (t) => {
  const { feed, stage } = openStage({ hashUsernames: true });
  const ctx = feed(get('/a', [basic('alice', 'pw')], T0));
  const expected = fingerprintOf('user:alice');
  t.equal(ctx.identity, `user:${expected}`);
  const row = stage.rows().find((r) => r.id === ctx.identity);
  t.equal(row?.display, expected.slice(0, 8));
  t.notOk(JSON.stringify(stage.rows()).includes('alice'), 'the name is nowhere in the record');
});

t.test('JWT: expiry seen, uses after expiry counted, claims kept without the token', async (t) => {
  const { feed, stage, counters } = openStage();
  const token = jwt({ sub: 'hank', iss: 'https://idp.example', aud: 'api', scope: 'read write', role: ['admin'], exp: T0 + 60, jti: 'j1' });
  feed(get('/a', [`Authorization: Bearer ${token}`], T0));
  feed(get('/a', [`Authorization: Bearer ${token}`], T0 + 61));
  feed(get('/a', [`Authorization: Bearer ${token}`], T0 + 62));
  const row = stage.rows().find((r) => r.id === 'user:hank');
  t.equal(row?.stats.tokenExpiry, T0 + 60);
  t.equal(row?.stats.expiredTokenRequests, 2);
  t.equal(counters.get('identity.tokens.expired_use'), 2);
  t.same(row?.stats.claims, { iss: 'https://idp.example', aud: ['api'], scope: ['read', 'write'], role: ['admin'] });
  t.notOk(JSON.stringify(row).includes(token), 'the token is not kept');
});

t.test('sessions: a gap longer than sessionIdleSec starts a new one; an ip identity has one per user agent', async (t) => {
  const { feed, stage } = openStage({ sessionIdleSec: 600, idleEvictSec: 3600 });
  const a1 = feed(get('/a', [basic('ivan', 'pw')], T0)).session;
  const a2 = feed(get('/a', [basic('ivan', 'pw')], T0 + 599)).session;
  const a3 = feed(get('/a', [basic('ivan', 'pw')], T0 + 599 + 601)).session;
  t.match(a1, /^s-[0-9a-f]{16}$/);
  t.equal(a2, a1, 'within the idle timeout: the same session');
  t.not(a3, a1, 'after a longer gap: a new one');
  const curl = feed(get('/b', ['User-Agent: curl/8.5.0'], T0, '198.51.100.1')).session;
  const firefox = feed(get('/b', ['User-Agent: Firefox/118.0'], T0 + 1, '198.51.100.1')).session;
  t.not(curl, firefox, 'one IP, two user agents: two sessions');
  t.equal(feed(get('/b', ['User-Agent: curl/8.5.0'], T0 + 2, '198.51.100.1')).session, curl);
  t.equal(stage.rows().find((r) => r.id === 'user:ivan')?.stats.sessions, 2);
  const again = openStage({ sessionIdleSec: 600, idleEvictSec: 3600 });
  t.equal(again.feed(get('/a', [basic('ivan', 'pw')], T0)).session, a1, 'the same traffic gives the same session id');
});

t.test('the record: IPs, user agents, endpoints, hours of the week', async (t) => {
  const { stage } = feedAll([
    { tx: get('/u/1', [basic('judy', 'pw'), 'User-Agent: app/1'], T0, '203.0.113.5'), endpoint: { host: 'api.example', method: 'GET', template: '/u/{id}' } },
    { tx: get('/u/2', [basic('judy', 'pw'), 'User-Agent: app/1'], T0 + 10, '203.0.113.5'), endpoint: { host: 'api.example', method: 'GET', template: '/u/{id}' } },
    { tx: get('/v', [basic('judy', 'pw'), 'User-Agent: app/2'], T0 + 3600, '203.0.113.9'), endpoint: { host: 'api.example', method: 'GET', template: '/v' } },
  ]);
  const row = stage.rows().find((r) => r.id === 'user:judy');
  t.equal(row?.requests, 3);
  t.equal(row?.firstSeen, T0);
  t.equal(row?.lastSeen, T0 + 3600);
  t.same(row?.stats.ips, [
    { ip: '203.0.113.5', requests: 2, firstSeen: T0, lastSeen: T0 + 10 },
    { ip: '203.0.113.9', requests: 1, firstSeen: T0 + 3600, lastSeen: T0 + 3600 },
  ]);
  t.same(row?.stats.userAgents.map((u) => [u.userAgent, u.requests]), [['app/1', 2], ['app/2', 1]]);
  t.same(row?.stats.endpoints.map((e) => [e.endpoint, e.requests]), [['GET api.example/u/{id}', 2], ['GET api.example/v', 1]]);
  // 2023-11-14 is a Tuesday: hour 22 of Tuesday is 24 + 22 = 46 of the week (0 = Monday 00:00 UTC); an hour later, 47
  t.same(row?.stats.hoursOfWeek, { '46': 2, '47': 1 });
  t.same(row?.stats.sources, { basic: 3 });
});
