// The nginx include's structure (the real nginx runs it in test/e2e/nginx-feed.test.ts): bans in the
// geo, deny only when enforced, one zone per distinct limit, endpoint templates as anchored regexes,
// user targets and captcha counted not written, and values from traffic never written raw.
import t from 'tap';
import { endpointRegex, renderNginx } from '../../../../src/response/feeds/nginx';
import { NOW, SAMPLE, decision } from './sample-decisions';

const render = (enforce: boolean, ds = SAMPLE) => renderNginx(ds, { enforce, now: NOW, sensor: 's1' }).text;
const block = (text: string, head: string) => {
  const start = text.indexOf(`${head} {`);
  return start < 0 ? '' : text.slice(start, text.indexOf('\n}', start));
};

t.test('bans and throttles', async (t) => {
  const text = render(true);
  const bans = block(text, 'geo $tapwatch_ban');
  for (const cidr of ['203.0.113.9/32', '198.51.100.0/24', '2001:db8::/32']) t.match(bans, `\n  ${cidr} "`, cidr);
  t.notMatch(text, '192.0.2.99', 'expired left out');
  t.notMatch(text, '192.0.2.7', 'captcha left out');
  t.match(block(text, 'map $tapwatch_ban $tapwatch_deny'), '"~." 1;', 'deny when enforced');
  t.match(text, /limit_req_dry_run off;/);
  t.match(text, /limit_req_zone \$tapwatch_t6_key zone=tapwatch_t6:1m rate=6r\/m;/);
  t.match(text, /limit_req zone=tapwatch_t12 burst=11 nodelay;/);
  t.match(block(text, 'map "$tapwatch_t12_client $host $request_method $uri" $tapwatch_t12_key'), '"~^c0 api\\.example\\.com GET /users/[^/]+/orders$"');
  t.notMatch(text, /alice|mallory/, 'user targets not written');
  t.match(text, /Left out: 2 user-target decisions.*1 captcha, 0 with values/);
});

t.test('dry-run: limit_req_dry_run on and nobody denied', async (t) => {
  const text = render(false);
  t.match(text, /limit_req_dry_run on;/);
  t.notMatch(block(text, 'map $tapwatch_ban $tapwatch_deny'), '"~."');
  t.match(block(text, 'geo $tapwatch_ban'), '203.0.113.9/32', 'bans still in the geo, for the access log');
});

t.test('hostile values are skipped and counted, never written', async (t) => {
  const hostile = [
    decision({ id: 'a', action: 'ban', target: { kind: 'ip', value: '1.2.3.4; return 200' } }),
    decision({ id: 'b', action: 'ban', target: { kind: 'range', value: '10.0.0.0/8"}' } }),
    decision({ id: 'c"; evil', action: 'ban', target: { kind: 'ip', value: '10.9.9.9' }, alertId: 'x\n}' }),
    decision({ id: 'd', action: 'throttle', limitPerMinute: 5, target: { kind: 'ip', value: '10.1.1.1' }, endpoint: { host: 'h', method: 'GET', template: '/a"; }' } }),
    decision({ id: 'e', action: 'throttle', limitPerMinute: 0, target: { kind: 'ip', value: '10.1.1.2' } }),
  ];
  const text = render(true, hostile);
  t.notMatch(text, /return 200|evil|"\}|\/a"/);
  t.match(text, /10\.9\.9\.9\/32 "ban-\d+"/, 'a bad id is replaced, the valid IP kept');
  t.match(text, /0 captcha, 4 with values that cannot be written safely/);
  t.equal(endpointRegex({ host: 'API.Example.com:8443', method: 'POST', template: '/v1/items/{item_id}' }), '~^api\\.example\\.com POST /v1/items/[^/]+$');
  t.equal(endpointRegex({ host: 'h', method: 'get', template: '/x' }), undefined, 'lower-case method refused');
  t.equal(endpointRegex({ host: 'h', method: 'GET', template: '/x(.*)' }), undefined, 'regex characters refused');
});
