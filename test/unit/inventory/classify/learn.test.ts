import t from 'tap';
import { Counters } from '../../../../src/core/counters';
import {
  bodyKind,
  classifyMessage,
  classifyTransaction,
  inferStringFormat,
  inferTextType,
  learnOptions,
  parseUrlEncoded,
  walkJson,
  type ClassifiableTransaction,
  type MessageClassification,
} from '../../../../src/inventory/classify';
import { jsonPathTableResets } from '../../../../src/inventory/classify/json-walk';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
function byName(m: MessageClassification): Record<string, string> {
  return Object.fromEntries(m.params.map((p) => [`${p.location}:${p.name}`, p.types.join('|') + (p.formats.length ? `/${p.formats.join('|')}` : '')]));
}

t.test('type and format inference', async (t) => {
  t.equal(inferTextType('42'), 'integer');
  t.equal(inferTextType('-3.5e2'), 'number');
  t.equal(inferTextType('true'), 'boolean');
  t.equal(inferTextType('007x'), 'string');
  t.equal(inferTextType(''), 'string');
  const cases: Array<[string, string | null]> = [
    ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'uuid'],
    ['jane@example.com', 'email'],
    ['2024-02-29', 'date'],
    ['2023-02-29', null],
    ['2024-01-02T03:04:05.123Z', 'date-time'],
    ['2024-01-02 03:04:05+02:00', 'date-time'],
    ['12:30:45', 'time'],
    ['192.168.1.1', 'ipv4'],
    ['2001:db8::1', 'ipv6'],
    ['https://example.com/a?b=c', 'uri'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'hex'],
    ['SGVsbG8gV29ybGQh', 'base64'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'jwt'],
    ['hello world', null],
    ['v1.2.3', null],
    ['abcdefghijklmnop', null],
  ];
  for (const [v, f] of cases) t.equal(inferStringFormat(v), f, `${v} → ${f}`);
});

t.test('query and form parameters', async (t) => {
  t.same(parseUrlEncoded('a=1&b=hello+world&c&d=%41%zz&=x&&e=%E2%82%AC'), [
    ['a', '1'],
    ['b', 'hello world'],
    ['c', ''],
    ['d', '%41%zz'],
    ['e', '€'],
  ]);
  const m = classifyMessage('request', enc('user=jane%40example.com&age=31&admin=false'), 'application/x-www-form-urlencoded', 'page=2&sort=name&since=2024-01-01', undefined, undefined, {
    headers: ['host', 'x-request-id', 'x-api-key', 'content-type'],
    cookieNames: ['sessionid'],
  });
  t.equal(m.bodyKind, 'form');
  t.same(byName(m), {
    'query:page': 'integer',
    'query:sort': 'string',
    'query:since': 'string/date',
    'header:x-request-id': 'string',
    'header:x-api-key': 'string',
    'cookie:sessionid': 'string',
    'body:user': 'string/email',
    'body:age': 'integer',
    'body:admin': 'boolean',
  });
  t.same(m.pii.map((p) => `${p.location}:${p.field}:${p.kind}`), ['body:user:email']);
});

t.test('multipart part names', async (t) => {
  const body = '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n...\r\n--b--\r\n';
  const m = classifyMessage('request', enc(body), 'multipart/form-data; boundary=b', null);
  t.same(byName(m), { 'body:title': 'string', 'body:file': 'string/binary' });
});

