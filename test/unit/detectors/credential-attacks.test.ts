// The credential-attack detector on hand-built login sequences behind a real features stage: brute
// force fires just above its floor and not below (a lower one when no IP of the run vouches for the
// account, once the endpoint learned its runs), a success after it is an account takeover;
// stuffing from one IP and the distributed form fire just above theirs; the confounders (a user
// mistyping, a NAT where many users log in, a morning peak, password-reset and one-time-code flows)
// stay silent; the learning period, analysts' feedback and every bound do what they say.
import t, { type Test } from 'tap';
import type { Finding } from '../../../src/core/finding';
import { NO_GEO } from '../../../src/detectors';
import { credentialAttacks } from '../../../src/detectors/credential-attacks';
import { FAMILIAR, networkOf, sourceNewTo } from '../../../src/detectors/credential-attacks-source';
import { BoundedTally } from '../../../src/features/bounded-tally';
import { IdentityBaseline } from '../../../src/features/identity-baseline';
import { harness, MONDAY, type Harness, type TxSpec } from './harness';

const LOGIN = '/api/auth/login';
const SECRET = 'correct-horse-battery-staple';
/** Baselines scored from the first request, so the floors apply without the learning factor. */
const LEARNED = { features: { learningPeriodSec: 0, learningMinRequests: 0 } };

function login(ts: number, user: string, ip: string, ok: boolean, template = LOGIN): TxSpec {
  return {
    ts,
    method: 'POST',
    path: template,
    template,
    identity: `user:${user}`,
    loginUser: `user:${user}`,
    clientIp: ip,
    status: ok ? 200 : 401,
    reqBody: { email: user, password: SECRET },
  };
}

const of = (h: Harness, detector: string): Finding[] => h.findings.filter((f) => f.detector === detector);

/** `n` failed logins for one account from one IP, `gap` seconds apart from `start`. */
function failures(start: number, n: number, user: string, ip: string, gap = 10): TxSpec[] {
  return Array.from({ length: n }, (_, i) => login(start + i * gap, user, ip, false));
}

/** `days` of ordinary logins: per 10 minutes six users from their own IPs, one mistyping once first. */
function ordinary(start: number, windows: number): TxSpec[] {
  const out: TxSpec[] = [];
  for (let w = 0; w < windows; w++) {
    const base = start + w * 600;
    for (let u = 0; u < 6; u++) {
      const user = `u${w % 50}-${u}@example.org`;
      const ip = `198.51.${w % 200}.${u + 1}`;
      if (u === 0) out.push(login(base + u * 60, user, ip, false));
      out.push(login(base + u * 60 + 20, user, ip, true));
    }
  }
  return out;
}

function checkExplained(t: Test, f: Finding): void {
  t.ok(f.score > 0 && f.score <= 1, 'score in (0, 1]');
  t.ok(f.explanation.summary.length > 0, 'a summary');
  t.ok(f.explanation.factors.length >= 2, 'at least two factors');
  for (const x of f.explanation.factors) {
    t.not(x.baseline, undefined, `${x.name} has a baseline`);
    t.ok(x.contribution !== undefined && x.contribution >= 0 && x.contribution <= 1, `${x.name} has a contribution`);
  }
  t.ok(f.evidence.length >= 1, 'evidence');
  t.ok(f.suggested !== undefined, 'a suggested response');
  t.notOk(JSON.stringify(f).includes(SECRET), 'no password anywhere in the finding');
  t.notOk(JSON.stringify(f.endpoint ?? {}).includes('learner'), 'the endpoint is a plain reference');
}

t.test('brute force: five failures for one account fire, four do not', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  h.feed(failures(T, 4, 'alice@example.org', '203.0.113.5'));
  t.equal(h.findings.length, 0, 'four failures: silent');
  h.feed(failures(T + 40, 1, 'alice@example.org', '203.0.113.5'));
  const bf = of(h, 'brute-force');
  t.equal(bf.length, 1, 'the fifth fires');
  const f = bf[0] as Finding;
  t.equal(f.identity, 'user:alice@example.org');
  t.equal(f.client, '203.0.113.5');
  t.same(f.endpoint, { host: 'api.example', method: 'POST', template: LOGIN });
  t.equal(f.suggested?.action, 'block');
  t.ok(f.ts - T <= 60, 'decided on the transaction, within a minute of the first failure');
  checkExplained(t, f);
});

