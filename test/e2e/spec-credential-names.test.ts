// An API key under a name only the OpenAPI spec declares (securitySchemes: apiKey in a header, a query
// parameter, a cookie) is fingerprinted as a credential once the spec is configured, and not before:
// the names reach the HTTP stage through the composition root in replay (and run and eval alike).
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { jsonLines, runCli } from '../helpers/cli';
import { writeHttpPcap } from '../helpers/pcap-writer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-spec-names-'));
const SECRETS = { header: 'hk-9f1c2e7a55d04b1e', query: 'qk-31b7aa0c9e2f4d68', cookie: 'ck-c0ffee1234abcd99' };

const spec = {
  openapi: '3.0.3',
  info: { title: 'Partner API', version: '1.0' },
  servers: [{ url: 'http://partner.example' }],
  components: {
    securitySchemes: {
      partnerKey: { type: 'apiKey', in: 'header', name: 'X-Partner-Credential' },
      legacyKey: { type: 'apiKey', in: 'query', name: 'pcode' },
      portalCookie: { type: 'apiKey', in: 'cookie', name: 'PORTAL_AUTH' },
    },
  },
  paths: { '/v1/orders': { get: { responses: { '200': { description: 'ok' } } } } },
};
const specFile = path.join(tmp, 'partner.json');
writeFileSync(specFile, JSON.stringify(spec));

const request = (extra: string, target = '/v1/orders'): string =>
  `GET ${target} HTTP/1.1\r\nHost: partner.example\r\nUser-Agent: curl/8.4.0\r\n${extra}\r\n`;
const ok = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]';
const pcap = path.join(tmp, 'partner.pcap');
writeHttpPcap(pcap, [
  { client: '10.1.0.5', server: '10.1.0.1', serverPort: 80, request: request(`X-Partner-Credential: ${SECRETS.header}\r\n`), response: ok },
  { client: '10.1.0.6', server: '10.1.0.1', serverPort: 80, request: request('', `/v1/orders?pcode=${SECRETS.query}`), response: ok },
  { client: '10.1.0.7', server: '10.1.0.1', serverPort: 80, request: request(`Cookie: theme=dark; PORTAL_AUTH=${SECRETS.cookie}\r\n`), response: ok },
]);

function replayRecords(configFile: string | null): { names: string[][]; stdout: string } {
  const run = runCli(['replay', '--format', 'jsonl', pcap, ...(configFile ? ['--config', configFile] : [])]);
  if (run.code !== 0) throw new Error(run.stderr);
  const names = jsonLines(run.stdout)
    .filter((r) => r['type'] === 'http')
    .map((r) => ((r['credentials'] as { kind: string; name?: string }[] | undefined) ?? []).map((c) => `${c.kind}:${c.name ?? ''}`));
  return { names, stdout: run.stdout };
}

t.test('without the spec the names are not credentials', async (t) => {
  const { names, stdout } = replayRecords(null);
  t.same(names, [[], [], []]);
  t.ok(stdout.includes(`pcode=${SECRETS.query}`), 'an unknown query parameter is printed as sent');
});

t.test('with the spec configured, each declared name is fingerprinted where the spec says it travels', async (t) => {
  const config = path.join(tmp, 'with-spec.yaml');
  writeFileSync(config, stringify({ inventory: { specs: [specFile] } }));
  const { names, stdout } = replayRecords(config);
  t.same(names, [['api-key-header:x-partner-credential'], ['api-key-query:pcode'], ['session-cookie:portal_auth']]);
  for (const [where, secret] of Object.entries(SECRETS)) t.notOk(stdout.includes(secret), `the ${where} key is not printed`);
  t.ok(stdout.includes('pcode=REDACTED'), 'the query key a spec declares is redacted in the record');
});
