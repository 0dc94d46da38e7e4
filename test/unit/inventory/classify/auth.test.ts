import t from 'tap';
import { classifyAuth, DEFAULT_AUTH_OPTIONS, type AuthSource } from '../../../../src/inventory/classify';

const base: AuthSource = { authorization: null, headers: ['host', 'accept'], cookieNames: [], query: null, status: 200 };
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjEifQ.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

t.test('none, and unauthenticated success only on 2xx', async (t) => {
  const a = classifyAuth(base);
  t.same(a.kinds, ['none']);
  t.equal(a.unauthenticated, true);
  t.equal(a.unauthenticatedSuccess, true);
  t.equal(classifyAuth({ ...base, status: 401 }).unauthenticatedSuccess, false);
  t.equal(classifyAuth({ ...base, status: 302 }).unauthenticatedSuccess, false);
  t.equal(classifyAuth({ ...base, status: null }).unauthenticatedSuccess, false);
});

t.test('Authorization schemes', async (t) => {
  t.equal(classifyAuth({ ...base, authorization: 'Basic' }).primary, 'basic');
  t.equal(classifyAuth({ ...base, authorization: 'Digest' }).primary, 'digest');
  t.equal(classifyAuth({ ...base, authorization: 'Negotiate' }).primary, 'other-scheme');
  const b = classifyAuth({ ...base, authorization: 'Bearer' });
  t.equal(b.primary, 'bearer');
  t.equal(b.jwt, null, 'unknown without the credential (HttpTransaction keeps only the scheme)');
  const j = classifyAuth({ ...base, authorization: 'bearer', authCredential: JWT });
  t.equal(j.jwt, true);
  t.equal(j.jwtAlg, 'RS256', 'alg read from the token header, no verification');
  const o = classifyAuth({ ...base, authorization: 'Bearer', authCredential: 'opaque-token-123' });
  t.equal(o.jwt, false);
  t.equal(o.jwtAlg, null);
  t.equal(classifyAuth({ ...base, authorization: 'Bearer', authJwtAlg: 'none' }).jwtAlg, 'none', 'alg pre-extracted by the HTTP stage');
  t.equal(classifyAuth({ ...base, authorization: 'Bearer' }).unauthenticatedSuccess, false);
});

t.test('API key header and query parameter', async (t) => {
  const h = classifyAuth({ ...base, headers: ['host', 'x-api-key'] });
  t.same(h.kinds, ['api-key-header']);
  t.same(h.apiKeyHeaders, ['x-api-key']);
  t.same(classifyAuth({ ...base, headers: ['X-Auth-Token'] }).apiKeyHeaders, ['x-auth-token']);
  const q = classifyAuth({ ...base, query: 'q=1&API_KEY=abc&token=' });
  t.same(q.apiKeyQuery, ['api_key'], 'case-insensitive; empty values do not count');
  t.same(classifyAuth({ ...base, query: 'apikey=1&key=2' }).apiKeyQuery, ['apikey', 'key']);
  const custom = classifyAuth({ ...base, headers: ['x-custom-key'] }, { ...DEFAULT_AUTH_OPTIONS, apiKeyHeaders: ['X-Custom-Key'] });
  t.same(custom.kinds, ['api-key-header'], 'configurable names');
});

t.test('session cookies', async (t) => {
  for (const c of ['session', 'sessionid', 'JSESSIONID', 'connect.sid', 'PHPSESSID']) {
    t.same(classifyAuth({ ...base, cookieNames: ['_ga', c] }).sessionCookies, [c], c);
  }
  t.same(classifyAuth({ ...base, cookieNames: ['_ga', 'theme'] }).kinds, ['none'], 'analytics cookies are not sessions');
  const off = { ...DEFAULT_AUTH_OPTIONS, sessionCookieHeuristic: false, sessionCookies: ['sid'] };
  t.same(classifyAuth({ ...base, cookieNames: ['my_sess'] }, off).kinds, ['none'], 'heuristic can be turned off');
});

t.test('several mechanisms: strongest first', async (t) => {
  const a = classifyAuth({ ...base, authorization: 'Bearer', cookieNames: ['sessionid'], headers: ['x-api-key'], status: 200 });
  t.same(a.kinds, ['bearer', 'api-key-header', 'cookie-session']);
  t.equal(a.primary, 'bearer');
  t.equal(a.unauthenticated, false);
});