t.test('404 and 405 judge no credential: they are no failures', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  h.feed(failures(T, 10, 'kim@example.org', '203.0.113.6').map((s, i) => ({ ...s, status: i % 2 === 0 ? 404 : 405 })));
  t.equal(h.findings.length, 0);
  h.feed(failures(T + 200, 5, 'kim@example.org', '203.0.113.6').map((s) => ({ ...s, status: 429 })));
  t.equal(of(h, 'brute-force').length, 1, 'rate-limited attempts (429) are failed ones');
});

t.test('brute force counts failures from many IPs for one account', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  h.feed(Array.from({ length: 5 }, (_, i) => login(T + i, 'bob@example.org', `192.0.2.${i + 1}`, false)));
  const bf = of(h, 'brute-force');
  t.equal(bf.length, 1);
  t.match(bf[0]?.explanation.summary, /from 5 IPs/);
});

t.test('account takeover: a success after the run raises the score and suggests revoking', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  h.feed(failures(T, 8, 'carol@example.org', '203.0.113.9'));
  h.feed([login(T + 100, 'carol@example.org', '203.0.113.9', true)]);
  const bf = of(h, 'brute-force');
  t.equal(bf.length, 2, 'the run, then the takeover despite the cooldown');
  const ato = bf[1] as Finding;
  t.match(ato.explanation.summary, /account takeover/i);
  t.ok(ato.score > (bf[0] as Finding).score, 'a higher score than the run alone');
  t.equal(ato.suggested?.action, 'revoke-token');
  checkExplained(t, ato);
});

t.test('confounder: users mistyping a password three times, then logging in', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const specs: TxSpec[] = [];
  for (let day = 0; day < 3; day++) {
    for (let u = 0; u < 20; u++) {
      const T = MONDAY + day * 86400 + u * 300;
      const ip = `198.51.100.${u + 1}`;
      specs.push(...failures(T, 3, `user${u}@example.org`, ip, 15), login(T + 60, `user${u}@example.org`, ip, true));
    }
  }
  h.feed(specs);
  t.equal(h.findings.length, 0);
});

t.test('stuffing from one IP: five failing user names fire, four do not', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  const ip = '203.0.113.77';
  h.feed(Array.from({ length: 4 }, (_, i) => login(T + i * 5, `victim${i}@example.org`, ip, false)));
  t.equal(h.findings.length, 0, 'four names: silent');
  h.feed([login(T + 20, 'victim4@example.org', ip, false)]);
  const cs = of(h, 'credential-stuffing');
  t.equal(cs.length, 1, 'the fifth fires');
  const f = cs[0] as Finding;
  t.equal(f.client, ip);
  t.equal(f.identity, `ip:${ip}`);
  t.equal(f.suggested?.action, 'block');
  checkExplained(t, f);
  // a login that then succeeds from the stuffing IP is reported at once, with a higher score
  h.feed([login(T + 30, 'victim9@example.org', ip, true)]);
  const again = of(h, 'credential-stuffing');
  t.equal(again.length, 2);
  t.match(again[1]?.explanation.summary, /succeeded/);
  t.ok((again[1] as Finding).score > f.score);
});

t.test('confounder: a corporate NAT where many users log in, a few mistyping', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const nat = '192.0.2.200';
  const specs: TxSpec[] = [];
  for (let u = 0; u < 80; u++) {
    const T = MONDAY + 8 * 3600 + u * 30;
    if (u % 8 === 0) specs.push(login(T, `emp${u}@corp.example`, nat, false));
    specs.push(login(T + 10, `emp${u}@corp.example`, nat, true));
  }
  h.feed(specs);
  t.equal(h.findings.length, 0, '10 names failed among 90 logins: silent');
});

