// Header selection and the jsonl record: credentials never appear, cookie values never appear.
import t from 'tap';
import { httpRecord } from '../../../src/http/record';
import { drive, exchange } from './helpers';

const SECRET_BEARER = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.S1GN4TUR3';
const SECRET_BASIC = 'YWxpY2U6aHVudGVyMg==';
const HS256_BEARER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl';
// value, scheme kept, JWT alg kept (the token never)
const cases: [string, string | null, string | null][] = [
  [`Bearer ${SECRET_BEARER}`, 'Bearer', 'none'],
  [`bearer   ${HS256_BEARER}`, 'bearer', 'HS256'],
  ['Bearer opaque-token-0123456789', 'Bearer', null],
  [`Basic ${SECRET_BASIC}`, 'Basic', null],
  ['Digest username="alice", realm="r", nonce="N0NCE", response="RESPONSEHASH"', 'Digest', null],
  // a value without a scheme is a credential of an unknown scheme, never kept as the scheme
  [SECRET_BASIC, 'unknown', null],
  ['a1b2c3d4e5f60718293a4b5c6d7e8f90', 'unknown', null],
  ['Negotiate', 'Negotiate', null],
];

for (const [value, scheme, alg] of cases) {
  t.test(`Authorization: ${value.slice(0, 12)}...`, async (t) => {
    const d = exchange(`GET /me HTTP/1.1\r\nHost: h\r\nAuthorization: ${value}\r\nCookie: sid=COOKIEVALUE; csrftoken=CSRFVALUE\r\n\r\n`, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const tx = d.txs[0];
    t.equal(tx?.authorization, scheme);
    t.equal(tx?.authJwtAlg, alg, 'JWT alg');
    t.same(tx?.cookieNames, ['sid', 'csrftoken']);
    const everything = JSON.stringify({ ...tx, reqBody: null, respBody: null }) + JSON.stringify(tx ? httpRecord(tx) : null);
    for (const secret of [SECRET_BEARER, HS256_BEARER, 'opaque-token', SECRET_BASIC, 'RESPONSEHASH', 'N0NCE', 'COOKIEVALUE', 'CSRFVALUE']) {
      t.notOk(everything.includes(secret), `${secret} not in the transaction or record`);
    }
  });
}

t.test('selected headers', async (t) => {
  const d = exchange(
    'POST /api/v1/items?limit=5 HTTP/1.1\r\nHost: api.example\r\nUser-Agent: curl/8.5\r\nContent-Type: application/json\r\nX-Forwarded-For: 198.51.100.7\r\nX-Forwarded-For: 10.1.1.1\r\nContent-Length: 2\r\n\r\n{}',
    'HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}',
  );
  const tx = d.txs[0];
  t.same(
    {
      host: tx?.host,
      userAgent: tx?.userAgent,
      reqContentType: tx?.reqContentType,
      respContentType: tx?.respContentType,
      xForwardedFor: tx?.xForwardedFor,
      path: tx?.path,
      query: tx?.query,
      reqBodyDeclared: tx?.reqBodyDeclared,
      respBodyDeclared: tx?.respBodyDeclared,
      headers: tx?.headers,
    },
    {
      host: 'api.example',
      userAgent: 'curl/8.5',
      reqContentType: 'application/json',
      respContentType: 'application/json; charset=utf-8',
      xForwardedFor: '198.51.100.7, 10.1.1.1',
      path: '/api/v1/items',
      query: 'limit=5',
      reqBodyDeclared: 2,
      respBodyDeclared: 2,
      headers: ['host', 'user-agent', 'content-type', 'x-forwarded-for', 'content-length'],
    },
  );
});

t.test('header name list is bounded', async (t) => {
  let h = '';
  for (let i = 0; i < 100; i++) h += `X-N${i}: v\r\n`;
  const d = exchange(`GET / HTTP/1.1\r\n${h}\r\n`, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  t.equal(d.txs[0]?.headers.length, 64);
});

t.test('httpRecord: required fields, encapsulation, upgrade, no bodies', async (t) => {
  const d = drive(
    [
      { dir: 0, data: 'GET /chat HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', ts: 5.25 },
      { dir: 1, data: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', ts: 5.5 },
      { close: true, ts: 6 },
    ],
    {},
    { vlanIds: [7], tunnels: ['vxlan:9'], id: 'Fabc' },
  );
  const tx = d.txs[0];
  t.ok(tx);
  if (!tx) return;
  const r = httpRecord(tx);
  t.match(r, {
    type: 'http',
    ts: 5.25,
    flow: 'Fabc',
    client: '10.0.0.1:40000',
    server: '10.0.0.2:80',
    method: 'GET',
    host: 'h',
    uri: '/chat',
    version: '1.1',
    status: 101,
    reqBodyLen: 0,
    respBodyLen: 0,
    userAgent: 'ua',
    reqContentType: null,
    respContentType: null,
    completeness: 'full',
    anomalies: [],
    vlan: [7],
    tunnels: ['vxlan:9'],
    upgrade: 'websocket',
  });
  t.notOk('reqBody' in r || 'respBody' in r, 'no bodies in the record');
  const plain = exchange('GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').txs[0];
  if (plain) {
    const pr = httpRecord(plain);
    t.notOk('vlan' in pr || 'tunnels' in pr || 'upgrade' in pr, 'optional fields only when present');
    t.equal(pr.status, 200);
  }
  const reqOnly = drive([{ dir: 0, data: 'GET / HTTP/1.1\r\n\r\n' }, { close: true }]).txs[0];
  if (reqOnly) t.equal(httpRecord(reqOnly).status, null);
});
