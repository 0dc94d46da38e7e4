import t from 'tap';
import {
  findPii,
  isCardNumber,
  isIban,
  isValidSsn,
  luhnValid,
  PiiCounter,
  redactSample,
  redactText,
  redactedSample,
} from '../../../../src/inventory/classify';
import { fieldHint, HINT_FREE_TEXT } from '../../../../src/inventory/classify/pii';
import type { PiiKind } from '../../../../src/inventory/classify';

function found(text: string, hint = 0): string[] {
  return findPii(text, hint).map((s) => `${s.kind}:${text.slice(s.start, s.end)}`);
}
function kinds(text: string, hint = 0): PiiKind[] {
  return findPii(text, hint).map((s) => s.kind);
}

t.test('emails', async (t) => {
  t.same(found('contact john.doe+tag@mail.example.co.uk today'), ['email:john.doe+tag@mail.example.co.uk']);
  t.same(found('a@b.io, x_y@corp-mail.com'), ['email:a@b.io', 'email:x_y@corp-mail.com']);
  t.same(kinds('logo@2x.png and sprite@3x.webp'), [], 'retina asset names are not emails');
  t.same(kinds('user@localhost or @handle or foo@bar'), [], 'no dotted domain, no email');
  t.same(kinds('user234@password@example'), [], 'FUR-API decoy password');
});

t.test('payment cards: Luhn and issuer prefix', async (t) => {
  t.ok(luhnValid('79927398713'));
  t.notOk(luhnValid('79927398710'));
  for (const c of ['4111111111111111', '5500 0000 0000 0004', '3782-822463-10005', '6011111111111117', '3530111333300000', '4222222222222', '2223000048400011']) {
    t.same(kinds(`card ${c} end`), ['card'], `${c} is a card`);
  }
  t.same(kinds('4111 1111 1111 1112'), [], 'Luhn-invalid is not a card');
  t.same(kinds('9876123456789876'), [], 'Luhn-valid without a known issuer prefix is not a card (FUR-API)');
  t.same(kinds('1234567890123456'), [], 'Luhn-invalid sequence is not a card');
  t.same(kinds('order 41111111111111110000 ref'), [], 'longer digit run is not a card');
  t.same(kinds('4111 11111111 1111'), [], 'odd grouping rejected');
  t.same(kinds('4111-1111 1111-1111'), [], 'mixed separators rejected');
  t.same(kinds('ts 1700000000123 and 2021-12-31 and 4.111111111111111'), [], 'timestamps/dates/decimals');
  t.notOk(isCardNumber('4444444444444444'), 'one repeated digit');
});

t.test('US SSN with invalid ranges excluded', async (t) => {
  t.same(found('ssn 536-22-1234.'), ['ssn:536-22-1234']);
  t.same(kinds('536 22 1234'), ['ssn']);
  for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '999-45-6789', '536-00-1234', '536-22-0000', '078-05-1120', '123-45-6789']) {
    t.same(kinds(`x ${bad} y`), [], `${bad} is not an SSN`);
  }
  t.same(kinds('536-22-1234-99'), [], 'part of a longer id');
  t.same(kinds('536-22 1234'), [], 'mixed separators');
  t.same(kinds('536221234'), [], 'bare 9 digits without a name hint');
  t.same(kinds('536221234', fieldHint('ssn')), ['ssn'], 'bare 9 digits in an `ssn` field');
  t.notOk(isValidSsn('666', '10', '1000'));
});

t.test('IBAN mod-97', async (t) => {
  t.same(found('pay to DE89 3704 0044 0532 0130 00 now'), ['iban:DE89 3704 0044 0532 0130 00']);
  t.same(kinds('GB82WEST12345698765432'), ['iban']);
  t.same(kinds('FR1420041010050500013M02606'), ['iban']);
  t.same(kinds('DE89370400440532013001'), [], 'checksum wrong');
  t.same(kinds('GB82WEST1234569876543'), [], 'wrong length for GB');
  t.same(kinds('ZZ82WEST12345698765432'), [], 'unknown country');
  t.notOk(isIban('NL91ABNA0417164301'));
  t.ok(isIban('NL91ABNA0417164300'));
});

