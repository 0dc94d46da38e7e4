// The canonical request text: form and JSON bodies read alike, one round of percent-decoding,
// absolute targets reduced to their path, odd and oversized inputs bounded.
import t from 'tap';
import { bodyText, flattenJson, hasPayload, maskSecrets, MAX_TEXT_CHARS, percentDecodeOnce, requestText, splitTarget, transactionText } from '../../../../src/models/payload/request-text';
import { call, MONDAY } from '../../features/helpers';

t.test('a form body and the same fields as JSON give the same text', async (t) => {
  const form = requestText({ method: 'POST', target: '/api/users', contentType: 'application/x-www-form-urlencoded', body: Buffer.from('name=Ann+Lee&city=M%C3%A1laga&age=31') });
  const json = requestText({ method: 'POST', target: '/api/users', contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ name: 'Ann Lee', city: 'Málaga', age: 31 })) });
  t.equal(form, 'POST /api/users\nname=Ann Lee&city=Málaga&age=31');
  t.equal(json, form);
});

t.test('nested JSON flattens to dotted keys, arrays repeat their key, operators stay visible', async (t) => {
  t.equal(flattenJson({ a: { b: 1, c: [true, null] }, $ne: 'x' }), 'a.b=1&a.c=true&a.c=null&$ne=x');
  t.equal(flattenJson([{ id: 1 }, { id: 2 }]), 'id=1&id=2');
  t.equal(flattenJson('plain'), '=plain');
});

t.test('percent-decoding happens once; Latin-1 escapes (CSIC) and UTF-8 escapes both read', async (t) => {
  t.equal(percentDecodeOnce('%2527', false), '%27', 'double encoding keeps one layer');
  t.equal(percentDecodeOnce('Jam%F3n+Ib%E9rico', true), 'Jamón Ibérico');
  t.equal(percentDecodeOnce('a+b', false), 'a+b', 'a + in a path stays');
  t.equal(percentDecodeOnce('50%', true), '50%', 'a lone % stays');
  t.equal(percentDecodeOnce('%zz%4', true), '%zz%4');
});

t.test('absolute targets lose scheme and host; fragments go', async (t) => {
  t.same(splitTarget('http://localhost:8080/tienda1/a.jsp?id=2#x'), { path: '/tienda1/a.jsp', query: 'id=2' });
  t.same(splitTarget('/p'), { path: '/p', query: null });
  t.equal(requestText({ method: 'get', target: 'http://h/x?q=%3Cscript%3E', contentType: null, body: null }), 'GET /x?q=<script>');
});

t.test('odd bodies: binary and multipart are left out, broken JSON is read as text, untyped forms decode', async (t) => {
  t.equal(bodyText('multipart/form-data; boundary=x', Buffer.from('--x\r\n')), '');
  t.equal(bodyText('application/octet-stream', Buffer.from([0, 1, 2])), '');
  t.equal(bodyText('application/json', Buffer.from('{"a":')), '{"a":');
  t.equal(bodyText(null, Buffer.from('a=1&b=%3C')), 'a=1&b=<');
  t.equal(bodyText(null, Buffer.from('{"x":"y"}')), 'x=y');
  t.equal(bodyText('text/plain', Buffer.alloc(0)), '');
  t.equal(bodyText('text/xml', Buffer.from([0xff, 0xfe, 0x41])), 'ÿþA', 'bytes that are not UTF-8 read as Latin-1');
});

t.test('the text is capped, however long the request', async (t) => {
  const text = requestText({ method: 'POST', target: `/a?q=${'x'.repeat(5000)}`, contentType: 'application/json', body: Buffer.from(JSON.stringify({ big: 'y'.repeat(100_000) })) });
  t.equal(text.length, MAX_TEXT_CHARS);
});

t.test('transactions: what has a payload, and bodies over the bound are not read', async (t) => {
  t.notOk(hasPayload(call({ ts: MONDAY, path: '/api/users/42' }).tx), 'a plain path has nothing to score');
  t.ok(hasPayload(call({ ts: MONDAY, path: '/api/users', query: 'limit=5' }).tx));
  t.ok(hasPayload(call({ ts: MONDAY, path: '/files/..%2f..%2fetc/passwd' }).tx), 'an odd path is scored');
  const { tx } = call({ ts: MONDAY, method: 'POST', path: '/api/users', reqBody: { name: 'x'.repeat(100) } });
  t.equal(transactionText(tx, 1 << 16), `POST /api/users\nname=${'x'.repeat(100)}`);
  t.equal(transactionText(tx, 10), 'POST /api/users', 'a body over maxBodyBytes is not read');
});

t.test('secret values keep only their punctuation, in queries, forms and JSON alike', async (t) => {
  t.equal(maskSecrets('user=ann&password=Summer2024!&api_key=pk_9fQ2xZ'), 'user=ann&password=x!&api_key=x_x');
  t.equal(maskSecrets("password=' or 1=1--"), "password=' x x=x--", 'an injection through a password field keeps its shape');
  t.equal(maskSecrets('shipping=fast&monkey=1'), 'shipping=fast&monkey=1', 'names that merely contain the letters are kept');
  const json = requestText({ method: 'POST', target: '/login', contentType: 'application/json', body: Buffer.from(JSON.stringify({ email: 'a@b.example', password: 'Orbit dragon#7' })) });
  t.equal(json, 'POST /login\nemail=a@b.example&password=x x#x');
  t.equal(requestText({ method: 'GET', target: '/v?access_token=abc.def', contentType: null, body: null }), 'GET /v?access_token=x.x');
});
