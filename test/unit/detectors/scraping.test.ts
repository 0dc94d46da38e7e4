// The scraping detector on hand-built traffic behind a real features stage: a metronome reading
// many resources fires once the peer norm has learned from people's runs and its regular pace has
// lasted minSustainSec; it stays silent just below that and just below the breadth threshold, on a
// single-page app polling one endpoint, on a service integration that is regular by nature and
// within its own baseline, and on a person browsing fast; every bound is counted; it is idle
// without features; analysts' feedback raises its thresholds.
import t from 'tap';
import type { Finding } from '../../../src/core/finding';
import { scraping } from '../../../src/detectors/scraping';
import { automationAgent } from '../../../src/detectors/scraping-agents';
import { PeerNorm, type RunSample } from '../../../src/detectors/scraping-peers';
import { harness, MONDAY, type TxSpec } from './harness';

const HOUR = 3600;
/** People's runs end (idle) long before the scraper starts at MONDAY + 4 h. */
const peers = (): TxSpec[] => people(MONDAY, 25);

function findingsOf(specs: TxSpec[], opts: Parameters<typeof harness>[1] = {}): { findings: Finding[]; counters: ReturnType<typeof harness>['counters'] } {
  const h = harness(scraping, opts);
  h.feed(specs);
  return { findings: h.findings, counters: h.counters };
}

const factor = (f: Finding, name: string) => f.explanation.factors.find((x) => x.name === name);

t.test('a metronome over many resources fires once its pace has been regular for minSustainSec', async (t) => {
  // a client's first request only admits it (features.admitOnSecondRequest): its run starts at the
  // second; checks every 8 requests; 5 s gaps: the check at request 129 is 635 s into the regular stretch
  const { findings, counters } = findingsOf([...peers(), ...regular({ requests: 129, userAgent: 'python-requests/2.31.0' })]);
  t.equal(findings.length, 1, 'one finding');
  const f = findings[0] as Finding;
  t.equal(f.detector, 'scraping');
  t.equal(f.identity, 'user:scraper');
  t.equal(f.client, '203.0.113.9');
  t.ok(f.score >= 0.5 && f.score <= 1, `score ${f.score}`);
  t.ok((factor(f, 'regularForSec')?.value as number) >= 600);
  t.ok((factor(f, 'thinkTimeSpreadLog2')?.value as number) < (factor(f, 'thinkTimeSpreadLog2')?.baseline as number) / 4, 'far more regular than the peers');
  t.equal(factor(f, 'automationUserAgent')?.value, 'python-requests', 'the tool agent is one factor');
  t.ok(f.explanation.factors.length >= 2);
  for (const x of f.explanation.factors) t.not(x.baseline, undefined, `${x.name} has its baseline`);
  const shares = f.explanation.factors.reduce((s, x) => s + (x.contribution ?? 0), 0);
  t.ok(Math.abs(shares - 1) < 0.01, `contributions sum to 1 (${shares})`);
  t.equal(f.suggested?.action, 'throttle');
  t.ok((f.suggested?.limitPerMinute ?? 0) >= 1, 'throttle to the peers\' pace');
  t.ok(f.evidence.length >= 1 && f.evidence.length <= 4);
  t.match(f.evidence[0]?.target, '/shop/products/{id}', 'evidence shows the template, not the id');
  t.match(f.explanation.summary, /user:scraper read \d+ distinct resources/);
  t.equal(counters.get('detectors.scraping.findings'), 1);
});

t.test('silent just below minSustainSec', async (t) => {
  // the last check, at request 121, is 595 s into the regular stretch
  const { findings } = findingsOf([...peers(), ...regular({ requests: 128 })]);
  t.equal(findings.length, 0);
});