t.test('phones: E.164, NANP, field hints; dates/versions/ids are not phones', async (t) => {
  t.same(kinds('+14155552671'), ['phone']);
  t.same(kinds('call +1 (415) 555-2671'), ['phone']);
  t.same(kinds('+44 20 7946 0958'), ['phone']);
  t.same(kinds('(212) 555-0100 or 212.555.0100'), ['phone', 'phone']);
  t.same(kinds('123-456-7890'), [], 'area code 1xx is not NANP');
  t.same(kinds('123-456-7890', fieldHint('mobile')), ['phone'], 'but accepted in a `mobile` field');
  t.same(kinds('1234567890', fieldHint('phoneNumber')), ['phone']);
  t.same(kinds('1234567890'), [], 'bare digits without hint');
  t.same(kinds('abcd', fieldHint('mobile')), []);
  for (const fp of ['version 10.2.3.4567', '2021-12-31', '2021-12-31T10:20:30Z', 'order 123-4567-890', 'v1.2.3', '+1', 'id 555-12-34', '1.5551234567']) {
    t.same(kinds(fp).filter((k) => k === 'phone'), [], `${fp} is not a phone`);
  }
});

t.test('CN resident id (MOD 11-2)', async (t) => {
  t.same(kinds('11010519491231002X'), ['national-id']);
  t.same(kinds('210321197907203822'), [], 'FUR-API synthetic id fails the check character');
});

t.test('JWTs', async (t) => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  t.same(kinds(`Bearer ${jwt}`), ['jwt']);
  t.same(kinds('eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0.c2ln'), [], 'header without alg');
  t.same(kinds('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.'), ['jwt'], 'unsigned (alg none style) still a JWT');
});

t.test('secrets: known prefixes and conservative entropy', async (t) => {
  for (const s of [
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'xoxb-123456789012-abcdefghijKL',
    'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
    '-----BEGIN RSA PRIVATE KEY-----',
  ]) {
    t.same(kinds(`k=${s};`), ['secret'], s);
  }
  t.same(kinds('9fQ2xLr8ZkT4pWm7Yb3Nc6Vd1Hs5Gj0Aq2Ew8Ru4Io6Py'), ['secret'], 'random base62');
  t.same(kinds('d41d8cd98f00b204e9800998ecf8427ed41d8cd98f00b204e9800998ecf8427e'), [], 'hex digest');
  t.same(kinds('3f2504e0-4f89-11d3-9a0c-0305e82c3301'), [], 'uuid');
  t.same(kinds('SGVsbG8gV29ybGQsIHRoaXMgaXMganVzdCBzb21lIHRleHQ='), [], 'base64 of plain text');
  t.same(kinds('/static/Images/Products/Blue-Shoe-Large-Variant2023/'), [], 'path');
  t.same(kinds('getUserProfileSettingsForAccountId12345'), [], 'camelCase identifier');
  t.same(kinds('sensitive_api_key'), [], 'FUR-API placeholder is not a secret by value');
  t.same(findPii('9fQ2xLr8ZkT4pWm7Yb3Nc6Vd1Hs5Gj0Aq2Ew8Ru4Io6Py', 0, { ...(await import('../../../../src/inventory/classify')).DEFAULT_PII_OPTIONS, entropySecrets: false }), [], 'entropy detector can be turned off');
});

t.test('private IPs', async (t) => {
  t.same(kinds('10.1.2.3 172.16.0.1 172.31.255.255 192.168.0.10 127.0.0.1 169.254.169.254'), Array(6).fill('private-ip'));
  t.same(kinds('8.8.8.8 172.32.0.1 192.169.1.1 100.64.0.1 256.1.1.1'), []);
  t.same(kinds('fd00::1 fc12:3456::7 fe80::1%eth0 ::1'), Array(4).fill('private-ip'));
  t.same(kinds('2001:db8::1 ff02::1 12:30:45 ::ffff:8.8.8.8'), []);
  t.same(kinds('v10.0.0.1 build 10.0.0.1.2'), [], 'version-like strings');
});

t.test('counter: per field, by kind, with name kinds and a scan budget', async (t) => {
  const c = new PiiCounter();
  c.scan('body', 'users[].email', 'a@example.com');
  c.scan('body', 'users[].email', 'b@example.com');
  c.scan('body', 'password', 'hunter2');
  c.scan('body', 'password', '********');
  c.scan('body', 'credit_card', '1234567890123456');
  c.scan('body', 'credit_card', '4111111111111111');
  c.scan('query', 'nextPageToken', 'abc');
  const r = c.results().map((p) => `${p.field}:${p.kind}:${p.count}`).sort();
  t.same(r, ['credit_card:card:1', 'credit_card:sensitive-field:1', 'password:credential-field:1', 'users[].email:email:2']);

  const small = new PiiCounter({ ...(await import('../../../../src/inventory/classify')).DEFAULT_PII_OPTIONS, maxScanChars: 30 });
  small.scan('body', 'a', 'x@example.com and more text!');
  small.scan('body', 'b', 'y@example.com');
  t.equal(small.limitHit, true, 'budget fires');
  t.same(small.results().map((p) => p.field), ['a'], 'values after the budget are not scanned');
});

