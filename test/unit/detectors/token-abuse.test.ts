// The token-abuse detector behind a real features stage, on hand-built traffic: a token learned at
// its owner's place, then used elsewhere. It fires on another program presenting the token from a
// new network, on a key denied on endpoints it never called, on the owner active elsewhere, on a
// token replayed after its exp; it stays silent on working from home, a redeployed service, a
// mobile client changing networks, a new device logging in, and a token that expired once.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import { NO_FEEDBACK_TUNING, NO_GEO, type FeedbackTuning } from '../../../src/detectors';
import { tokenAbuse, type TokenAbuseOptions } from '../../../src/detectors/token-abuse';
import { clientFamily, isPublicAddress, networkOf } from '../../../src/detectors/token-abuse-net';
import type { HttpTransaction, TransactionCredential } from '../../../src/http/types';
import { openStage } from '../features/helpers';
import { call, harness, MONDAY, type Harness, type TxSpec } from './harness';

/** Learning quickly: an identity is scored after an hour and 10 requests. */
const FEATURES = { learningPeriodSec: 3600, learningMinRequests: 10, admitOnSecondRequest: false };

const ALICE = 'user:alice';
const HOME = '86.1.2.3';
const APP = 'CarApp/5.3.0 (iPhone; iOS 16.1)';
const TOKEN = 'a1'.repeat(16);
const SVC = 'key:svc-billing';
const SVC_UA = 'billing-sync/2.4.1 node/20';
const SVC_KEY = 'b2'.repeat(16);

interface Spec extends TxSpec {
  /** The credential's fingerprint (32 hex), or none. */
  token?: string | null;
  /** The JWT's exp; absent: a token without exp. */
  exp?: number;
}

function credential(s: Spec): TransactionCredential[] {
  if (s.token === undefined || s.token === null) return [];
  if (s.identity?.startsWith('key:')) return [{ kind: 'api-key-header', name: 'x-api-key', hash: s.token, claims: null }];
  const claims = { sub: 'alice', iss: null, aud: null, exp: s.exp ?? null, iat: null, jti: null, scope: null, role: null };
  return [{ kind: 'bearer-jwt', name: null, hash: s.token, claims }];
}

/** Features stage, then the detector, per transaction (with its credential); a tick after each. */
function feed(h: Harness, specs: Iterable<Spec>, withFeatures = true): void {
  for (const s of specs) {
    const { tx, ctx } = call(s);
    const full: HttpTransaction = { ...tx, credentials: credential(s) };
    if (withFeatures) h.features.stage.consumer.onTransaction(full, ctx);
    h.detector.onTransaction(full, ctx);
    if (withFeatures) h.features.stage.consumer.onTick?.(s.ts);
    h.detector.onTick?.(s.ts);
  }
}

/** Two hours of an identity's ordinary use: one call every 5 minutes over a few endpoints. */
function learned(identity: string, ip: string, ua: string, token: string, paths: readonly string[], from = MONDAY, count = 24): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < count; i++) out.push({ ts: from + i * 300, identity, clientIp: ip, userAgent: ua, token, path: paths[i % paths.length] as string });
  return out;
}

const USER_PATHS = ['/dashboard', '/orders', '/vehicles'];
const SVC_PATHS = ['/orders/all', '/orders/{id}'];
/** After the learning traffic. */
const LATER = MONDAY + 3 * 3600;

function open(options: Partial<TokenAbuseOptions> = {}, feedback?: FeedbackTuning, noFeatures = false): Harness {
  return harness(tokenAbuse, { options, features: FEATURES, ...(feedback ? { feedback } : {}), noFeatures });
}

/** The harness with an ASN database in the features stage (the pipeline's geo lookup). */
function openWithAsn(asnOf: (ip: string) => string | null): Harness {
  const features = openStage(null, FEATURES, { asnOf });
  const findings: Finding[] = [];
  const detector = tokenAbuse.create(tokenAbuse.schema.parse({}), { report: (f) => findings.push(f), counters: features.counters, features: features.stage.view, feedback: NO_FEEDBACK_TUNING, geo: NO_GEO, store: null });
  const unused = (): void => {
    throw new Error('use feed()');
  };
  return { findings, counters: features.counters, features, detector, feed: unused, tick: unused };
}

