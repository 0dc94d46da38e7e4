// Each HTTP bound (config key, counter, anomaly) fires, and parsing carries on after it.
import t from 'tap';
import * as zlib from 'node:zlib';
import { exchange, splitsAgree } from './helpers';

const ok = (body = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

t.test('maxLineBytes: an over-long request line', async (t) => {
  const req = `GET /${'a'.repeat(400)} HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\n\r\n`;
  const d = exchange(req, ok('1') + ok('2'), { maxLineBytes: 256 });
  t.equal(d.counters.get('http.line.too_long'), 1);
  t.equal(d.txs.length, 2);
  const [a, b] = d.txs;
  t.same(a?.anomalies, ['http.line.too_long']);
  t.equal(a?.method, 'GET');
  t.equal(a?.completeness, 'gapped');
  t.ok((a?.uri ?? '').length < 256 && (a?.uri ?? '').startsWith('/aaaa'), 'uri kept as a bounded prefix');
  t.equal(a?.status, 200, 'the broken request keeps its place: paired with the first response');
  t.equal(b?.uri, '/ok');
  t.equal(b?.completeness, 'full');
  t.same(splitsAgree(req, ok('1') + ok('2'), { maxLineBytes: 256 }), [], 'same result at every split');
});

t.test('maxLineBytes: an over-long header line', async (t) => {
  const req = `GET /x HTTP/1.1\r\nHost: h\r\nX-Big: ${'b'.repeat(300)}\r\n\r\nGET /ok HTTP/1.1\r\n\r\n`;
  const d = exchange(req, ok() + ok(), { maxLineBytes: 256 });
  t.equal(d.counters.get('http.line.too_long'), 1);
  t.same(d.txs.map((x) => [x.uri, x.status, x.completeness]), [
    ['/x', 200, 'gapped'],
    ['/ok', 200, 'full'],
  ]);
  t.ok(d.txs[0]?.anomalies.includes('http.line.too_long'));
  t.same(splitsAgree(req, ok() + ok(), { maxLineBytes: 256 }), []);
});

t.test('maxHeaderBytes: all header bytes of one message', async (t) => {
  let hdrs = '';
  for (let i = 0; i < 30; i++) hdrs += `X-H${i}: ${'v'.repeat(50)}\r\n`;
  const req = `GET /big HTTP/1.1\r\n${hdrs}\r\nGET /ok HTTP/1.1\r\n\r\n`;
  const d = exchange(req, ok() + ok(), { maxHeaderBytes: 1024 });
  t.equal(d.counters.get('http.headers.too_large'), 1);
  t.same(d.txs[0]?.anomalies, ['http.headers.too_large']);
  t.equal(d.txs[0]?.uri, '/big');
  t.equal(d.txs[1]?.uri, '/ok');
  t.equal(d.txs[1]?.completeness, 'full');
  t.same(splitsAgree(req, ok() + ok(), { maxHeaderBytes: 1024 }), []);
});

t.test('maxHeaderCount: extra headers dropped, framing headers kept', async (t) => {
  let hdrs = '';
  for (let i = 0; i < 12; i++) hdrs += `X-H${i}: v\r\n`;
  const req = `POST /many HTTP/1.1\r\n${hdrs}Content-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\n\r\n`;
  const d = exchange(req, ok() + ok(), { maxHeaderCount: 8 });
  t.equal(d.counters.get('http.headers.too_many'), 1);
  const [a, b] = d.txs;
  t.same(a?.anomalies, ['http.headers.too_many']);
  t.equal(a?.reqBodyLen, 5, 'Content-Length past the bound still frames the body');
  t.equal(a?.completeness, 'full', 'not a gap: the message was parsed to its end');
  t.ok((a?.headers.length ?? 99) <= 9);
  t.equal(b?.uri, '/next');
  t.same(b?.anomalies, []);
});

t.test('maxPendingPerFlow: oldest waiting request emitted as request-only', async (t) => {
  const req = ['/1', '/2', '/3', '/4'].map((p) => `GET ${p} HTTP/1.1\r\n\r\n`).join('');
  const d = exchange(req, ok('c') + ok('d'), { maxPendingPerFlow: 2 });
  t.equal(d.counters.get('http.pending.limit'), 2);
  t.same(
    d.txs.map((x) => [x.uri, x.status, x.completeness, x.anomalies]),
    [
      ['/1', null, 'request-only', ['http.pending.limit']],
      ['/2', null, 'request-only', ['http.pending.limit']],
      ['/3', 200, 'full', []],
      ['/4', 200, 'full', []],
    ],
  );
});

t.test('bodyCaptureBytes: bytes past the bound are counted, not kept', async (t) => {
  const body = 'z'.repeat(100);
  const d = exchange(`POST /u HTTP/1.1\r\nContent-Length: 100\r\n\r\n${body}`, ok(body), { bodyCaptureBytes: 16 });
  const tx = d.txs[0];
  t.equal(tx?.reqBodyLen, 100);
  t.equal(tx?.respBodyLen, 100);
  t.equal(tx?.reqBody?.length, 16);
  t.equal(tx?.respBody?.length, 16);
  t.equal(d.counters.get('http.body.capture_truncated'), 2);
  t.same(tx?.anomalies, [], 'a counter, not an anomaly');
  const none = exchange(`POST /u HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc`, ok('x'), { bodyCaptureBytes: 0 });
  t.equal(none.txs[0]?.reqBody, null);
  t.equal(none.txs[0]?.reqBodyLen, 3);
});

t.test('maxDecompressedBytes: a gzip bomb is counted, not an outage', async (t) => {
  const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));
  t.ok(bomb.length < 64 * 1024, `bomb is ${bomb.length} bytes compressed`);
  const resp = Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`),
    bomb,
  ]);
  const before = process.memoryUsage().rss;
  const d = exchange('GET /bomb HTTP/1.1\r\n\r\n', resp, { maxDecompressedBytes: 4096 });
  const tx = d.txs[0];
  t.equal(d.counters.get('http.body.decompress_limit'), 0, 'bodies are decoded only when read');
  t.equal(tx?.respBodyLen, bomb.length);
  t.same(Buffer.from(tx?.respBody ?? []), bomb, 'raw prefix kept');
  t.equal(d.counters.get('http.body.decompress_limit'), 1, 'the bound is counted when a consumer reads the body');
  t.ok(process.memoryUsage().rss - before < 16 * 1024 * 1024, 'no 20 MB allocation');
});
