// Credential material on HttpTransaction: keyed fingerprints and non-secret parts, never the secret;
// client/server addresses as separate fields. Transactions are built by the real analyzer from raw HTTP.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { MAX_CLAIM_CHARS } from '../../../src/core/jwt';
import { C_CREDENTIALS_DROPPED, MAX_CREDENTIALS_PER_TX, NO_CREDENTIALS } from '../../../src/http/credentials';
import { FINGERPRINT_CHARS, httpRecord } from '../../../src/http/record';
import type { HttpTransaction } from '../../../src/http/types';
import type { FlowSpec } from '../../http-streams/harness';
import { drive, type Driven } from './helpers';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function jwt(claims: Record<string, unknown>, signature = 'c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'): string {
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.${signature}`;
}

function request(headers: readonly string[], target = '/api/orders'): string {
  return `GET ${target} HTTP/1.1\r\nHost: api.example\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
}

function send(req: string, key: Buffer = KEY_A, flow: FlowSpec = {}): Driven {
  return drive([{ dir: 0, data: req, ts: 10 }, { dir: 1, data: OK, ts: 20 }, { close: true, ts: 30 }], {}, flow, { installationKey: key });
}

function only(d: Driven): HttpTransaction {
  const tx = d.txs[0];
  if (d.txs.length !== 1 || tx === undefined) throw new Error(`expected one transaction, got ${d.txs.length}`);
  return tx;
}

const HEX32 = /^[0-9a-f]{32}$/;

t.test('Bearer JWT: claims read without verification, the token absent', async (t) => {
  const claims = { sub: 'alice', iss: 'https://idp.example', aud: ['orders', 'web'], exp: 1_700_003_600, iat: 1_700_000_000, jti: 'j-1', scope: 'orders:read orders:write', role: 'admin', email: 'alice@example.com' };
  const token = jwt(claims);
  const tx = only(send(request([`Authorization: Bearer ${token}`])));
  t.equal(tx.authorization, 'Bearer');
  t.equal(tx.authJwtAlg, 'HS256', 'the alg is still kept');
  t.equal(tx.credentials.length, 1);
  const c = tx.credentials[0];
  t.equal(c?.kind, 'bearer-jwt');
  t.equal(c?.name, null);
  t.match(c?.hash, HEX32);
  t.same(c?.claims, { sub: 'alice', iss: 'https://idp.example', aud: ['orders', 'web'], exp: 1_700_003_600, iat: 1_700_000_000, jti: 'j-1', scope: ['orders:read', 'orders:write'], role: ['admin'] });
  const json = JSON.stringify(tx);
  t.notOk(json.includes(token), 'no token');
  t.notOk(json.includes(token.split('.')[2] as string), 'no signature');
  t.notOk(json.includes('alice@example.com'), 'claims not asked for are dropped');
});

t.test('Bearer opaque token: fingerprint only', async (t) => {
  const token = 'opaque-4f9a1c7e2b8d6035';
  const tx = only(send(request([`Authorization: Bearer ${token}`])));
  t.same(tx.credentials.map((c) => [c.kind, c.name, c.claims]), [['bearer-opaque', null, null]]);
  t.match(tx.credentials[0]?.hash, HEX32);
  t.equal(tx.authJwtAlg, null);
  t.notOk(JSON.stringify(tx).includes(token));
});

t.test('Basic: the user name kept, the password never', async (t) => {
  const cred = Buffer.from('alice:Tr0ub4dor&3').toString('base64');
  const tx = only(send(request([`Authorization: Basic ${cred}`])));
  t.same(tx.credentials.map((c) => [c.kind, c.name]), [['basic', 'alice']]);
  const json = JSON.stringify(tx);
  t.notOk(json.includes('Tr0ub4dor'), 'no password');
  t.notOk(json.includes(cred), 'no encoded credential');
  // an API key sent as the Basic user with an empty password (Stripe style) is the secret itself
  const keyAsUser = only(send(request([`Authorization: Basic ${Buffer.from('sk_live_51Habc:').toString('base64')}`])));
  t.same(keyAsUser.credentials.map((c) => [c.kind, c.name]), [['basic', null]]);
  t.notOk(JSON.stringify(keyAsUser).includes('sk_live_51Habc'));
});