function factorNames(f: Finding | undefined): string[] {
  return (f?.explanation.factors ?? []).map((x) => x.name);
}

t.test('a stolen token: another program from a new network fires at its first request (just above the threshold)', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [{ ts: LATER, identity: ALICE, clientIp: '45.9.9.9', userAgent: 'python-requests/2.31.0', token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 1);
  const f = h.findings[0] as Finding;
  t.equal(f.detector, 'token-abuse');
  t.equal(f.identity, ALICE);
  t.equal(f.client, '45.9.9.9');
  t.equal(f.score, 0.5, 'exactly at the threshold');
  t.same(f.suggested, { action: 'revoke-token' });
  t.same(factorNames(f), ['new_place', 'requests_by_another_client']);
  for (const x of f.explanation.factors) {
    t.ok(x.baseline !== undefined, `${x.name} has a baseline`);
    t.ok(typeof x.contribution === 'number', `${x.name} has a contribution`);
  }
  t.ok(f.evidence.length >= 1 && f.evidence.length <= 5);
  t.notMatch(JSON.stringify(f), TOKEN, 'the token fingerprint never leaves in a finding');
});

t.test('just below: another program from a new address in a known /24 is 3 points', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [{ ts: LATER, identity: ALICE, clientIp: '86.1.2.99', userAgent: 'python-requests/2.31.0', token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 0);
});

t.test('with an ASN database, another AS in a known /24 adds the half point that was missing', async (t) => {
  const h = openWithAsn((ip) => (ip === '86.1.2.99' ? 'AS64500' : ip.startsWith('86.') ? 'AS3320' : null));
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [{ ts: LATER, identity: ALICE, clientIp: '86.1.2.99', userAgent: 'python-requests/2.31.0', token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 1);
  t.match(h.findings[0]?.explanation.factors[0]?.value, /new ASN/);
});

t.test('confounder: working from home (new network, the same app updated, the same endpoints, its usual pace) is silent', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, learned(ALICE, '92.40.17.5', 'CarApp/5.4.1 (iPhone; iOS 17.0)', TOKEN, USER_PATHS, LATER, 12));
  t.equal(h.findings.length, 0);
});

t.test('confounder: a service redeployed to a new subnet, new version, one new endpoint, old instance still draining, is silent', async (t) => {
  const h = open();
  feed(h, learned(SVC, '10.12.4.190', SVC_UA, SVC_KEY, SVC_PATHS));
  const specs: Spec[] = [];
  for (let i = 0; i < 12; i++) {
    specs.push({ ts: LATER + i * 60, identity: SVC, clientIp: '10.12.9.40', userAgent: 'billing-sync/2.5.0 node/20', token: SVC_KEY, path: i === 5 ? '/orders/summary' : (SVC_PATHS[i % 2] as string) });
    if (i < 3) specs.push({ ts: LATER + i * 60 + 30, identity: SVC, clientIp: '10.12.4.190', userAgent: SVC_UA, token: SVC_KEY, path: '/orders/all' });
  }
  feed(h, specs);
  t.equal(h.findings.length, 0);
});