t.test('distributed stuffing: the endpoint against its own windows, and the IPs taking part', async (t) => {
  const T = MONDAY + 2 * 86400;
  const attack = (n: number, perIp: number): TxSpec[] =>
    Array.from({ length: n }, (_, i) => login(T + 5 + i * 10, `target${i}@example.org`, `203.0.113.${Math.floor(i / perIp) + 1}`, false));

  const below = harness(credentialAttacks, LEARNED);
  below.feed(ordinary(MONDAY, 2 * 144));
  t.equal(below.findings.length, 0, 'two days of ordinary logins: silent');
  below.feed(attack(9, 1));
  t.equal(below.findings.length, 0, 'nine failing names from nine IPs: silent');

  const above = harness(credentialAttacks, LEARNED);
  above.feed(ordinary(MONDAY, 2 * 144));
  above.feed(attack(10, 1));
  const cs = of(above, 'credential-stuffing');
  t.equal(cs.length, 1, 'ten fire one finding about the endpoint');
  const f = cs[0] as Finding;
  t.equal(f.client, undefined, 'no single actor');
  t.equal(f.suggested?.action, 'throttle');
  t.ok((f.suggested?.limitPerMinute ?? 0) >= 1, 'with a limit');
  checkExplained(t, f);

  const participants = harness(credentialAttacks, LEARNED);
  participants.feed(ordinary(MONDAY, 2 * 144));
  participants.feed(attack(12, 3));
  const named = of(participants, 'credential-stuffing').filter((x) => x.client !== undefined);
  t.ok(named.length >= 1, 'IPs with three failing names in the window are named');
  for (const x of named) checkExplained(t, x);
  t.ok(
    named.every((x) => x.explanation.summary.includes('takes part')),
    'as taking part (each stays below the single-IP floor)',
  );
});

t.test('confounder: a normal morning login peak on the endpoint', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  h.feed(ordinary(MONDAY, 2 * 144));
  const T = MONDAY + 2 * 86400 + 8 * 3600;
  const peak: TxSpec[] = [];
  for (let u = 0; u < 150; u++) {
    const user = `morning${u}@example.org`;
    const ip = `100.64.${Math.floor(u / 100)}.${(u % 100) + 1}`;
    if (u % 10 === 0) peak.push(login(T + u * 4, user, ip, false));
    peak.push(login(T + u * 4 + 2, user, ip, true));
  }
  h.feed(peak);
  t.equal(h.findings.length, 0, '150 logins in 10 minutes, 15 mistyped: silent');
});

t.test('confounder: password reset and one-time-code flows are no logins', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  const specs: TxSpec[] = [];
  for (const template of ['/api/auth/reset-password', '/api/auth/v3/check-otp', '/api/auth/forgot-password', '/api/auth/signup']) {
    for (let i = 0; i < 20; i++) {
      specs.push({ ...login(T + i * 3, 'dave@example.org', '203.0.113.40', false, template), status: 400 });
      specs.push(login(T + i * 3 + 1, `new${i}@example.org`, '203.0.113.41', false, template));
    }
  }
  h.feed(specs);
  t.equal(h.findings.length, 0);
});

t.test('while the endpoint learns, the floors are raised by the learning factor', async (t) => {
  const h = harness(credentialAttacks);
  const T = MONDAY + 3600;
  h.feed(failures(T, 9, 'erin@example.org', '203.0.113.12'));
  t.equal(h.findings.length, 0, 'nine failures while learning: silent');
  h.feed(failures(T + 90, 1, 'erin@example.org', '203.0.113.12'));
  t.equal(of(h, 'brute-force').length, 1, 'the tenth fires');
});