t.test('API key in a header and in the query: same key, same fingerprint', async (t) => {
  const key = 'ak_7Hq2mZ9xPq4r8Ls1';
  const inHeader = only(send(request([`X-API-Key: ${key}`])));
  t.same(inHeader.credentials.map((c) => [c.kind, c.name]), [['api-key-header', 'x-api-key']]);
  t.notOk(JSON.stringify(inHeader).includes(key));
  const inQuery = only(send(request([], `/api/orders?page=2&api_key=${key}`)));
  t.same(inQuery.credentials.map((c) => [c.kind, c.name]), [['api-key-query', 'api_key']]);
  t.equal(inQuery.credentials[0]?.hash, inHeader.credentials[0]?.hash);
  const encoded = only(send(request([], `/api/orders?API_KEY=${encodeURIComponent('a/b+c')}`)));
  const plain = only(send(request(['x-api-key: a/b+c'])));
  t.equal(encoded.credentials[0]?.hash, plain.credentials[0]?.hash, 'query values are percent-decoded');
  const valueless = only(send(request([], '/api/orders?debug&verbose&api_key=k=v&x')));
  t.equal(valueless.credentials[0]?.hash, only(send(request(['x-api-key: k=v']))).credentials[0]?.hash, 'parameters without a value are skipped');
  const none = only(send(request([], '/api/orders?page=2&api_key=')));
  t.equal(none.credentials.length, 0, 'an empty value is no credential');
});

t.test('session cookie: configured names only, value fingerprinted', async (t) => {
  const tx = only(send(request(['Cookie: theme=dark; SessionId=s%3Aabc123def456; _ga=GA1.2.3'])));
  t.same(tx.credentials.map((c) => [c.kind, c.name]), [['session-cookie', 'sessionid']]);
  t.same(tx.cookieNames, ['theme', 'SessionId', '_ga'], 'cookie names unchanged');
  t.notOk(JSON.stringify(tx).includes('abc123def456'));
  const asJwt = only(send(request([`Cookie: access_token=${jwt({ sub: 'bob' })}`])));
  t.equal(asJwt.credentials[0]?.claims?.sub, 'bob', 'a cookie holding a JWT has its claims read');
});

t.test('the same secret: same hash under one key, another under another key', async (t) => {
  const req = request(['Authorization: Bearer same-token-123456']);
  const a1 = only(send(req, KEY_A)).credentials[0]?.hash;
  const a2 = only(send(req, KEY_A)).credentials[0]?.hash;
  const b = only(send(req, KEY_B)).credentials[0]?.hash;
  t.equal(a1, a2);
  t.not(a1, b);
  const other = only(send(request(['Authorization: Bearer same-token-123457']), KEY_A)).credentials[0]?.hash;
  t.not(a1, other);
});

t.test('bounds: long claims cut, extra credentials dropped and counted', async (t) => {
  const big = 'x'.repeat(10 * 1024);
  const tx = only(send(request([`Authorization: Bearer ${jwt({ sub: big, iss: 'idp', role: Array.from({ length: 100 }, (_, i) => `r${i}`) })}`])));
  const claims = tx.credentials[0]?.claims;
  t.equal(claims?.sub?.length, MAX_CLAIM_CHARS, '10 KB claim cut');
  t.equal(claims?.iss, 'idp');
  t.equal(claims?.role?.length, 16, 'list claims bounded');
  t.ok(JSON.stringify(tx).length < 4096, 'the transaction stays small');

  const many = send(
    request(['Authorization: Bearer tok-0001-abcdef', 'X-API-Key: k1-abcdef', 'X-Auth-Token: k2-abcdef', 'Api-Key: k3-abcdef', 'Cookie: sid=k4-abcdef'], '/x?token=k5-abcdef'),
  );
  const m = only(many);
  t.equal(m.credentials.length, MAX_CREDENTIALS_PER_TX);
  t.same(m.credentials.map((c) => c.kind), ['bearer-opaque', 'api-key-header', 'api-key-header', 'api-key-header']);
  t.equal(many.counters.get(C_CREDENTIALS_DROPPED), 2, 'cookie and query credential counted');
});

t.test('credentials a response hands out: fingerprints only, bounded and counted, bad Set-Cookie headers ignored', async (t) => {
  const cookies = ['sid=s1-abcdef', 'sid=s2-abcdef', 'sid=s3-abcdef', 'sid=s4-abcdef', 'sid=s5-abcdef'].map((c) => `Set-Cookie: ${c}; Path=/`);
  const resp = `HTTP/1.1 200 OK\r\n${[...cookies, 'Set-Cookie: =no-name', 'Set-Cookie: sid=; Path=/', 'Set-Cookie: theme=dark', 'Set-Cookie: sid=s1-abcdef; Path=/'].map((h) => `${h}\r\n`).join('')}Content-Length: 0\r\n\r\n`;
  const d = drive([{ dir: 0, data: request([]), ts: 10 }, { dir: 1, data: resp, ts: 20 }, { close: true, ts: 30 }], {}, {}, { installationKey: KEY_A });
  const tx = only(d);
  t.equal(tx.issuedCredentials?.length, MAX_CREDENTIALS_PER_TX, 'at most MAX_CREDENTIALS_PER_TX kept');
  for (const h of tx.issuedCredentials ?? []) t.match(h, HEX32, 'a fingerprint, not the value');
  t.notMatch(JSON.stringify(tx), /s[1-5]-abcdef/, 'no cookie value anywhere in the transaction');
  t.equal(d.counters.get(C_CREDENTIALS_DROPPED), 2, 'the fifth session cookie and the repeated one counted past the bound');
  t.equal(only(send(request([]))).issuedCredentials, undefined, 'a response that sets nothing: absent');
});