t.test('confounder: a service scaled out to replicas on several new subnets, old ones still serving, new version with new endpoints, is silent', async (t) => {
  const h = open();
  feed(h, learned(SVC, '10.12.4.190', SVC_UA, SVC_KEY, SVC_PATHS));
  const pods = ['10.20.1.5', '10.20.2.6', '10.20.3.7', '10.20.4.8', '10.20.5.9', '10.20.6.10'];
  const specs: Spec[] = [];
  for (let i = 0; i < 30; i++) {
    specs.push({ ts: LATER + i * 20, identity: SVC, clientIp: pods[i % pods.length] as string, userAgent: 'billing-sync/2.6.0 node/20', token: SVC_KEY, path: i % 7 === 3 ? '/orders/summary' : i % 7 === 5 ? '/orders/export' : (SVC_PATHS[i % 2] as string) });
    specs.push({ ts: LATER + i * 20 + 5, identity: SVC, clientIp: '10.12.4.190', userAgent: SVC_UA, token: SVC_KEY, path: '/orders/all' });
  }
  feed(h, specs);
  t.equal(h.findings.length, 0);
  t.ok(h.counters.get('detectors.token-abuse.places_overflow') > 0, 'more replicas than places followed');
});

t.test('a request without a user agent is not another client', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [{ ts: LATER, identity: ALICE, clientIp: '45.9.9.9', userAgent: null, token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 0);
});

t.test('confounder: a mobile client changing networks, its token expiring once and renewed by a login, is silent', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  const renewed = 'c3'.repeat(16);
  const specs: Spec[] = [];
  const cells = ['172.56.1.9', '172.56.200.4', '92.40.3.3', '80.187.9.1'];
  cells.forEach((ip, k) => {
    const at = LATER + k * 900;
    if (k === 2) {
      // the token lapsed: one 401, a login (no token), then the new token
      specs.push({ ts: at, identity: ALICE, clientIp: ip, userAgent: APP, token: TOKEN, exp: LATER - 4000, path: '/dashboard', status: 401 });
      specs.push({ ts: at + 1, identity: ALICE, clientIp: ip, userAgent: APP, token: null, loginUser: ALICE, method: 'POST', path: '/login' });
    }
    for (let i = 0; i < 4; i++) specs.push({ ts: at + 2 + i * 60, identity: ALICE, clientIp: ip, userAgent: APP, token: k >= 2 ? renewed : TOKEN, path: USER_PATHS[i % 3] as string });
  });
  feed(h, specs);
  t.equal(h.findings.length, 0);
});

t.test('confounder: a new device logging in from a new place (its own new token) is silent', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  const laptop = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36';
  const fresh = 'd4'.repeat(16);
  feed(h, [
    { ts: LATER, identity: ALICE, clientIp: '203.0.113.77', userAgent: laptop, token: null, loginUser: ALICE, method: 'POST', path: '/login' },
    ...learned(ALICE, '203.0.113.77', laptop, fresh, [...USER_PATHS, '/settings'], LATER + 1, 8),
  ]);
  t.equal(h.findings.length, 0);
});

t.test('key misuse: the key from the internet, denied on endpoints it never called, fires at the third denial', async (t) => {
  const h = open();
  feed(h, learned(SVC, '10.12.4.190', SVC_UA, SVC_KEY, SVC_PATHS));
  const probe = (k: number, path: string): Spec => ({ ts: LATER + k * 20, identity: SVC, clientIp: '47.242.1.1', userAgent: SVC_UA, token: SVC_KEY, path, status: 403 });
  feed(h, [probe(0, '/admin/users'), probe(1, '/user/change-email')]);
  t.equal(h.findings.length, 0, 'two denials: 2 (place) + 1 (endpoints) = 3 points, below 3.5');
  feed(h, [probe(2, '/vehicle/location')]);
  t.equal(h.findings.length, 1);
  const f = h.findings[0] as Finding;
  t.same(factorNames(f), ['new_place', 'endpoints_never_called', 'denied_share']);
  t.match(f.explanation.factors[0]?.value, /first public address/);
  t.match(f.explanation.summary, /3 of 3 calls denied/);
});

