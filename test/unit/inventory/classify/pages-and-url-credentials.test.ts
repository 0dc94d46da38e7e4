// Sensitive-data findings through the real CLI (`replay --format jsonl`): ordinary web pages whose
// key-shaped tokens are public by design (site-verification meta tags, CSRF tokens, SRI hashes,
// nonces, PGP signatures) raise nothing; a key assigned in a page's script does, with where it
// matched, the rule and a redacted sample; a credential in a query string is its own finding, once
// per endpoint and parameter. Real third-party captures from ../shared/data when present, and a
// capture written here.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonLines, runCli } from '../../../helpers/cli';
import { needsSharedData, sharedData } from '../../../helpers/shared-data';
import { writeHttpPcap, type HttpExchange } from '../../../helpers/pcap-writer';

type Rec = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-pages-'));

function replay(file: string): Rec[] {
  const run = runCli(['replay', '--format', 'jsonl', '--no-http-records', '--no-stats', file]);
  if (run.code !== 0) throw new Error(`replay ${file} exited ${String(run.code)}: ${run.stderr}`);
  return jsonLines(run.stdout);
}
const inventory = (recs: Rec[], event: string): Rec[] => recs.filter((r) => r['type'] === 'inventory' && r['event'] === event);
const alerts = (recs: Rec[], detector: string): Rec[] => recs.filter((r) => r['type'] === 'alert' && r['detector'] === detector);

t.test(
  'real captures: bro.org pages with a google-site-verification tag and a PGP signature raise nothing',
  { skip: needsSharedData },
  async (t) => {
    // bro.org.pcap: two HTML pages with the meta tag and a detached .asc signature; proxy.pcap: the home page via a proxy
    for (const name of ['bro.org.pcap', 'proxy.pcap']) {
      const recs = replay(sharedData('pcaps/zeek/Traces/http', name));
      t.ok(
        inventory(recs, 'new-endpoint').some((r) => r['host'] === 'bro.org' && r['template'] === '/'),
        `${name}: the home page was analysed`,
      );
      t.same(inventory(recs, 'new-sensitive-data'), [], `${name}: no sensitive data`);
      t.same(alerts(recs, 'inventory.sensitive-data'), [], `${name}: no sensitive-data alert`);
    }
  },
);

const VERIFY = 'U2+xq9ZkT4pWm7Yb3Nc6Vd1Hs5Gj0Aq2Ew8Ru4Io6Py=';
const GOOGLE = 'bK94NVHmf5qE0FyUFDJof5HalP0Dmwcglxpoowqsvcw';
const CSRF = 'Hq3vZ8xN2rT7kLp9WmYb4Cs6Jd1Fg5QeAuVo0iRn';
const SRI = 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC';
const LEAKED = 'Zq8vN3xR7tLp2WmK9sYb4HcJ6dFg1QeA5uVo0iTn';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const EXPORT_KEY = 'live_8f3k2m9q4w7z';

function get(uri: string, contentType: string, body: string): HttpExchange {
  return {
    client: '10.1.0.7',
    server: '10.1.0.1',
    serverPort: 80,
    request: `GET ${uri} HTTP/1.1\r\nHost: www.example.org\r\nAccept: */*\r\n\r\n`,
    response: `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  };
}

const HOME = `<!DOCTYPE html><html><head>
<meta name="verify-v1" content="${VERIFY}" />
<meta name="google-site-verification" content="${GOOGLE}" />
<meta name="csrf-token" content="${CSRF}">
<script src="/lib.js" integrity="${SRI}" crossorigin="anonymous"></script>
</head><body><h1>Welcome</h1><form><input type="hidden" name="authenticity_token" value="${CSRF}"></form></body></html>`;
const SETUP = `<!DOCTYPE html><html><body><h1>Setup</h1>
<script>var apiKey = "${LEAKED}"; init(apiKey);</script></body></html>`;

t.test('a page built here: public tokens raise nothing, an assigned key is found and described', async (t) => {
  const pcap = path.join(tmp, 'pages.pcap');
  writeHttpPcap(pcap, [get('/', 'text/html; charset=utf-8', HOME), get('/setup', 'text/html', SETUP)]);
  const recs = replay(pcap);
  t.equal(inventory(recs, 'new-endpoint').length, 2, 'both pages analysed');
  const found = inventory(recs, 'new-sensitive-data');
  t.same(found.map((r) => r['template']), ['/setup'], 'only the page with the key');
  t.match(found[0], {
    direction: 'response',
    location: 'body',
    field: '(body)',
    kind: 'secret',
    rule: 'secret-assignment',
    sample: `Zq8v…, ${LEAKED.length} chars`,
    bodyKind: 'text',
    contentType: 'text/html',
  });
  const [alert] = alerts(recs, 'inventory.sensitive-data');
  t.match(alert, { endpoint: { template: '/setup' }, explanation: { summary: /secret data in its response text\/html body; matched by rule secret-assignment \(sample Zq8v…, 40 chars\)/ } });
  const out = JSON.stringify(recs);
  for (const v of [LEAKED, VERIFY, GOOGLE, CSRF]) t.notOk(out.includes(v.slice(0, 8)), `${v.slice(0, 4)}… is not in any record`);
});

t.test('credentials in the URL: a finding of their own, once per endpoint and parameter', async (t) => {
  const pcap = path.join(tmp, 'urls.pcap');
  const json = 'application/json';
  writeHttpPcap(pcap, [
    get(`/api/search?q=boots&access_token=${JWT}`, json, '{"results":[]}'),
    get(`/api/search?q=shoes&access_token=${JWT}`, json, '{"results":[]}'),
    get(`/api/export?format=csv&api_key=${EXPORT_KEY}`, json, '{"rows":0}'),
    get('/api/items?page=2&sort=name', json, '{"items":[]}'),
  ]);
  const recs = replay(pcap);
  const events = inventory(recs, 'credential-in-url');
  t.same(
    events.map((e) => [e['template'], e['location'], e['field'], e['kind'], e['rule'], e['sample']]),
    [
      ['/api/search', 'query', 'access_token', 'jwt', 'jwt', `eyJh…, ${JWT.length} chars`],
      ['/api/export', 'query', 'api_key', 'credential-field', 'credential-name', `live…, ${EXPORT_KEY.length} chars`],
    ],
    'one event per endpoint and parameter, none for paging parameters',
  );
  const found = alerts(recs, 'inventory.credential-in-url');
  const byTemplate = new Map(found.map((a) => [(a['endpoint'] as Rec)['template'], a]));
  t.equal(found.length, 2);
  // a JWT is a credential by format (raised to high); a value named `api_key` stays medium
  t.match(byTemplate.get('/api/search'), { severity: 'high', explanation: { summary: /takes a JWT in its URL \(query parameter access_token, rule jwt, sample eyJh…, \d+ chars\): proxies, access logs and browser history keep URLs, so move it to a header and rotate it/ } });
  t.match(byTemplate.get('/api/export'), { severity: 'medium' });
  const out = JSON.stringify(recs);
  t.notOk(out.includes(JWT.slice(0, 12)) || out.includes(EXPORT_KEY.slice(0, 6)), 'no credential in any inventory or alert record');
  // the transaction records too (jsonl and text): the URI keeps its shape, not the credential
  for (const format of ['jsonl', 'text']) {
    const all = runCli(['replay', '--format', format, pcap]);
    t.notOk(all.stdout.includes(JWT.slice(0, 12)) || all.stdout.includes(EXPORT_KEY.slice(0, 6)), `${format}: no credential in the transaction records`);
    t.match(all.stdout, /access_token=REDACTED/, `${format}: the parameter is still shown`);
  }
});
