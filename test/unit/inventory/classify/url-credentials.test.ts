// Credentials in the query string: which parameters count (credential formats anywhere, credential
// names with real values, configured API-key names with generated values), which do not (paging
// tokens, placeholders, signed-URL parameters, words), and what is kept (a redacted sample only).
import t from 'tap';
import { classifyMessage, DEFAULT_AUTH_OPTIONS, findUrlCredentials, learnOptions, parseUrlEncoded } from '../../../../src/inventory/classify';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const MAPS_KEY = 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';
const HEX_KEY = '9c1d4e2f7a3b8c6d5e0f1a2b3c4d5e6f';

function found(query: string, names: readonly string[] = DEFAULT_AUTH_OPTIONS.apiKeyQueryParams): string[] {
  return findUrlCredentials(parseUrlEncoded(query), names).map((c) => `${c.name}:${c.kind}:${c.rule}`);
}

t.test('credential formats count whatever the parameter is called', async (t) => {
  t.same(found(`q=shoes&session=${JWT}`), ['session:jwt:jwt']);
  t.same(found(`map=${MAPS_KEY}`), ['map:secret:google-api-key']);
  t.same(found('aws=AKIAIOSFODNN7EXAMPLE'), ['aws:secret:aws-access-key']);
});

t.test('credential names count with a real value, not with placeholders', async (t) => {
  t.same(found('password=hunter2x&user=ann'), ['password:credential-field:credential-name']);
  t.same(found('access_token=ya29a0AfH6SMBx&api_key=live_8f3k2m'), ['access_token:credential-field:credential-name', 'api_key:credential-field:credential-name']);
  for (const q of ['password=', 'token=****', 'api_key=null', 'secret=REDACTED', 'token=true', 'password=xxxxxxxx', 'token=abc']) t.same(found(q), [], q);
  t.same(found('nextPageToken=CAUQAA12345&pageToken=abcdefgh1234&csrf_token=q8ZkT4pWm7Yb3'), [], 'paging and CSRF tokens are not credentials');
  t.same(found(`token=${JWT}&token=${JWT}`), ['token:jwt:jwt'], 'once per parameter');
});

t.test('generic API-key names (`key`) need a generated value', async (t) => {
  t.same(found(`key=${HEX_KEY}`), ['key:credential-field:api-key-param']);
  t.same(found('key=products-spring-collection-2024'), [], 'a slug with a year is a lookup key');
  t.same(found('key=user.profile.name'), [], 'a dotted name');
  t.same(found('key=a1b2c3'), [], 'short');
  t.same(found(`key=${HEX_KEY}`, []), [], 'only when `key` is a configured API-key name');
  t.same(found(`subscription=${HEX_KEY}`, ['subscription']), ['subscription:credential-field:api-key-param'], 'names from the config (or a spec) count');
});

t.test('signed-URL parameters are capabilities by design, not leaks', async (t) => {
  const presigned =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=' + 'ab12'.repeat(16);
  t.same(found(presigned), []);
  t.same(found(`AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=${'Zx9'.repeat(10)}&Expires=1700000000`), []);
});

t.test('the sample is redacted; the value is never kept', async (t) => {
  const [c] = findUrlCredentials(parseUrlEncoded(`access_token=${JWT}`), DEFAULT_AUTH_OPTIONS.apiKeyQueryParams);
  t.equal(c?.sample, `eyJh…, ${JWT.length} chars`);
  t.notOk(JSON.stringify(c).includes(JWT.slice(0, 8)));
});

t.test('classifyMessage: request query only, with the configured names', async (t) => {
  const req = classifyMessage('request', null, null, `page=2&api_key=${HEX_KEY}&q=boots`);
  t.same(req.urlCredentials.map((c) => `${c.name}:${c.rule}`), ['api_key:credential-name']);
  t.same(classifyMessage('request', null, null, 'page=2&q=boots').urlCredentials, [], 'none');
  t.same(classifyMessage('response', null, null, `token=${JWT}`).urlCredentials, [], 'responses have no URL');
  const custom = classifyMessage('request', null, null, `subscription=${HEX_KEY}`, learnOptions({ auth: { apiKeyQueryParams: ['subscription'] } }));
  t.same(custom.urlCredentials.map((c) => `${c.name}:${c.rule}`), ['subscription:api-key-param'], 'auth options name the API-key parameters');
});