t.test('several addresses at once while the owner is active at home, with one new endpoint, fires', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  const specs: Spec[] = [];
  const elsewhere = ['45.1.1.1', '51.2.2.2', '95.3.3.3'];
  for (let i = 0; i < 6; i++) {
    specs.push({ ts: LATER + i * 60, identity: ALICE, clientIp: HOME, userAgent: APP, token: TOKEN, path: '/dashboard' });
    specs.push({ ts: LATER + i * 60 + 10, identity: ALICE, clientIp: elsewhere[i % 3] as string, userAgent: APP, token: TOKEN, path: i === 5 ? '/export' : '/orders' });
  }
  feed(h, specs);
  t.equal(h.findings.length, 1);
  const f = h.findings[0] as Finding;
  t.ok(factorNames(f).includes('other_addresses_active'));
  t.ok(factorNames(f).includes('endpoints_never_called'));
});

t.test('the same spread without the new endpoint stays below the threshold', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  const specs: Spec[] = [];
  const elsewhere = ['45.1.1.1', '51.2.2.2', '95.3.3.3'];
  for (let i = 0; i < 6; i++) {
    specs.push({ ts: LATER + i * 60, identity: ALICE, clientIp: HOME, userAgent: APP, token: TOKEN, path: '/dashboard' });
    specs.push({ ts: LATER + i * 60 + 10, identity: ALICE, clientIp: elsewhere[i % 3] as string, userAgent: APP, token: TOKEN, path: '/orders' });
  }
  feed(h, specs);
  t.equal(h.findings.length, 0);
});

t.test('a burst at a new place counts against the busiest minute the identity ever had', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  const at = (i: number): Spec => ({ ts: LATER + 5 + i * 3, identity: ALICE, clientIp: '45.1.1.1', userAgent: APP, token: TOKEN, path: i < 2 ? `/new${i}` : '/orders' });
  // the owner is still at home after the new place started
  const specs: Spec[] = [at(0), { ts: LATER + 7, identity: ALICE, clientIp: HOME, userAgent: APP, token: TOKEN, path: '/dashboard' }];
  for (let i = 1; i < 12; i++) specs.push(at(i));
  feed(h, specs.slice(0, 10));
  t.equal(h.findings.length, 0, 'nine requests: new network 1, two new endpoints 1, owner active 1 = 3 points');
  feed(h, specs.slice(10));
  t.equal(h.findings.length, 1, 'the tenth request in a minute is a burst: 4 points');
  t.ok(factorNames(h.findings[0]).includes('requests_per_minute'));
});

t.test('out of scope from its usual place: 5 denials on 2 endpoints never called fire; 4 do not', async (t) => {
  const h = open();
  feed(h, learned(SVC, '10.12.4.190', SVC_UA, SVC_KEY, SVC_PATHS));
  const denied = (k: number): Spec => ({ ts: LATER + k * 60, identity: SVC, clientIp: '10.12.4.190', userAgent: SVC_UA, token: SVC_KEY, path: k % 2 === 0 ? '/admin/users' : '/refunds', status: 403 });
  feed(h, [0, 1, 2, 3].map(denied));
  t.equal(h.findings.length, 0);
  feed(h, [denied(4)]);
  t.equal(h.findings.length, 1);
  const f = h.findings[0] as Finding;
  t.same(factorNames(f), ['denied_on_new_endpoints', 'new_endpoints_denied', 'denied_share']);
  t.equal(f.client, '10.12.4.190');
});

t.test('denials on endpoints it always called are not out of scope', async (t) => {
  const h = open();
  feed(h, learned(SVC, '10.12.4.190', SVC_UA, SVC_KEY, SVC_PATHS));
  feed(h, [0, 1, 2, 3, 4, 5].map((k) => ({ ts: LATER + k * 60, identity: SVC, clientIp: '10.12.4.190', userAgent: SVC_UA, token: SVC_KEY, path: SVC_PATHS[k % 2] as string, status: 403 })));
  t.equal(h.findings.length, 0);
});