t.test('breadth: 20 distinct resources fire, 19 re-polled stay silent (minDistinctResources, above 1.5 × the peers\' p90)', async (t) => {
  const at20 = findingsOf([...peers(), ...regular({ requests: 200, distinct: 20 })]).findings;
  t.equal(at20.length, 1, '20 resources re-polled: broad enough');
  t.equal(factor(at20[0] as Finding, 'distinctResources')?.value, 20);
  t.ok((factor(at20[0] as Finding, 'repeatShare')?.value as number) > 0.5, 're-polling is a factor');
  t.equal(findingsOf([...peers(), ...regular({ requests: 200, distinct: 19 })]).findings.length, 0, '19: not broad');
});

t.test('a user agent of a browser does not hide a metronome; a tool agent alone is not enough', async (t) => {
  const browser = findingsOf([...peers(), ...regular({ requests: 200, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/122.0.0.0' })]).findings;
  t.equal(browser.length, 1);
  t.equal(factor(browser[0] as Finding, 'automationUserAgent'), undefined);
  // a person with curl: irregular think time
  const curlPerson = people(MONDAY + 4 * HOUR, 1, { requests: 300, seed: 5, prefix: 'curl' }).map((s) => ({ ...s, userAgent: 'curl/8.4.0', path: `/shop/items/${Math.round(s.ts)}` }));
  t.equal(findingsOf([...peers(), ...curlPerson]).findings.length, 0);
});

t.test('a jittered scraper still fires; a human-like spread does not', async (t) => {
  t.equal(findingsOf([...peers(), ...regular({ requests: 240, jitter: 0.3 })]).findings.length, 1, 'spread 0.3');
  t.equal(findingsOf([...peers(), ...regular({ requests: 240, jitter: 2 })]).findings.length, 0, 'spread 2');
});

t.test('confounder: a single-page app polling one endpoint every few seconds', async (t) => {
  const poll = regular({ identity: 'user:spa', requests: 1500, gapSec: 4, distinct: 1, path: () => '/api/notifications/unread' });
  // and the person clicks around a few pages now and then
  const clicks = people(MONDAY + 4 * HOUR + 300, 1, { requests: 40, seed: 3, prefix: 'spa' }).map((s) => ({ ...s, identity: 'user:spa' }));
  const { findings, counters } = findingsOf(merged(peers(), poll, clicks));
  t.equal(findings.length, 0);
  t.equal(counters.get('detectors.scraping.findings'), 0);
});

t.test('confounder: a person browsing fast for a few minutes', async (t) => {
  const rnd = random(11);
  const fast: TxSpec[] = [];
  let ts = MONDAY + 4 * HOUR;
  for (let i = 0; i < 150; i++) {
    fast.push({ ts, identity: 'user:quick', clientIp: '10.2.0.1', path: `/shop/products/${Math.floor(rnd() * 60)}`, template: '/shop/products/{id}' });
    ts += 2 ** (-2 + 5 * rnd());
  }
  t.ok(ts - MONDAY - 4 * HOUR < 900, 'a few minutes');
  t.equal(findingsOf([...peers(), ...fast]).findings.length, 0);
});

t.test('confounder: a service integration regular by nature stays within its own baseline', async (t) => {
  // an API key syncing 400 products every hour at one request a second (12 minutes), for ten hours;
  // people use the API from hour 5 (the peer norm learns then); the key is scored after 2 hours
  const sync = (identity: string): TxSpec[] =>
    Array.from({ length: 10 }, (_, h) => regular({ identity, start: MONDAY + h * HOUR, requests: 720, gapSec: 1, distinct: 400, userAgent: 'catalogue-sync/2.4 node/20', seed: h })).flat();
  const traffic = merged(people(MONDAY + 5 * HOUR, 25), sync('key:sync'));
  const features = { learningPeriodSec: 2 * HOUR };
  const { findings, counters } = findingsOf(traffic, { features });
  t.equal(findings.length, 0, 'silent');
  t.ok(counters.get('detectors.scraping.own_baseline_cleared') > 0, 'judged, and cleared by its own baseline');

  // the same pace from a person's account (its own history is a person's) fires
  const hijacked = merged(people(MONDAY, 3, { requests: 40, prefix: 'own' }).map((s) => ({ ...s, identity: 'user:own0' })), people(MONDAY + 5 * HOUR, 25), regular({ identity: 'user:own0', start: MONDAY + 8 * HOUR, requests: 720, gapSec: 1, distinct: 400 }));
  const taken = findingsOf(hijacked, { features }).findings;
  t.equal(taken.length, 1, 'a scripted person fires');
  t.ok(factor(taken[0] as Finding, 'ownTenMinuteRequests'), 'and says its own 10-minute baseline was exceeded');
});

t.test('the peer norm learns first: no finding before minPeerRuns runs of others ended', async (t) => {
  t.equal(findingsOf([...people(MONDAY, 9), ...regular({ requests: 400 })]).findings.length, 0, '9 runs < 10');
  t.equal(findingsOf([...people(MONDAY, 10), ...regular({ requests: 400 })]).findings.length, 1, '10 runs');
});

t.test('the peer norm: machine-regular runs count in the spread only, so they never teach breadth', async (t) => {
  const norm = new PeerNorm(1000, 4, 0.25);
  const person: RunSample = { spread: 2.5, distinct: 10, gap: 4, rate: 6, repeatShare: 0.4 };
  const machine: RunSample = { spread: 0.02, distinct: 400, gap: 1, rate: 60, repeatShare: 0.1 };
  for (const s of [machine, machine, person]) norm.add(s);
  t.notOk(norm.ready(), 'learning: 3 runs < 4');
  norm.add(person);
  t.ok(norm.ready(), '4 runs, 2 of them people');
  for (let i = 0; i < 6; i++) norm.add(person);
  for (let i = 0; i < 3; i++) norm.add(machine);
  t.equal(norm.humanRuns, 8, 'the people');
  t.ok(norm.distinctP90() < 12, `breadth is the people's (${norm.distinctP90()})`);
  t.ok(norm.spreadMedian() > 2 && norm.spreadMedian() < 3, `spread median ${norm.spreadMedian()}`);
  t.ok(norm.gapMedian() > 3 && norm.gapMedian() < 5, 'pace is the people\'s');
});

t.test('feedback: an analyst verdict raises the thresholds for that identity', async (t) => {
  const traffic = [...peers(), ...regular({ requests: 129 })];
  const feedback = { factor: (d: string, identity: string | null) => (d === 'scraping' && identity === 'user:scraper' ? 1.2 : 1) };
  t.equal(findingsOf(traffic, { feedback }).findings.length, 0, '635 s < 1.2 × 600 s');
  t.equal(findingsOf([...peers(), ...regular({ requests: 160 })], { feedback }).findings.length, 1, '795 s ≥ 720 s');
});

t.test('cooldown: one finding per client per cooldownSec', async (t) => {
  const { findings } = findingsOf([...peers(), ...regular({ requests: 1200, gapSec: 3 })]);
  t.equal(findings.length, 2, 'an hour of scraping, cooldown 30 min');
  t.ok((findings[1] as Finding).ts - (findings[0] as Finding).ts >= 1800);
});

t.test('bounds', async (t) => {
  const few = findingsOf([...peers(), ...regular({ requests: 200 })], { options: { maxActors: 2 } });
  t.ok(few.counters.get('detectors.scraping.actors_evicted') > 0, 'maxActors: the least recently active client is forgotten');
  const hosts = findingsOf([...peers(), ...regular({ requests: 200, host: 'other.example' })], { options: { maxHosts: 1 } });
  t.ok(hosts.counters.get('detectors.scraping.hosts_overflow') > 0, 'maxHosts: a further host shares the overflow norm');
  const huge = findingsOf([...peers(), ...regular({ requests: 1000, gapSec: 1 })]);
  t.equal(huge.counters.get('detectors.scraping.filter_saturated'), 1, 'the resource filter saturates once per run');
  t.equal(huge.findings.length, 1, 'and the run is still judged');
  const evidence = findingsOf([...peers(), ...regular({ requests: 200 })], { options: { maxEvidence: 2 } }).findings;
  t.equal(evidence[0]?.evidence.length, 2, 'maxEvidence');
});

t.test('idle without features, and when disabled', async (t) => {
  const { findings, counters } = findingsOf([...peers(), ...regular({ requests: 400 })], { noFeatures: true });
  t.equal(findings.length, 0);
  t.same(counters.snapshot('detectors.scraping'), {});
  t.equal(findingsOf([...peers(), ...regular({ requests: 400 })], { options: { enabled: false } }).findings.length, 0, 'enabled: false');
});

t.test('automation user agents', async (t) => {
  for (const [ua, token] of [
    ['curl/8.4.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
    ['Python-urllib/3.11', 'python-urllib'],
    ['Go-http-client/1.1', 'go-http-client'],
    ['Wget/1.21.4', 'wget'],
    ['Scrapy/2.11.0 (+https://scrapy.org)', 'scrapy'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36', 'headlesschrome'],
    ['okhttp/4.9.3', 'okhttp'],
    ['Mozilla/5.0 (compatible; ExampleBot/1.0; +https://example.com/bot)', 'bot'],
    ['', 'none'],
  ] as const)
    t.equal(automationAgent(ua), token, ua);
  t.equal(automationAgent(null), 'none');
  for (const ua of ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 'CarWorks/5.2.0 (Android 12; SM-A525F) okhttp/4.10.0', 'gotham-app/1.0'])
    t.equal(automationAgent(ua), null, ua);
});

// ---- traffic ----


/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs of `people` identities, one after another from `start`: `requests` GETs over 12 pages, gaps 2^U(-1, 6) s (0.5 s to a minute). */
function people(start: number, count: number, opts: { requests?: number; seed?: number; prefix?: string } = {}): TxSpec[] {
  const rnd = random(opts.seed ?? 1);
  const out: TxSpec[] = [];
  for (let p = 0; p < count; p++) {
    let ts = start + p * 200;
    const identity = `user:${opts.prefix ?? 'person'}${p}`;
    for (let i = 0; i < (opts.requests ?? 30); i++) {
      const page = Math.floor(rnd() * 12);
      out.push({ ts, identity, clientIp: `10.1.0.${p % 250}`, path: `/shop/items/${page}`, template: '/shop/items/{id}', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0' });
      ts += 2 ** (-1 + 7 * rnd());
    }
  }
  return out;
}

interface RegularOpts {
  identity?: string;
  start?: number;
  requests: number;
  gapSec?: number;
  /** Spread of log2 gaps (normal-ish jitter); 0.02 by default. */
  jitter?: number;
  /** Distinct resources cycled through (default: every request a new one). */
  distinct?: number;
  userAgent?: string | null;
  path?: (i: number) => string;
  host?: string;
  method?: string;
  seed?: number;
}

/** A metronome: `requests` requests `gapSec` apart over `distinct` resources. */
function regular(o: RegularOpts): TxSpec[] {
  const rnd = random(o.seed ?? 7);
  const out: TxSpec[] = [];
  let ts = o.start ?? MONDAY + 4 * HOUR;
  const jitter = o.jitter ?? 0.02;
  for (let i = 0; i < o.requests; i++) {
    const n = o.distinct === undefined ? i : i % o.distinct;
    const path = o.path ? o.path(n) : `/shop/products/${n}`;
    const spec: TxSpec = { ts, identity: o.identity ?? 'user:scraper', clientIp: '203.0.113.9', path, template: o.path ? path : '/shop/products/{id}', method: o.method ?? 'GET' };
    if (o.userAgent !== undefined) spec.userAgent = o.userAgent;
    if (o.host !== undefined) spec.host = o.host;
    out.push(spec);
    // sum of three uniforms: a bell around 0 with standard deviation `jitter`
    const z = (rnd() + rnd() + rnd() - 1.5) * 2;
    ts += (o.gapSec ?? 5) * 2 ** (z * jitter);
  }
  return out;
}

/** Several sequences as one, in packet-time order (what the pipeline would see). */
function merged(...parts: TxSpec[][]): TxSpec[] {
  return parts.flat().sort((a, b) => a.ts - b.ts);
}
