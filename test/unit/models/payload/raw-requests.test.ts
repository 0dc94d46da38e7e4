// The raw-request reader (CSIC 2010 layout): the same requests at every split of the input into two
// chunks, gzip and plain alike, and bad input skipped and counted instead of thrown.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { emptyStats, RawRequestParser, readRawRequests, type RawRequest } from '../../../../src/models/payload/raw-requests';

const SAMPLE = Buffer.from(
  'GET http://localhost:8080/tienda1/index.jsp?a=1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n\r\n' +
    'POST http://localhost:8080/tienda1/publico/anadir.jsp HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\nid=2&x=%27a\n\r\n' +
    'PUT /api/v1/items/7 HTTP/1.0\nContent-Type: application/json\nContent-Length: 9\n\n{"a":"b"}',
  'latin1',
);

function summary(reqs: RawRequest[]): string[] {
  return reqs.map((r) => `${r.index} ${r.method} ${r.target} ${r.version ?? '-'} ${r.contentType ?? '-'} ${JSON.stringify(Buffer.from(r.body).toString('latin1'))}`);
}

t.test('the sample parses to three requests', async (t) => {
  const p = new RawRequestParser();
  const reqs = [...p.push(SAMPLE), ...p.end()];
  t.same(summary(reqs), [
    '0 GET http://localhost:8080/tienda1/index.jsp?a=1 HTTP/1.1 - ""',
    '1 POST http://localhost:8080/tienda1/publico/anadir.jsp HTTP/1.1 application/x-www-form-urlencoded "id=2&x=%27a\\n"',
    '2 PUT /api/v1/items/7 HTTP/1.0 application/json "{\\"a\\":\\"b\\"}"',
  ]);
  t.same(p.stats, { ...emptyStats(), requests: 3 });
});

t.test('every split of the input into two chunks gives the same requests', async (t) => {
  const whole = new RawRequestParser();
  const expected = summary([...whole.push(SAMPLE), ...whole.end()]);
  for (let at = 0; at <= SAMPLE.length; at++) {
    const p = new RawRequestParser();
    const got = summary([...p.push(SAMPLE.subarray(0, at)), ...p.push(SAMPLE.subarray(at)), ...p.end()]);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      t.same(got, expected, `split at byte ${at}`);
      return;
    }
  }
  t.pass(`all ${SAMPLE.length + 1} splits agree`);
});

t.test('one byte at a time, and gzip-compressed through the stream reader', async (t) => {
  const p = new RawRequestParser();
  const got: RawRequest[] = [];
  for (const b of SAMPLE) got.push(...p.push(Uint8Array.of(b)));
  got.push(...p.end());
  t.equal(got.length, 3);
  const stats = emptyStats();
  const viaGzip: RawRequest[] = [];
  for await (const r of readRawRequests(Readable.from([gzipSync(SAMPLE)]), stats)) viaGzip.push(r);
  t.same(summary(viaGzip), summary(got));
  t.equal(stats.requests, 3);
});

t.test('malformed input: garbage lines are skipped and counted, a cut body is kept and counted', async (t) => {
  const p = new RawRequestParser();
  const input = Buffer.from('hello there\r\n\x00\x01binary\r\nGET /ok HTTP/1.1\r\n\r\nPOST /cut HTTP/1.1\r\nContent-Length: 50\r\n\r\nonly-this');
  const reqs = [...p.push(input), ...p.end()];
  t.same(reqs.map((r) => r.target), ['/ok', '/cut']);
  t.equal(Buffer.from(reqs[1]!.body).toString(), 'only-this');
  t.equal(p.stats.skippedLines, 2);
  t.equal(p.stats.firstSkippedLine, 1);
  t.equal(p.stats.truncatedBodies, 1);
});

t.test('input with no request at all, and an endless line, do not throw', async (t) => {
  const p = new RawRequestParser();
  t.same([...p.push(Buffer.from('not http\nat all\n')), ...p.end()], []);
  t.equal(p.stats.skippedLines, 2);
  const long = new RawRequestParser();
  const reqs = [...long.push(Buffer.from(`GET /${'a'.repeat(200_000)} HTTP/1.1\r\n\r\n`)), ...long.end()];
  t.equal(reqs.length, 1);
  t.equal(long.stats.longLines, 1);
  const empty = emptyStats();
  const none: RawRequest[] = [];
  for await (const r of readRawRequests(Readable.from([]), empty)) none.push(r);
  t.equal(none.length, 0);
});