t.test('a token replayed after its exp fires at the third use, without any baseline', async (t) => {
  const h = open();
  const exp = MONDAY - 3600;
  const use = (k: number): Spec => ({ ts: MONDAY + k * 60, identity: 'user:bob', clientIp: '49.36.1.1', userAgent: 'Hydra', token: TOKEN, exp, path: '/dashboard', status: 401 });
  feed(h, [use(0), use(1)]);
  t.equal(h.findings.length, 0, 'two uses: a client may retry once before it refreshes');
  feed(h, [use(2), use(3), use(4)]);
  t.equal(h.findings.length, 1, 'once per token');
  const f = h.findings[0] as Finding;
  t.same(factorNames(f), ['uses_after_exp', 'seconds_past_exp']);
  t.equal(f.explanation.factors[1]?.value, 3600 + 120);
  t.same(f.suggested, { action: 'revoke-token' });
  // later the API accepts it: worth a second finding once the cooldown is over
  feed(h, [{ ...use(40), status: 200 }]);
  t.equal(h.findings.length, 2);
  t.ok(factorNames(h.findings[1]).includes('accepted_after_exp'));
});

t.test('confounder: uses within the grace after exp (clock skew) are not expired', async (t) => {
  const h = open();
  feed(h, [0, 1, 2, 3, 4].map((k) => ({ ts: MONDAY + k, identity: 'user:bob', clientIp: '49.36.1.1', token: TOKEN, exp: MONDAY - 200, path: '/dashboard' })));
  t.equal(h.findings.length, 0);
});

t.test('idle without features, whatever the traffic', async (t) => {
  const h = open({}, undefined, true);
  feed(h, [0, 1, 2, 3, 4].map((k) => ({ ts: MONDAY + k, identity: 'user:bob', clientIp: '49.36.1.1', token: TOKEN, exp: MONDAY - 3600, path: '/dashboard' })), false);
  t.equal(h.findings.length, 0);
});

t.test('disabled, it reports nothing', async (t) => {
  const h = open({ enabled: false });
  feed(h, [0, 1, 2, 3, 4].map((k) => ({ ts: MONDAY + k, identity: 'user:bob', clientIp: '49.36.1.1', token: TOKEN, exp: MONDAY - 3600, path: '/dashboard' })));
  t.equal(h.findings.length, 0);
});