t.test('redaction', async (t) => {
  t.equal(redactText('mail a@b.io card 4111-1111-1111-1111 ip 10.0.0.1'), 'mail <email> card <card> ip <private-ip>');
  t.equal(
    redactSample('{"email":"a@b.co","password":"hunter2","credit_card":"1234","mobile":"1234567890","n":"ok"}'),
    '{"email":"<email>","password":"<credential-field>","credit_card":"<sensitive-field>","mobile":"<phone>","n":"ok"}',
  );
});

t.test('performance: 64 KiB adversarial strings scan in linear time', async (t) => {
  const inputs = [
    '1'.repeat(65536),
    '1 '.repeat(32768),
    'a'.repeat(65535) + '@',
    '@a.'.repeat(21845),
    'A1b'.repeat(21845),
    'DE89 '.repeat(13107),
    ':1'.repeat(32768),
    '1.'.repeat(32768),
    '+1 '.repeat(21845),
    'eyJ.'.repeat(16384),
  ];
  const start = process.hrtime.bigint();
  for (const s of inputs) findPii(s);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.ok(ms < 2000, `10 adversarial 64 KiB inputs in ${ms.toFixed(0)} ms`);
});

t.test('every match names its rule', async (t) => {
  const rules = (text: string, hint = 0): string[] => findPii(text, hint).map((s) => `${s.kind}/${s.rule}`);
  t.same(rules('card 4111 1111 1111 1111'), ['card/luhn-card']);
  t.same(rules('mail ann@example.com'), ['email/email']);
  t.same(rules('ssn 536-22-1234'), ['ssn/us-ssn']);
  t.same(rules('536221234', fieldHint('ssn')), ['ssn/ssn-field']);
  t.same(rules('GB82WEST12345698765432'), ['iban/iban-mod97']);
  t.same(rules('11010519491231002X'), ['national-id/cn-resident-id']);
  t.same(rules('+14155552671'), ['phone/e164-phone']);
  t.same(rules('(212) 555-0100'), ['phone/nanp-phone']);
  t.same(rules('1234567890', fieldHint('mobile')), ['phone/phone-field']);
  t.same(rules('10.1.2.3 and fd00::1'), ['private-ip/private-ipv4', 'private-ip/private-ipv6']);
  t.same(rules('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'), ['jwt/jwt']);
  const keys: Array<[string, string]> = [
    ['AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
    ['ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'github-token'],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-key'],
    ['xoxb-123456789012-abcdefghijKL', 'slack-token'],
    ['AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'google-api-key'],
    ['glpat-abcdefghij0123456789', 'gitlab-token'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'private-key-pem'],
  ];
  for (const [k, rule] of keys) t.same(rules(`k=${k};`), [`secret/${rule}`], k);
  t.same(rules('9fQ2xLr8ZkT4pWm7Yb3Nc6Vd1Hs5Gj0Aq2Ew8Ru4Io6Py'), ['secret/high-entropy-token'], 'a whole value');
});

// Tokens shaped like keys (mixed case, digits, 40+ characters of many distinct symbols) that pages
// publish on purpose, and one that is a leak.
const VERIFY = 'U2+xq9ZkT4pWm7Yb3Nc6Vd1Hs5Gj0Aq2Ew8Ru4Io6Py=';
const GOOGLE = 'bK94NVHmf5qE0FyUFDJof5HalP0Dmwcglxpoowqsvcw';
const BING = '7Fq2ZxR9mLk3VbT8nWc4YhJ6sDg1PeA5';
const CSRF = 'Hq3vZ8xN2rT7kLp9WmYb4Cs6Jd1Fg5QeAuVo0iRn';
const NONCE = 'r4Nd0mN0nc3Vq8ZkT2pWm7Yb3Xc6Vd1Hs';
const SRI = 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC';
const LEAKED = 'Zq8vN3xR7tLp2WmK9sYb4HcJ6dFg1QeA5uVo0iTn';

const PAGE = `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="verify-v1" content="${VERIFY}" />
<meta name="google-site-verification" content="${GOOGLE}" />
<meta name="msvalidate.01" content="${BING}" />
<meta name="csrf-token" content="${CSRF}">
<script src="https://cdn.example/lib.js" integrity="${SRI}" crossorigin="anonymous"></script>
<script nonce="${NONCE}">window.ready = true;</script>
</head><body><form><input type="hidden" name="authenticity_token" value="${CSRF}"></form>
<p>Release signature:</p><pre>-----BEGIN PGP SIGNATURE-----
iEYEABECAAYFAlLGxZcACgkQWITbIIqGgrf5mACfW9r8Z3pQ7tYk2LnVb4XcJ6dF
=Qe5A
-----END PGP SIGNATURE-----</pre></body></html>`;

t.test('HTML and text: entropy alone is no evidence, public-by-design tokens never count', async (t) => {
  t.same(kinds(PAGE, HINT_FREE_TEXT), [], 'site verification, CSRF, SRI, nonce and a PGP signature are not secrets');
  const c = new PiiCounter();
  c.scanText('body', '(body)', PAGE);
  t.same(c.results(), [], 'nothing counted for the page');
  // the same tokens are high-entropy: as a field's whole value (`"token": "…"`) they do count
  for (const tok of [VERIFY, GOOGLE, CSRF, LEAKED]) t.same(findPii(tok).map((s) => s.rule), ['high-entropy-token'], `${tok} is token-shaped`);
  t.same(kinds(SRI), [], 'an integrity hash is not a key even as a whole value');
  t.same(kinds(NONCE, fieldHint('nonce')), [], 'a nonce field');
  t.same(kinds(CSRF, fieldHint('csrfToken')), [], 'a CSRF token field');
  t.same(kinds(GOOGLE, fieldHint('googleSiteVerification')), [], 'a site-verification field');
  t.same(kinds(JSON.stringify({ html: `<meta name="verify-v1" content="${VERIFY}">` }).slice(9, -2)), [], 'HTML inside a JSON string is text too');
});

t.test('HTML and text: a token assigned to a credential name, or a known key format, is a secret', async (t) => {
  const leaks = [
    `<script>var apiKey = "${LEAKED}";</script>`,
    `config: api_key=${LEAKED}&x=1`,
    `{"client_secret": "${LEAKED}"}`,
    `password: ${LEAKED}`,
    `<input type="hidden" name="api_key" value="${LEAKED}">`,
    `const settings = { accessToken: '${LEAKED}' }`,
    `curl -H "Authorization: Bearer ${LEAKED}" https://api.example.com/v1/me`,
  ];
  for (const text of leaks) {
    const spans = findPii(`<p>docs</p>\n${text}\n`, HINT_FREE_TEXT);
    t.same(spans.map((s) => `${s.kind}/${s.rule}`), ['secret/secret-assignment'], text);
  }
  t.same(findPii(`<input name="csrf_token" value="${LEAKED}">`, HINT_FREE_TEXT), [], 'a CSRF field is public by design');
  t.same(findPii(`<meta content="${LEAKED}">`, HINT_FREE_TEXT), [], 'a value without a name');
  t.same(findPii(`<p>commit ${LEAKED} merged</p>`, HINT_FREE_TEXT), [], 'a bare token in prose');
  const known = findPii(`<pre>aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn</pre>`, HINT_FREE_TEXT);
  t.same(known.map((s) => s.rule), ['aws-access-key', 'private-key-pem'], 'known formats need no context');
});

t.test('redacted samples: at most the first 4 characters and the length', async (t) => {
  t.equal(redactedSample(VERIFY), 'U2+x…, 44 chars');
  t.equal(redactedSample('hunter2!x'), 'hu…, 9 chars', 'fewer for a short value');
  t.equal(redactedSample('hunter2'), '…, 7 chars', 'none for a very short one');
  t.equal(redactedSample('ab\ncdefghijklmnopq'), 'ab?c…, 18 chars', 'control characters do not reach the record');
  const c = new PiiCounter();
  c.scan('body', 'users[].email', 'ann.smith@example.com');
  c.scan('body', 'users[].email', 'bob@example.com');
  c.scan('body', 'password', 'correct horse battery');
  c.scanText('body', '(body)', `api_key=${LEAKED}`);
  const r = c.results().map((p) => `${p.field}:${p.kind}:${p.rule}:${p.sample}:${p.count}`).sort();
  t.same(r, [
    '(body):secret:secret-assignment:Zq8v…, 40 chars:1',
    'password:credential-field:credential-name:corr…, 21 chars:1',
    'users[].email:email:email:ann.…, 21 chars:2',
  ]);
  const all = JSON.stringify(c.results());
  for (const v of [LEAKED, 'correct horse', 'ann.smith']) t.notOk(all.includes(v), `${v} is not kept`);
});