t.test('JSON walking: paths, types, formats, record counts', async (t) => {
  const body = JSON.stringify({
    data: [
      { id: 1, email: 'a@example.com', price: 9.5, tags: ['x'], owner: { uuid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' } },
      { id: 2, email: 'b@example.com', price: 10, tags: [], owner: null },
      { id: 3, email: 'c@example.com', price: 1.25, tags: ['y', 'z'], owner: { uuid: '3f2504e0-4f89-11d3-9a0c-0305e82c3302' } },
    ],
    meta: { total: 3, next: null },
  });
  const m = classifyMessage('response', enc(body), 'application/json; charset=utf-8', null);
  t.equal(m.bodyKind, 'json');
  const p = byName(m);
  t.equal(p['body:data'], 'array');
  t.equal(p['body:data[]'], 'object');
  t.equal(p['body:data[].id'], 'integer');
  t.equal(p['body:data[].price'], 'integer|number', 'both types seen in one message');
  t.equal(p['body:data[].email'], 'string/email');
  t.equal(p['body:data[].tags[]'], 'string');
  t.equal(p['body:data[].owner'], 'null|object');
  t.equal(p['body:data[].owner.uuid'], 'string/uuid');
  t.equal(p['body:meta.next'], 'null');
  t.equal(m.recordCount, 3, 'largest array under a known envelope');
  t.equal(m.recordCountComplete, true);
  // the first value, a@example.com (13 characters), redacted: 2 shown below 16
  t.same(m.pii, [{ location: 'body', field: 'data[].email', kind: 'email', count: 3, rule: 'email', sample: 'a@…, 13 chars' }]);

  const top = classifyMessage('response', enc('[{"a":1},{"a":2}]'), 'application/json', null);
  t.equal(top.recordCount, 2, 'top-level array length');
  t.equal(byName(top)['body:[].a'], 'integer');
  const noEnv = classifyMessage('response', enc('{"id":1,"tags":[1,2,3,4]}'), 'application/json', null);
  t.equal(noEnv.recordCount, null, 'arrays under non-envelope keys are not records');
  const nested = classifyMessage('response', enc('{"hits":{"total":9,"hits":[{},{},{},{}]}}'), null, null);
  t.equal(nested.recordCount, 4, 'hits.hits (envelope under envelope)');
  const req = classifyMessage('request', enc('[1,2]'), 'application/json', null);
  t.equal(req.recordCount, null, 'requests have no record count');
});

t.test('tolerant JSON: truncated prefix, FUR-API `;` separators, bare words', async (t) => {
  const trunc = classifyMessage('response', enc('{"items":[{"id":1,"e":"a@example.com"},{"id":2,"e":"b@exa'), 'application/json', null);
  t.equal(trunc.recordCount, 1, 'only whole elements counted');
  t.equal(trunc.recordCountComplete, false, 'lower bound');
  t.equal(trunc.limits.jsonIncomplete, true);
  t.equal(trunc.pii.find((p) => p.kind === 'email')?.count, 1);
  const fur = classifyMessage('response', enc('{"id": 123; "mobile": "123-456-7890"; "ok": True; "n": nan}'), 'text/html;charset=utf-8', null);
  t.equal(fur.bodyKind, 'json', 'JSON sniffed under a text/html label');
  t.same(byName(fur), { 'body:id': 'integer', 'body:mobile': 'string', 'body:ok': 'string', 'body:n': 'string' });
  t.same(fur.pii.map((p) => p.kind), ['phone']);
});

t.test('bounds fire and are counted', async (t) => {
  const counters = new Counters();
  let deep = '1';
  for (let i = 0; i < 20; i++) deep = `{"k${i}":${deep}}`;
  const o = learnOptions({ maxDepth: 4 });
  const d = classifyMessage('request', enc(deep), 'application/json', null, o, counters);
  t.equal(d.limits.depthSkipped, 1);
  t.equal(Math.max(...d.params.map((p) => p.name.split('.').length)), 4, 'paths stop at maxDepth');
  t.equal(counters.get('inventory.classify.json.depth_skipped'), 1);

  const many = JSON.stringify({ list: Array.from({ length: 500 }, (_, i) => ({ i, email: `u${i}@example.com` })) });
  const n = classifyMessage('response', enc(many), 'application/json', null, learnOptions({ maxNodes: 100 }), counters);
  t.equal(n.limits.nodeLimit, true);
  t.equal(n.recordCount, 500, 'array elements still counted after the node limit');
  t.ok((n.pii[0]?.count ?? 0) < 60, 'values after the node limit are not scanned');
  t.equal(counters.get('inventory.classify.json.node_limit'), 1);

  const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i])));
  const w = classifyMessage('request', enc(wide), 'application/json', null, learnOptions({ maxFieldsPerMessage: 10 }), counters);
  t.equal(w.params.length, 10);
  t.equal(w.limits.fieldsDropped, 40);
  t.equal(counters.get('inventory.classify.fields_dropped'), 40);

  const s = classifyMessage('response', enc(JSON.stringify({ a: 'x'.repeat(100), b: 'y@example.com' })), null, null, learnOptions({ pii: { maxScanChars: 50 } }), counters);
  t.equal(s.limits.scanLimit, true);
  t.equal(counters.get('inventory.classify.pii.scan_limit'), 1);
});