t.test('an analyst verdict (feedback factor) raises the threshold', async (t) => {
  const h = harness(credentialAttacks, {
    ...LEARNED,
    feedback: { factor: (detector, identity) => (detector === 'brute-force' && identity === 'user:frank@example.org' ? 2 : 1) },
  });
  const T = MONDAY + 3600;
  h.feed(failures(T, 9, 'frank@example.org', '203.0.113.13'));
  t.equal(h.findings.length, 0, 'nine failures with factor 2: silent');
  h.feed(failures(T + 90, 1, 'frank@example.org', '203.0.113.13'));
  t.equal(of(h, 'brute-force').length, 1, 'the tenth fires');
});

t.test('one finding per account per cooldown', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  const T = MONDAY + 3600;
  h.feed(failures(T, 100, 'gina@example.org', '203.0.113.14', 1));
  t.equal(of(h, 'brute-force').length, 1, '100 failures in 100 s: one finding');
  h.feed(failures(T + 1000, 1, 'gina@example.org', '203.0.113.14'));
  t.equal(of(h, 'brute-force').length, 2, 'after the cooldown, the next');
});

t.test('idle without features', async (t) => {
  const h = harness(credentialAttacks, { noFeatures: true });
  const T = MONDAY + 3600;
  h.feed(failures(T, 50, 'hank@example.org', '203.0.113.15'));
  h.feed(Array.from({ length: 20 }, (_, i) => login(T + 600 + i, `v${i}@example.org`, '203.0.113.16', false)));
  t.equal(h.findings.length, 0);
});

t.test('disabled', async (t) => {
  const h = harness(credentialAttacks, { ...LEARNED, options: { enabled: false } });
  h.feed(failures(MONDAY + 3600, 50, 'ivy@example.org', '203.0.113.17'));
  t.equal(h.findings.length, 0);
});

t.test('options are validated', async (t) => {
  t.throws(() => credentialAttacks.schema.parse({ maxUsernamesPerIp: 4, ipMinUsernames: 5 }), 'a floor above the names kept');
  t.throws(() => credentialAttacks.schema.parse({ unknown: 1 }), 'strict');
});

t.test('every bound is counted when hit', async (t) => {
  const C = 'detectors.credential-attacks';
  const T = MONDAY + 3600;

  const accounts = harness(credentialAttacks, { ...LEARNED, options: { maxAccounts: 2 } });
  accounts.feed(['a', 'b', 'c'].map((u, i) => login(T + i, `${u}@example.org`, `192.0.2.${i + 1}`, false)));
  t.ok(accounts.counters.get(`${C}.accounts_overflow`) >= 1, 'accounts');

  const normals = harness(credentialAttacks, { ...LEARNED, options: { maxAccounts: 1 } });
  normals.feed(['a', 'b'].flatMap((u, i) => [login(T + i * 10, `${u}@example.org`, '192.0.2.9', false), login(T + i * 10 + 1, `${u}@example.org`, '192.0.2.9', true)]));
  t.ok(normals.counters.get(`${C}.account_normals_overflow`) >= 1, 'accounts’ normal runs');

  const ips = harness(credentialAttacks, { ...LEARNED, options: { maxIps: 2 } });
  ips.feed([1, 2, 3].map((i) => login(T + i, 'a@example.org', `192.0.2.${i}`, true)));
  t.ok(ips.counters.get(`${C}.ips_overflow`) >= 1, 'IPs');

  const names = harness(credentialAttacks, { ...LEARNED, options: { maxUsernamesPerIp: 4, ipMinUsernames: 2, participantMinUsernames: 2, cooldownSec: 0 } });
  names.feed([1, 2, 3, 4, 5].map((i) => login(T + i, `n${i}@example.org`, '192.0.2.50', false)));
  t.ok(names.counters.get(`${C}.ip_names_overflow`) >= 1, 'names per IP');
  t.match(of(names, 'credential-stuffing').at(-1)?.explanation.summary ?? '', /at least 4/, 'a capped count says so');

  const accountIps = harness(credentialAttacks, { ...LEARNED, options: { maxIpsPerAccount: 1 } });
  accountIps.feed([1, 2].map((i) => login(T + i, 'a@example.org', `192.0.2.${i}`, false)));
  t.ok(accountIps.counters.get(`${C}.account_ips_overflow`) >= 1, 'IPs per account');

  const endpoints = harness(credentialAttacks, { ...LEARNED, options: { maxEndpoints: 1 } });
  endpoints.feed([login(T, 'a@example.org', '192.0.2.1', true, '/a/login'), login(T + 1, 'a@example.org', '192.0.2.1', true, '/b/login')]);
  t.ok(endpoints.counters.get(`${C}.endpoints_overflow`) >= 1, 'endpoints');
});

