// Detection and pairing edge cases: content detection on any port, roles by content, responses without
// requests, requests without responses, upgrades, gaps between messages.
import t from 'tap';
import { drive, exchange } from './helpers';

const ok = (body = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

t.test('not HTTP on a port that is not configured: dropped once', async (t) => {
  const d = drive([{ dir: 0, data: 'SSH-2.0-OpenSSH_9.6\r\n' }, { dir: 0, data: 'more' }, { dir: 1, data: 'x' }, { close: true }], {}, { origPort: 5555, respPort: 22 });
  t.same(d.accepted, [false, false, false]);
  t.equal(d.counters.get('http.not_http'), 1);
  t.equal(d.txs.length, 0);
});

t.test('HTTP detected by content on any port, even when the method is split', async (t) => {
  const d = drive(
    [{ dir: 0, data: 'PROP' }, { dir: 0, data: 'FIND /dav/ HTTP/1.1\r\nHost: h\r\nDepth: 1\r\n\r\n' }, { dir: 1, data: 'HTTP/1.1 207 Multi-Status\r\nContent-Length: 0\r\n\r\n' }, { close: true }],
    {},
    { origPort: 50000, respPort: 6001 },
  );
  t.same(d.accepted, [true, true, true]);
  t.same(d.txs.map((x) => [x.method, x.uri, x.status, x.completeness]), [['PROPFIND', '/dav/', 207, 'full']]);
  t.equal(d.counters.get('http.not_http'), 0);
});

t.test('QUERY and PATCH methods; an unknown method on an HTTP flow is still parsed', async (t) => {
  const d = exchange('QUERY /q HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}PATCH /p HTTP/1.1\r\n\r\nFROB /f HTTP/1.1\r\n\r\n', ok() + ok() + ok());
  t.same(d.txs.map((x) => x.method), ['QUERY', 'PATCH', 'FROB']);
});

t.test('the server speaks first (response seen before any request): response-only, ts = response time', async (t) => {
  const d = drive([
    { dir: 1, data: ok('hi'), ts: 50 },
    { dir: 0, data: 'GET /next HTTP/1.1\r\n\r\n', ts: 51 },
    { dir: 1, data: ok('yo'), ts: 52 },
    { close: true, ts: 60 },
  ]);
  t.same(d.txs.map((x) => [x.method, x.status, x.completeness, x.ts, x.respTs]), [
    [null, 200, 'response-only', 50, 50],
    ['GET', 200, 'full', 51, 52],
  ]);
  t.equal(d.txs[0]?.client, '10.0.0.1:40000', 'dir 1 sent a status line, so dir 0 is the client');
  t.equal(d.counters.get('http.response_only'), 1);
});

t.test('roles by content: requests on the responder side (swapped guess)', async (t) => {
  const d = drive([
    { dir: 0, data: ok('x') },
    { dir: 1, data: 'GET /late HTTP/1.1\r\nHost: h\r\n\r\n' },
    { dir: 0, data: ok('y') },
    { close: true },
  ]);
  // dir 0 sent a status line first: it is the server.
  t.same(d.txs.map((x) => [x.method, x.status, x.completeness]), [
    [null, 200, 'response-only'],
    ['GET', 200, 'full'],
  ]);
  t.equal(d.txs[1]?.client, '10.0.0.2:80');
  t.equal(d.txs[1]?.server, '10.0.0.1:40000');
  t.equal(d.counters.get('http.role_swapped'), 1);
});

t.test('requests without responses: request-only at close', async (t) => {
  const d = drive([{ dir: 0, data: 'GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc' }, { close: true }]);
  t.same(d.txs.map((x) => [x.method, x.uri, x.status, x.reqBodyLen, x.completeness]), [
    ['GET', '/a', null, 0, 'request-only'],
    ['POST', '/b', null, 3, 'request-only'],
  ]);
});

t.test('a request cut off by the end of its direction is marked', async (t) => {
  const d = drive([{ dir: 0, data: 'POST /b HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc' }, { end: 0 }, { close: true }]);
  t.equal(d.txs.length, 1);
  t.equal(d.txs[0]?.reqBodyLen, 3);
  t.equal(d.txs[0]?.completeness, 'gapped');
  t.same(d.txs[0]?.anomalies, ['http.message.truncated']);
});

t.test('mid-stream pickup on a configured port: bytes before the first request line are skipped', async (t) => {
  const d = drive([
    { dir: 0, data: 'ody of an earlier request}\r\nGET /x HTTP/1.1\r\n\r\n' },
    { dir: 1, data: 'rest of an earlier response\r\n' + ok('x') },
    { close: true },
  ]);
  t.same(d.txs.map((x) => [x.uri, x.status, x.completeness, x.anomalies]), [['/x', 200, 'full', []]]);
  t.equal(d.counters.get('http.midstream_pickup'), 1);
});

t.test('101 stops the flow: onData returns false', async (t) => {
  const d = drive([
    { dir: 0, data: 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n' },
    { dir: 1, data: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00' },
    { dir: 0, data: '\x81\x80\x00\x00\x00\x00' },
    { close: true },
  ]);
  t.same(d.accepted, [true, false, false]);
  t.same(d.txs.map((x) => [x.status, x.upgrade, x.completeness]), [[101, 'websocket', 'full']]);
});

t.test('h2c upgrade accepted', async (t) => {
  const d = exchange(
    'GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00',
  );
  t.same(d.txs.map((x) => [x.status, x.upgrade]), [[101, 'h2c']]);
  t.equal(d.counters.get('http.parse_error.invalid_request_line'), 0, 'the h2 preface is not parsed as HTTP/1');
});

t.test('CONNECT refused with 407: parsing continues', async (t) => {
  const d = exchange(
    'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\nCONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n',
    'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n\x16\x03\x01',
  );
  t.same(d.txs.map((x) => [x.method, x.status, x.upgrade]), [
    ['CONNECT', 407, null],
    ['CONNECT', 200, 'connect'],
  ]);
});

t.test('a gap between messages: the next transaction of that side is gapped', async (t) => {
  const d = drive([
    { dir: 0, data: 'GET /a HTTP/1.1\r\n\r\n' },
    { dir: 1, data: ok('a') },
    { dir: 0, gap: 30 },
    { dir: 0, data: 'GET /b HTTP/1.1\r\n\r\n' },
    { dir: 1, data: ok('b') },
    { close: true },
  ]);
  t.same(d.txs.map((x) => [x.uri, x.completeness]), [
    ['/a', 'full'],
    ['/b', 'gapped'],
  ]);
  t.equal(d.counters.get('http.gap.resync'), 1);
});

t.test('a gap in a response status line: its request is emitted gapped, pairing continues', async (t) => {
  const d = drive([
    { dir: 0, data: 'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n' },
    { dir: 1, data: 'HTTP/1.1 2' },
    { dir: 1, gap: 40 },
    { dir: 1, data: 'xx\r\n' + ok('b') },
    { close: true },
  ]);
  t.same(d.txs.map((x) => [x.uri, x.status, x.completeness]), [
    ['/a', null, 'gapped'],
    ['/b', 200, 'full'],
  ]);
});

t.test('gap across the end of a Content-Length body into the next message', async (t) => {
  const d = drive([
    { dir: 0, data: 'POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345' },
    { dir: 0, gap: 15 },
    { dir: 0, data: 'x\r\nGET /c HTTP/1.1\r\n\r\n' },
    { dir: 1, data: ok() + ok() },
    { close: true },
  ]);
  t.same(d.txs.map((x) => [x.uri, x.reqBodyLen, x.status, x.completeness]), [
    ['/a', 10, 200, 'gapped'],
    ['/c', 0, 200, 'gapped'],
  ]);
});

t.test('read-until-close body with a gap counts the gap bytes', async (t) => {
  const d = drive([
    { dir: 0, data: 'GET / HTTP/1.0\r\n\r\n' },
    { dir: 1, data: 'HTTP/1.0 200 OK\r\n\r\nabc' },
    { dir: 1, gap: 100 },
    { dir: 1, data: 'def' },
    { end: 1 },
    { close: true },
  ]);
  t.same(d.txs.map((x) => [x.respBodyLen, x.completeness]), [[106, 'gapped']]);
  t.same(Buffer.from(d.txs[0]?.respBody ?? []).toString(), 'abc', 'capture stops at the hole');
});

t.test('IPv6 endpoints and encapsulation in the transaction', async (t) => {
  const d = drive([{ dir: 0, data: 'GET / HTTP/1.1\r\n\r\n' }, { dir: 1, data: ok() }, { close: true }], {}, {
    ipVersion: 6,
    origIp: '2001:db8::1',
    respIp: '2001:db8::2',
    respPort: 8080,
    vlanIds: [100, 200],
    tunnels: ['vxlan:42'],
  });
  t.equal(d.txs[0]?.client, '[2001:db8::1]:40000');
  t.equal(d.txs[0]?.server, '[2001:db8::2]:8080');
  t.same(d.txs[0]?.vlanIds, [100, 200]);
  t.same(d.txs[0]?.tunnels, ['vxlan:42']);
});

t.test('absolute-form target: host and path from the URI', async (t) => {
  const d = exchange('GET http://proxy.example:8080/p/q?x=1#frag HTTP/1.1\r\n\r\n', ok());
  t.same([d.txs[0]?.host, d.txs[0]?.path, d.txs[0]?.query, d.txs[0]?.uri], ['proxy.example:8080', '/p/q', 'x=1', 'http://proxy.example:8080/p/q?x=1#frag']);
});

t.test('Content-Length and chunked together: chunked wins, anomaly recorded', async (t) => {
  const d = exchange('POST / HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /n HTTP/1.1\r\n\r\n', ok() + ok());
  t.same(d.txs.map((x) => [x.uri, x.reqBodyLen, x.anomalies]), [
    ['/', 3, ['http.framing.cl_and_te']],
    ['/n', 0, []],
  ]);
});

t.test('an invalid Content-Length is a parse error', async (t) => {
  const d = exchange('POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\nGET /n HTTP/1.1\r\n\r\n', ok() + ok());
  t.equal(d.counters.get('http.parse_error.invalid_content_length'), 1);
  t.same(d.txs.map((x) => [x.uri, x.status, x.completeness]), [
    ['/', 200, 'gapped'],
    ['/n', 200, 'full'],
  ]);
});

t.test('TLS on a configured port is not HTTP; a configured port gives up after 64 KiB without a start line', async (t) => {
  const tls = drive([{ dir: 0, data: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' }, { close: true }], {}, { respPort: 8443 });
  t.same(tls.accepted, [false]);
  t.equal(tls.counters.get('http.not_http'), 1);
  const noise = 'x'.repeat(999) + '\n';
  const steps = Array.from({ length: 70 }, () => ({ dir: 0 as const, data: noise }));
  const d = drive([...steps, { close: true }]);
  t.equal(d.accepted.indexOf(false), 65, 'dropped once 64 KiB were scanned');
  t.equal(d.counters.get('http.not_http'), 1);
});
