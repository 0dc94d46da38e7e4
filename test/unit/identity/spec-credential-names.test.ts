// API-key names the specs declare join the default credential names, so the HTTP stage fingerprints
// them and the identity stage names callers by them.
import t from 'tap';
import { DEFAULT_CREDENTIAL_NAMES } from '../../../src/core/credential-names';
import { HttpAnalyzer } from '../../../src/http/analyzer';
import type { HttpTransaction } from '../../../src/http/types';
import { Counters } from '../../../src/core/counters';
import { credentialNamesWithSpecs } from '../../../src/identity/spec-credential-names';
import { importSpec } from '../../../src/inventory/openapi';
import { makeConfig, makeFlow } from '../../http-streams/harness';
import { fingerprintOf, KEY, openStage } from './helpers';

const spec = importSpec(
  {
    openapi: '3.0.3',
    info: { title: 'Keys', version: '1' },
    paths: {},
    components: {
      securitySchemes: {
        partnerKey: { type: 'apiKey', in: 'header', name: 'X-Partner-Token' },
        queryKey: { type: 'apiKey', in: 'query', name: 'partner_sig' },
        cookieKey: { type: 'apiKey', in: 'cookie', name: 'PARTNER_SESSION' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  },
  'keys.yaml',
);

t.test('the declared names join the defaults', async (t) => {
  const names = credentialNamesWithSpecs([spec]);
  t.ok(names.apiKeyHeaders.includes('x-partner-token'));
  t.ok(names.apiKeyQueryParams.includes('partner_sig'));
  t.ok(names.sessionCookies.includes('partner_session'));
  for (const h of DEFAULT_CREDENTIAL_NAMES.apiKeyHeaders) t.ok(names.apiKeyHeaders.includes(h.toLowerCase()), `keeps ${h}`);
  t.same(credentialNamesWithSpecs([]).apiKeyHeaders, DEFAULT_CREDENTIAL_NAMES.apiKeyHeaders.map((h) => h.toLowerCase()), 'no spec: the defaults');
});

t.test('a request with a spec-declared key is named by it once the HTTP stage has the names', async (t) => {
  const txs: HttpTransaction[] = [];
  const analyzer = new HttpAnalyzer(makeConfig({}), new Counters(), (tx) => txs.push(tx), { installationKey: KEY, names: credentialNamesWithSpecs([spec]) });
  const flow = makeFlow();
  const req = Buffer.from('GET /orders HTTP/1.1\r\nHost: partner.example\r\nX-Partner-Token: pt_0123456789abcdef\r\n\r\n');
  const resp = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  analyzer.onData(flow, 0, req, 0, req.length, 0, 1_700_000_000);
  analyzer.onData(flow, 1, resp, 0, resp.length, 0, 1_700_000_001);
  analyzer.onClose(flow, 'fin', 1_700_000_002);
  const tx = txs[0];
  t.ok(tx, 'one transaction');
  if (tx) t.equal(openStage().feed(tx).identity, `key:${fingerprintOf('pt_0123456789abcdef')}`);
});