t.test('a gap longer than runIdleSec ends a run of failures', async (t) => {
  const T = MONDAY + 3600;
  const apart = harness(credentialAttacks, LEARNED);
  apart.feed(failures(T, 4, 'jay@example.org', '203.0.113.30'));
  apart.tick(T + 86400);
  apart.feed(failures(T + 86400 + 60, 4, 'jay@example.org', '203.0.113.30'));
  t.equal(apart.findings.length, 0, 'four failures, a day later four more: two runs, neither past the floor');
  const close = harness(credentialAttacks, LEARNED);
  close.feed(failures(T, 4, 'jay@example.org', '203.0.113.30'));
  close.feed(failures(T + 1800, 4, 'jay@example.org', '203.0.113.30'));
  t.equal(of(close, 'brute-force').length, 1, 'half an hour apart: one run');
});

// --- brute force from sources new to the account ---------------------------------------------

const VICTIM = 'vic@example.org';
const HOME = '198.51.100.7';

/** `n` users each mistyping `mistypes` times, then logging in, from their own IPs: the endpoint's runs. */
function mistypers(start: number, n: number, mistypes = 1): TxSpec[] {
  const out: TxSpec[] = [];
  for (let u = 0; u < n; u++) {
    const user = `m${u}@example.org`;
    const ip = `198.18.${Math.floor(u / 200)}.${(u % 200) + 1}`;
    const T = start + u * 120;
    out.push(...failures(T, mistypes, user, ip, 5), login(T + mistypes * 5 + 5, user, ip, true));
  }
  return out;
}

/** The victim logging in twice from home, then `runs` users' runs before a success on the endpoint. */
function history(runs: number, mistypes = 1): TxSpec[] {
  return [login(MONDAY, VICTIM, HOME, true), login(MONDAY + 60, VICTIM, HOME, true), ...mistypers(MONDAY + 600, runs, mistypes)];
}

t.test('brute force from sources new to the account: three failures fire once the endpoint learned its runs, two do not', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  h.feed(history(40));
  const T = MONDAY + 4 * 3600;
  h.feed(failures(T, 2, VICTIM, '203.0.113.50', 20));
  t.equal(h.findings.length, 0, 'two failures from an IP new to the account: silent');
  h.feed(failures(T + 40, 1, VICTIM, '203.0.113.50'));
  const bf = of(h, 'brute-force');
  t.equal(bf.length, 1, 'the third fires (the endpoint’s runs before a success are at most 1)');
  const f = bf[0] as Finding;
  t.equal(f.identity, `user:${VICTIM}`);
  t.match(f.explanation.summary, /3 failed logins in 40 s from 1 IP new to the account/);
  t.match(f.explanation.factors.find((x) => x.name === 'runNetworksUsedByAccountBefore'), { value: 0, baseline: 1 }, 'against its one earlier address');
  checkExplained(t, f);

  // an account never seen before: nothing vouches for the source either
  h.feed(failures(T + 100, 3, 'ghost@example.org', '203.0.113.51', 20));
  t.equal(of(h, 'brute-force').length, 2, 'three failures for an account without history fire');
});

