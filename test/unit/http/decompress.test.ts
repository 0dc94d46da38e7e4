// Body decoding: gzip, deflate (zlib and raw), br, truncated prefixes, corrupt data, bombs.
import t from 'tap';
import * as zlib from 'node:zlib';
import { decodeBody } from '../../../src/http/body';
import { exchange } from './helpers';

const text = Buffer.from('{"users":[' + Array.from({ length: 200 }, (_, i) => `{"id":${i},"name":"user${i}"}`).join(',') + ']}');

function respWith(encoding: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
}

const cases: [string, Uint8Array][] = [
  ['gzip', zlib.gzipSync(text)],
  ['x-gzip', zlib.gzipSync(text)],
  ['deflate', zlib.deflateSync(text)],
  ['deflate', zlib.deflateRawSync(text)],
  ['br', zlib.brotliCompressSync(text)],
];

for (const [enc, body] of cases) {
  t.test(`${enc} (${body.length} bytes) decoded within the flow`, async (t) => {
    const d = exchange('GET /u HTTP/1.1\r\n\r\n', respWith(enc, body));
    const tx = d.txs[0];
    t.equal(tx?.respBodyLen, body.length, 'length counted before decompression');
    t.same(Buffer.from(tx?.respBody ?? []).toString(), text.toString());
    t.same(tx?.anomalies, []);
  });
}

t.test('request bodies are decoded too', async (t) => {
  const gz = zlib.gzipSync(Buffer.from('a=1&b=2'));
  const req = Buffer.concat([Buffer.from(`POST /f HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]);
  const d = exchange(req, 'HTTP/1.1 204 No Content\r\n\r\n');
  t.equal(Buffer.from(d.txs[0]?.reqBody ?? []).toString(), 'a=1&b=2');
  t.equal(d.txs[0]?.contentEncoding, 'gzip');
});

t.test('a capture-truncated compressed prefix decodes to a prefix', async (t) => {
  for (const [enc, body] of cases) {
    const d = exchange('GET /u HTTP/1.1\r\n\r\n', respWith(enc, body), { bodyCaptureBytes: 300 });
    const got = Buffer.from(d.txs[0]?.respBody ?? []);
    t.ok(got.length > 0 && text.subarray(0, got.length).equals(got), `${enc}: ${got.length} plain bytes, a prefix of the original`);
    t.same(d.txs[0]?.anomalies, [], `${enc}: no anomaly`);
  }
});

t.test('corrupt data: decompress_error, raw bytes kept', async (t) => {
  const junk = Buffer.from('this is not gzip at all, just text');
  for (const enc of ['gzip', 'deflate', 'br']) {
    const d = exchange('GET /u HTTP/1.1\r\n\r\n', respWith(enc, junk));
    t.equal(d.counters.get('http.body.decompress_error'), 0, `${enc}: nothing decoded before a consumer reads the body`);
    t.same(Buffer.from(d.txs[0]?.respBody ?? []), junk, `${enc}: raw prefix kept`);
    t.equal(d.counters.get('http.body.decompress_error'), 1, `${enc}: counted when read`);
    t.same(Buffer.from(d.txs[0]?.respBody ?? []), junk, `${enc}: a second read returns the same bytes`);
    t.equal(d.counters.get('http.body.decompress_error'), 1, `${enc}: and is not counted again`);
    t.same(d.txs[0]?.anomalies, [], `${enc}: the record's anomalies are the framing's, not the decoder's`);
  }
});

t.test('bombs in every coding stop at the bound', async (t) => {
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (const [enc, fn] of [
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const) {
    const bomb = fn(zeros);
    const r = decodeBody(bomb, enc, 64 * 1024);
    t.equal(r.outcome, 'limit', `${enc} bomb (${bomb.length} bytes)`);
    t.equal(r.body, bomb);
  }
});

t.test('decodeBody: identity, unknown and stacked codings', async (t) => {
  const raw = Buffer.from('abc');
  t.equal(decodeBody(raw, 'identity', 1024).outcome, 'identity');
  t.equal(decodeBody(raw, 'compress', 1024).outcome, 'unsupported');
  const stacked = zlib.brotliCompressSync(zlib.gzipSync(text));
  const r = decodeBody(stacked, 'gzip, br', 1 << 20);
  t.equal(r.outcome, 'decoded');
  t.same(Buffer.from(r.body), text);
});