t.test('a repeated credential is one entry', async (t) => {
  const tx = only(send(request(['X-API-Key: k1-abcdef', 'X-API-Key: k1-abcdef'])));
  t.equal(tx.credentials.length, 1);
});

t.test('no credential: the shared empty list, nothing hashed', async (t) => {
  const tx = only(send(request(['Accept: */*', 'Cookie: theme=dark'], '/api/orders?page=1')));
  t.equal(tx.credentials, NO_CREDENTIALS);
  t.notOk('credentials' in httpRecord(tx), 'no credentials key in the record');
});

t.test('record: kind, name, short fingerprint and who the JWT names; nothing of Basic but the kind', async (t) => {
  const token = jwt({ sub: 'alice', iss: 'idp', exp: 1_700_003_600, jti: 'j-9' });
  const basic = Buffer.from('carol:hunter2').toString('base64');
  const bearer = only(send(request([`Authorization: Bearer ${token}`, 'X-API-Key: k1-abcdef'])));
  const r = httpRecord(bearer);
  const [jwtRec, keyRec] = bearer.credentials;
  t.same(r.credentials, [
    { kind: 'bearer-jwt', fingerprint: jwtRec?.hash.slice(0, FINGERPRINT_CHARS), sub: 'alice', iss: 'idp', exp: 1_700_003_600 },
    { kind: 'api-key-header', name: 'x-api-key', fingerprint: keyRec?.hash.slice(0, FINGERPRINT_CHARS) },
  ]);
  const rb = httpRecord(only(send(request([`Authorization: Basic ${basic}`]))));
  t.same(rb.credentials, [{ kind: 'basic' }]);
  t.notOk(JSON.stringify(rb).includes('carol'), 'no user name in the record');
});

t.test('client and server IP and port as separate fields', async (t) => {
  const v4 = only(send(request([]), KEY_A, { origIp: '192.0.2.7', origPort: 51234, respIp: '198.51.100.9', respPort: 8080 }));
  t.same([v4.client, v4.clientIp, v4.clientPort, v4.server, v4.serverIp, v4.serverPort], ['192.0.2.7:51234', '192.0.2.7', 51234, '198.51.100.9:8080', '198.51.100.9', 8080]);
  const v6 = only(send(request([]), KEY_A, { ipVersion: 6, origIp: '2001:db8::1', origPort: 40000, respIp: '2001:db8::2', respPort: 80 }));
  t.same([v6.client, v6.clientIp, v6.clientPort, v6.serverIp, v6.serverPort], ['[2001:db8::1]:40000', '2001:db8::1', 40000, '2001:db8::2', 80]);
  // the responder sent the request: roles follow the content, not the connection
  const swapped = drive([{ dir: 1, data: request([]), ts: 10 }, { dir: 0, data: OK, ts: 20 }, { close: true, ts: 30 }], {}, { origIp: '10.0.0.1', origPort: 80, respIp: '10.0.0.2', respPort: 41000 });
  const s = only(swapped);
  t.same([s.clientIp, s.clientPort, s.serverIp, s.serverPort, s.client], ['10.0.0.2', 41000, '10.0.0.1', 80, '10.0.0.2:41000']);
});

t.test('a credential seen again after many others (forgotten by the cache) has the same hash', async (t) => {
  const keys = Array.from({ length: 1100 }, (_, i) => `key-${i}-abcdef`);
  const steps: Parameters<typeof drive>[0] = [];
  for (const k of [...keys, keys[0] as string, keys[1099] as string]) {
    steps.push({ dir: 0, data: request([`X-API-Key: ${k}`]) }, { dir: 1, data: OK });
  }
  const d = drive(steps, {}, {}, { installationKey: KEY_A });
  const hashes = d.txs.map((tx) => tx.credentials[0]?.hash);
  t.equal(hashes.length, 1102);
  t.equal(new Set(hashes.slice(0, 1100)).size, 1100, 'distinct keys, distinct hashes');
  t.equal(hashes[1100], hashes[0]);
  t.equal(hashes[1101], hashes[1099]);
  t.equal(d.txs[1101]?.credentials[0], d.txs[1099]?.credentials[0], 'a repeat reuses the immutable entry');
});