t.test('from a new source, three failures are an early warning to watch; five are brute force to block', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  h.feed(history(40));
  const T = MONDAY + 4 * 3600;
  h.feed(failures(T, 3, VICTIM, '203.0.113.50', 15));
  const early = of(h, 'brute-force');
  t.equal(early.length, 1, 'the third failure warns');
  t.ok((early[0]?.score ?? 1) < 0.5, 'below the medium severity');
  t.same(early[0]?.suggested, { action: 'observe' }, 'watch, do not block');
  t.match(early[0]?.explanation.summary, /^Early warning: .* brute force is called at 5\./);
  h.feed(failures(T + 45, 1, VICTIM, '203.0.113.50'));
  t.equal(of(h, 'brute-force').length, 1, 'the fourth: nothing new within the cooldown');
  h.feed(failures(T + 60, 1, VICTIM, '203.0.113.50'));
  const full = of(h, 'brute-force');
  t.equal(full.length, 2, 'the fifth reaches the standard threshold: reported at once, cooldown or not');
  t.ok((full[1]?.score ?? 0) >= 0.6, 'a full finding');
  t.same(full[1]?.suggested, { action: 'block' });

  // a person who mistyped three times from a hotel, then logged in: a warning, never a takeover
  const trip = harness(credentialAttacks, LEARNED);
  trip.feed(history(40));
  trip.feed([...failures(T, 3, VICTIM, '203.0.113.60', 15), login(T + 60, VICTIM, '203.0.113.60', true)]);
  t.equal(of(trip, 'brute-force').length, 1, 'one early warning');
  t.notOk(trip.findings.some((f) => /takeover/i.test(f.explanation.summary)), 'no takeover after an early warning alone');
});

t.test('confounder: the owner mistyping three or four times from where they log in, a new user behind a busy NAT', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  h.feed(history(40));
  const T = MONDAY + 4 * 3600;
  h.feed([...failures(T, 3, VICTIM, HOME, 15), login(T + 60, VICTIM, HOME, true)]);
  t.equal(h.findings.length, 0, 'from its own IP: the floor of five applies');
  h.feed([...failures(T + 600, 4, VICTIM, '198.51.100.99', 15), login(T + 700, VICTIM, '198.51.100.99', true)]);
  t.equal(h.findings.length, 0, 'from another address of its network: the same');
  const nat = '192.0.2.200';
  h.feed(Array.from({ length: 5 }, (_, i) => login(T + 1000 + i * 30, `emp${i}@corp.example`, nat, true)));
  h.feed([...failures(T + 1200, 4, 'newhire@corp.example', nat, 15), login(T + 1300, 'newhire@corp.example', nat, true)]);
  t.equal(h.findings.length, 0, 'a first login behind a NAT where others just logged in: the NAT vouches');
});

t.test('the lower floor waits for newSourceMinRuns learned runs', async (t) => {
  const T = MONDAY + 4 * 3600;
  const below = harness(credentialAttacks, LEARNED);
  below.feed(history(29));
  below.feed(failures(T, 4, VICTIM, '203.0.113.50', 20));
  t.equal(below.findings.length, 0, '29 runs learned: four failures from a new IP are silent');
  below.feed(failures(T + 80, 1, VICTIM, '203.0.113.50'));
  t.equal(of(below, 'brute-force').length, 1, 'the floor of five still fires');
  const above = harness(credentialAttacks, LEARNED);
  above.feed(history(30));
  above.feed(failures(T, 3, VICTIM, '203.0.113.50', 20));
  t.equal(of(above, 'brute-force').length, 1, '30 runs learned: the third fires');
});

t.test('the endpoint’s learned runs lift the lower floor: one past their 99th percentile', async (t) => {
  const h = harness(credentialAttacks, LEARNED);
  h.feed(history(40, 3));
  t.equal(h.findings.length, 0, '40 users mistyping three times from IPs new to them: silent (the first 30 under the floor of five, then against the learned three)');
  const T = MONDAY + 4 * 3600;
  h.feed(failures(T, 3, VICTIM, '203.0.113.50', 20));
  t.equal(h.findings.length, 0, 'three failures: silent');
  h.feed(failures(T + 60, 1, VICTIM, '203.0.113.50'));
  t.equal(of(h, 'brute-force').length, 1, 'the fourth fires');
});