t.test('walker is linear on hostile input', async (t) => {
  const sink = { scalar: (): void => undefined, container: (): void => undefined };
  const lim = { maxDepth: 8, maxNodes: 5000, maxKeyLength: 64 };
  const inputs = ['['.repeat(65536), '{"a":'.repeat(13000), '"\\'.repeat(30000), ':,;}]'.repeat(13000), '{' + '"k":1,'.repeat(10000)];
  const start = process.hrtime.bigint();
  for (const s of inputs) walkJson(s, sink, lim);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.ok(ms < 1000, `5 hostile 64 KiB bodies walked in ${ms.toFixed(0)} ms`);
});

t.test('body kind', async (t) => {
  t.equal(bodyKind(null, 'application/json'), 'none');
  t.equal(bodyKind(enc('{"a":1}'), 'application/x-www-form-urlencoded'), 'json', 'JSON mislabelled as form');
  t.equal(bodyKind(enc('a=1'), 'application/x-www-form-urlencoded'), 'form');
  t.equal(bodyKind(enc('<x/>'), 'application/xml'), 'text');
  t.equal(bodyKind(enc('\x89PNG'), 'image/png'), 'binary');
  t.equal(bodyKind(enc('{"a":1}'), 'application/vnd.api+json'), 'json');
  t.equal(bodyKind(enc('[1]'), null), 'json');
});

t.test('classifyTransaction', async (t) => {
  const tx: ClassifiableTransaction = {
    query: 'api_key=abc123&q=shoes',
    headers: ['host', 'x-tenant'],
    cookieNames: [],
    reqBody: null,
    reqContentType: null,
    respBody: enc('{"results":[{"email":"a@example.com","ip":"10.0.0.7"}]}'),
    respContentType: 'application/json',
    status: 200,
    authorization: null,
    completeness: 'full',
  };
  const c = classifyTransaction(tx);
  t.same(c.auth.kinds, ['api-key-query']);
  t.equal(c.auth.unauthenticatedSuccess, false);
  t.same(c.request.pii.map((p) => `${p.field}:${p.kind}`), ['api_key:credential-field']);
  t.same(c.response?.pii.map((p) => `${p.field}:${p.kind}`), ['results[].email:email', 'results[].ip:private-ip']);
  t.equal(c.response?.recordCount, 1);
  const noResp = classifyTransaction({ ...tx, status: null, respBody: null });
  t.equal(noResp.response, null);
});

t.test('json paths stay right across the interning table filling up and being emptied', async (t) => {
  const paths: string[] = [];
  const sink = { scalar: (p: string) => paths.push(p), container: () => undefined };
  const lim = { maxDepth: 8, maxNodes: 100000, maxKeyLength: 64 };
  const n = 40000; // more distinct paths than the table holds (16384), so it is emptied at least twice
  const wide = `{"outer":{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}}`;
  const resetsBefore = jsonPathTableResets();
  walkJson(wide, sink, lim);
  t.ok(jsonPathTableResets() - resetsBefore >= 2, 'the bound fired and is counted');
  t.equal(paths.length, n);
  t.ok(paths.every((p, i) => p === `outer.k${i}`), 'every path is its own key');
  paths.length = 0;
  walkJson('{"a":{"b":[{"c":1},{"c":2}]}}', sink, lim);
  walkJson('{"a":{"b":[{"c":3}]}}', sink, lim);
  t.same(paths, ['a.b[].c', 'a.b[].c', 'a.b[].c']);
});