t.test("analysts' feedback factor raises every threshold", async (t) => {
  const asked: (string | null)[] = [];
  const doubled: FeedbackTuning = {
    factor: (detector, identity) => {
      asked.push(`${detector} ${identity}`);
      return 2;
    },
  };
  const h = open({}, doubled);
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [{ ts: LATER, identity: ALICE, clientIp: '45.9.9.9', userAgent: 'python-requests/2.31.0', token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 0, 'the stolen token of the first test needs 7 points now');
  const use = (k: number): Spec => ({ ts: MONDAY + k * 60, identity: 'user:bob', clientIp: '49.36.1.1', token: 'e5'.repeat(16), exp: MONDAY - 3600, path: '/x', status: 401 });
  feed(h, [0, 1, 2, 3, 4].map(use));
  t.equal(h.findings.length, 0, 'five expired uses: the threshold is six');
  feed(h, [use(5)]);
  t.equal(h.findings.length, 1);
  t.ok(asked.includes('token-abuse user:alice'), 'asked for its own name and the identity');
});

t.test('one finding per identity per cooldown', async (t) => {
  const h = open();
  feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
  feed(h, [
    { ts: LATER, identity: ALICE, clientIp: '45.9.9.9', userAgent: 'python-requests/2.31.0', token: TOKEN, path: '/dashboard' },
    { ts: LATER + 60, identity: ALICE, clientIp: '51.9.9.9', userAgent: 'curl/8.0', token: TOKEN, path: '/dashboard' },
  ]);
  t.equal(h.findings.length, 1);
  feed(h, [{ ts: LATER + 1900, identity: ALICE, clientIp: '95.9.9.9', userAgent: 'Go-http-client/1.1', token: TOKEN, path: '/dashboard' }]);
  t.equal(h.findings.length, 2, 'after cooldownSec (1800) the next place may report');
});

t.test('bounds: tokens, watched identities, places per identity, cooldowns', async (t) => {
  t.test('maxTokens: the oldest token is forgotten', async (t) => {
    const h = open({ maxTokens: 2 });
    feed(h, ['f1', 'f2', 'f3'].map((p, k) => ({ ts: MONDAY + k, identity: `user:u${k}`, token: p.repeat(16), path: '/x' })));
    t.equal(h.counters.get('detectors.token-abuse.tokens_overflow'), 1);
  });
  t.test('maxIdentities: a second identity at a new place is not watched', async (t) => {
    const h = open({ maxIdentities: 1 });
    feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
    feed(h, learned('user:carol', '86.7.7.7', APP, 'c7'.repeat(16), USER_PATHS));
    feed(h, [
      { ts: LATER, identity: ALICE, clientIp: '92.40.1.1', userAgent: APP, token: TOKEN, path: '/dashboard' },
      { ts: LATER + 1, identity: 'user:carol', clientIp: '92.40.2.2', userAgent: APP, token: 'c7'.repeat(16), path: '/dashboard' },
    ]);
    t.equal(h.counters.get('detectors.token-abuse.identities_overflow'), 1);
  });
  t.test('maxPlaces: more new places at once are counted, and weigh as the owner elsewhere', async (t) => {
    const h = open({ maxPlaces: 1 });
    feed(h, learned(ALICE, HOME, APP, TOKEN, USER_PATHS));
    feed(h, [
      { ts: LATER, identity: ALICE, clientIp: '92.40.1.1', userAgent: APP, token: TOKEN, path: '/dashboard' },
      { ts: LATER + 1, identity: ALICE, clientIp: '45.2.2.2', userAgent: APP, token: TOKEN, path: '/dashboard' },
    ]);
    t.equal(h.counters.get('detectors.token-abuse.places_overflow'), 1);
  });
  t.test('cooldowns are bounded by maxIdentities', async (t) => {
    const h = open({ maxIdentities: 1 });
    const uses = (who: string, token: string, at: number): Spec[] => [0, 1, 2].map((k) => ({ ts: at + k, identity: who, token, exp: MONDAY - 3600, path: '/x', status: 401 }));
    feed(h, [...uses('user:u1', 'a7'.repeat(16), MONDAY), ...uses('user:u2', 'b7'.repeat(16), MONDAY + 10)]);
    t.equal(h.findings.length, 2);
    t.equal(h.counters.get('detectors.token-abuse.cooldowns_overflow'), 1);
  });
});

t.test('options are strict, with defaults', async (t) => {
  const o = tokenAbuse.schema.parse({});
  t.equal(o.threshold, 3.5);
  t.equal(o.enabled, true);
  t.throws(() => tokenAbuse.schema.parse({ thresold: 2 }));
});

t.test('places and clients: /24 and /64 networks, public addresses, user-agent families', async (t) => {
  t.equal(networkOf('86.1.2.3'), networkOf('86.1.2.250'));
  t.not(networkOf('86.1.2.3'), networkOf('86.1.3.3'));
  t.equal(networkOf('::ffff:86.1.2.3'), networkOf('86.1.2.9'), 'IPv4-mapped is IPv4');
  t.equal(networkOf('2001:db8:1:2::1'), networkOf('2001:0db8:0001:0002:ffff::9'), 'the same /64 however written');
  t.not(networkOf('2001:db8:1:2::1'), networkOf('2001:db8:1:3::1'));
  for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '127.0.0.1', 'fd00::1', 'fe80::1', '::1', 'nonsense']) t.notOk(isPublicAddress(ip), ip);
  for (const ip of ['86.1.2.3', '172.32.0.1', '2001:db8::1']) t.ok(isPublicAddress(ip), ip);
  t.equal(clientFamily('CarApp/5.3.0 (iPhone; iOS 16.1)'), clientFamily('CarApp/5.4.12 (iPhone; iOS 17.0)'), 'an update is the same client');
  t.not(clientFamily('CarApp/5.3.0 (iPhone; iOS 16.1)'), clientFamily('python-requests/2.31.0'));
  t.equal(clientFamily(null), 0);
});