t.test('the lower floor waits for the endpoint’s learning period and yields to analysts’ feedback', async (t) => {
  const learning = harness(credentialAttacks, { features: { learningPeriodSec: 86400, learningMinRequests: 0 } });
  learning.feed(history(40));
  learning.feed(failures(MONDAY + 4 * 3600, 9, VICTIM, '203.0.113.50', 20));
  t.equal(learning.findings.length, 0, 'nine failures while the endpoint learns: silent');
  // (from another network: an address that failed for the account in an earlier run is one it used)
  learning.feed(failures(MONDAY + 2 * 86400, 3, VICTIM, '203.0.114.50', 20));
  t.equal(of(learning, 'brute-force').length, 1, 'once it is learned, three fire');

  const feedback = harness(credentialAttacks, {
    ...LEARNED,
    feedback: { factor: (detector, identity) => (detector === 'brute-force' && identity === `user:${VICTIM}` ? 2 : 1) },
  });
  feedback.feed(history(40));
  feedback.feed(failures(MONDAY + 4 * 3600, 5, VICTIM, '203.0.113.50', 20));
  t.equal(feedback.findings.length, 0, 'factor 2: five failures silent');
  feedback.feed(failures(MONDAY + 4 * 3600 + 100, 1, VICTIM, '203.0.113.50'));
  t.equal(of(feedback, 'brute-force').length, 1, 'the sixth fires');
});

t.test('sources new to an account: networks, autonomous systems, accounts without or with too many addresses', async (t) => {
  t.equal(networkOf('192.0.2.77'), 'v4:192.0.2');
  t.equal(networkOf('::ffff:192.0.2.1'), 'v4:192.0.2', 'IPv4-mapped IPv6');
  t.equal(networkOf('2001:db8:0:1::5'), 'v6:2001:db8:0:1');
  t.equal(networkOf('2001:0DB8:0000:0001:0:0:0:9'), 'v6:2001:db8:0:1', 'the same /64 written out');
  t.equal(networkOf('::1'), 'v6:0:0:0:0');
  for (const bad of ['', 'host.example', '1.2.3', '1:2:3', '1::2::3']) t.equal(networkOf(bad), null, `${bad || 'empty'}: no address`);

  const account = (): IdentityBaseline => {
    const b = new IdentityBaseline('user:z@example.org', 1, 1000, { historySize: 8, maxIps: 2, maxUserAgents: 2, maxAsns: 2 });
    b.ips.note('192.0.2.10', 1000);
    return b;
  };
  t.equal(sourceNewTo(null, '203.0.113.9', 2000, NO_GEO), 0, 'no baseline: new, no earlier address');
  t.equal(sourceNewTo(account(), '203.0.113.9', 2000, NO_GEO), 1, 'another network: new, one earlier address');
  t.equal(sourceNewTo(account(), '192.0.2.77', 2000, NO_GEO), FAMILIAR, 'the same /24');
  t.equal(sourceNewTo(account(), '192.0.2.10', 500, NO_GEO), 0, 'addresses first seen after the run began do not vouch');
  const asn = account();
  asn.asns = new BoundedTally(2);
  asn.asns.note('AS64500', 1000);
  t.equal(sourceNewTo(asn, '203.0.113.9', 2000, (ip) => (ip === '203.0.113.9' ? { asn: 64500 } : {})), FAMILIAR, 'the same autonomous system');
  t.equal(sourceNewTo(asn, '203.0.113.9', 2000, () => ({ asn: 64501 })), 1, 'another autonomous system');
  const roaming = account();
  roaming.ips.note('198.51.100.1', 1100);
  roaming.ips.note('198.51.100.2', 1200);
  t.ok(roaming.ips.overflow > 0, 'the account’s list of IPs overflowed');
  t.equal(sourceNewTo(roaming, '203.0.113.9', 2000, NO_GEO), FAMILIAR, 'a roaming account: nothing is new to it');
});
