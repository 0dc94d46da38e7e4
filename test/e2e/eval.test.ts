// `tapwatch eval` end to end on a labelled scenario built here as real pcaps (test/helpers/pcap-writer):
// an attacker's requests draw server errors that the extending guide's example detector
// (test/fixtures/detectors/server-errors.ts) reports, a benign client's server errors draw a false
// alert, a scraper goes unseen. Expected numbers follow from how the capture is built; the CLI run
// checks the output shapes and the plain one-sentence errors.
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { buildConfig } from '../../src/config/load';
import type { DetectorEntry } from '../../src/detectors';
import { evaluateScenario } from '../../src/eval/evaluate';
import { evalReportText } from '../../src/eval/report-text';
import type { ScenarioLabels, RequestLabel } from '../../src/core/scenario-labels';
import { runCli } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';
import { serverErrors } from '../fixtures/detectors/server-errors';

const T0 = 1_700_000_000;
/** Captures 90 s apart: each one's first transaction ticks the detector's 60 s window closed. */
const FILE_GAP = 90;
const SERVER = '10.9.0.1';

// Synthetic credentials of the simulated world.
const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const ALICE_JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'alice', iss: 'https://idp.test' })}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
const BOB_KEY = 'bobkey-4f1c9a7e2d';
const SHARED_KEY = 'sharedkey-77aa01';

interface Sender {
  actor: string;
  ip: string;
  headers: string;
}
const ALICE: Sender = { actor: 'alice', ip: '10.9.1.1', headers: `Authorization: Bearer ${ALICE_JWT}\r\n` };
const BOB: Sender = { actor: 'bob', ip: '10.9.1.2', headers: `X-Api-Key: ${BOB_KEY}\r\n` };
// carol and dave send the same key, so one identity names two actors: neither is consistent
const CAROL: Sender = { actor: 'carol', ip: '10.9.1.3', headers: `X-Api-Key: ${SHARED_KEY}\r\n` };
const DAVE: Sender = { actor: 'dave', ip: '10.9.1.4', headers: `X-Api-Key: ${SHARED_KEY}\r\n` };
const ERIN: Sender = { actor: 'erin', ip: '10.9.1.5', headers: '' };
const ENUMERATOR: Sender = { actor: 'attacker-1', ip: '203.0.113.9', headers: '' };
const SCRAPER: Sender = { actor: 'attacker-2', ip: '198.51.100.20', headers: '' };

interface Planned {
  from: Sender;
  uri: string;
  status: number;
  label: string;
}

function exchange(p: Planned): HttpExchange {
  const body = JSON.stringify({ ok: p.status < 500 });
  return {
    client: p.from.ip,
    server: SERVER,
    serverPort: 8080,
    request: `GET ${p.uri} HTTP/1.1\r\nHost: shop.test\r\n${p.from.headers}Accept: application/json\r\n\r\n`,
    response: `HTTP/1.1 ${p.status} X\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  };
}

/**
 * The pcap writer gives exchange k of a file client port 40000 + k and, with request and response in
 * one segment each, 10 packets 100 µs apart: its request's first byte is packet 10k + 4.
 */
const requestTs = (fileStart: number, k: number): number => fileStart + (10 * k + 4) * 1e-4;

const benignRound = (n: number): Planned[] => [
  { from: ALICE, uri: `/items/${n}`, status: 200, label: 'benign' },
  { from: ALICE, uri: `/items?page=${n}`, status: 200, label: 'benign' },
  { from: BOB, uri: `/items/${n + 100}`, status: 200, label: 'benign' },
  { from: BOB, uri: '/profile', status: 200, label: 'benign' },
  { from: CAROL, uri: '/profile', status: 200, label: 'benign' },
  { from: DAVE, uri: '/profile', status: 200, label: 'benign' },
  { from: ERIN, uri: '/health', status: 200, label: 'benign' },
];

interface Built {
  labelsFile: string;
  pcaps: string[];
  labels: ScenarioLabels;
  enumerationStart: number;
  transactions: number;
}

function buildScenario(dir: string): Built {
  // file 0: benign; file 1: benign, then 4 server errors for the enumerator on /orders/{id};
  // file 2: benign, then 3 server errors for bob on /reports/{id} (benign: the false alert);
  // file 3: benign, then the scraper's 5 quiet requests (no detector sees it)
  const plans: Planned[][] = [
    benignRound(1),
    [...benignRound(2), ...[1, 2, 3, 4].map((i) => ({ from: ENUMERATOR, uri: `/orders/${i}`, status: 503, label: 'atk-enum' }))],
    [...benignRound(3), ...[7, 8, 9].map((i) => ({ from: BOB, uri: `/reports/${i}`, status: 500, label: 'benign' }))],
    [...benignRound(4), ...[1, 2, 3, 4, 5].map((i) => ({ from: SCRAPER, uri: `/items/${i}`, status: 200, label: 'atk-scrape' }))],
  ];
  const requests: RequestLabel[] = [];
  const pcaps: string[] = [];
  plans.forEach((plan, f) => {
    const start = T0 + f * FILE_GAP;
    const name = `part-${f}.pcap`;
    writeHttpPcap(path.join(dir, name), plan.map(exchange), start);
    pcaps.push(name);
    plan.forEach((p, k) => requests.push({ ts: requestTs(start, k), client: `${p.from.ip}:${40000 + k}`, method: 'GET', uri: p.uri, actor: p.from.actor, label: p.label }));
  });
  // a request alice sent that the mirror lost: labelled, never in the capture
  requests.push({ ts: T0 + 45, client: `${ALICE.ip}:41234`, method: 'GET', uri: '/items/lost', actor: 'alice', label: 'benign' });
  writeFileSync(path.join(dir, 'requests.jsonl'), requests.map((r) => JSON.stringify(r)).join('\n') + '\n');

  const window = (label: string): { start: number; end: number; requests: number } => {
    const ts = requests.filter((r) => r.label === label).map((r) => r.ts);
    return { start: Math.min(...ts), end: Math.max(...ts), requests: ts.length };
  };
  const actor = (s: Sender, role: 'user' | 'attacker', credential: ScenarioLabels['actors'][number]['credential'], username: string | null, secrets: string[]): ScenarioLabels['actors'][number] => ({
    id: s.actor,
    role,
    credential,
    username,
    ips: [s.ip],
    secrets,
  });
  const enumeration = window('atk-enum');
  const labels: ScenarioLabels = {
    version: 1,
    seed: 7,
    api: 'shop.yaml',
    start: T0,
    end: requestTs(T0 + 3 * FILE_GAP, plans[3]?.length ?? 0),
    pcaps,
    requestsFile: 'requests.jsonl',
    actors: [
      actor(ALICE, 'user', 'bearer-jwt', 'alice', [ALICE_JWT]),
      actor(BOB, 'user', 'api-key-header', null, [BOB_KEY]),
      actor(CAROL, 'user', 'api-key-header', null, [SHARED_KEY]),
      actor(DAVE, 'user', 'api-key-header', null, [SHARED_KEY]),
      actor(ERIN, 'user', 'none', null, []),
      actor(ENUMERATOR, 'attacker', 'none', null, []),
      actor(SCRAPER, 'attacker', 'none', null, []),
    ],
    attacks: [
      { id: 'atk-enum', type: 'enumeration', actors: [ENUMERATOR.actor], ips: [ENUMERATOR.ip], usernames: [], ...enumeration, params: { intensity: 4 } },
      { id: 'atk-scrape', type: 'scraping', actors: [SCRAPER.actor], ips: [SCRAPER.ip], usernames: [], ...window('atk-scrape'), params: { stealth: 'slow' } },
    ],
    benignRequests: requests.filter((r) => r.label === 'benign').length,
  };
  const labelsFile = path.join(dir, 'labels.json');
  writeFileSync(labelsFile, JSON.stringify(labels, null, 2));
  return { labelsFile, pcaps: pcaps.map((p) => path.join(dir, p)), labels, enumerationStart: enumeration.start, transactions: plans.flat().length };
}

/**
 * Stands in for the identity stage (issue 12 §1) so attribution has something to measure: JWT
 * subject as `user:`, an API key's fingerprint as `key:`. A real consumer, as a detector would be.
 */
const identityFromCredentials: DetectorEntry<Record<string, never>> = {
  key: 'testIdentity',
  description: 'Test detector.',
  schema: z.object({}).strict(),
  create: () => ({
    name: 'test-identity',
    onTransaction(tx, ctx) {
      const c = tx.credentials[0];
      if (c?.kind === 'bearer-jwt' && c.claims?.sub) ctx.identity = `user:${c.claims.sub}`;
      else if (c?.kind === 'api-key-header') ctx.identity = `key:${c.hash.slice(0, 8)}`;
    },
  }),
};

const config = buildConfig({});

t.test('eval scores a labelled capture: detections, precision, false alerts per million, attribution', async (t) => {
  const s = buildScenario(t.testdir());
  const report = await evaluateScenario({
    labelsFile: s.labelsFile,
    config,
    detectors: [identityFromCredentials, serverErrors],
    detectorOptions: { serverErrors: { minErrors: 3, windowSec: 60 } },
  });
  // 7 benign per file × 4 + bob's 3 errors + the lost request = 32 benign
  t.equal(s.labels.benignRequests, 32);
  t.same(report.replay.files, s.pcaps, 'no FILE: the pcaps the labels list, in order');
  t.equal(report.replay.transactions, s.transactions, 'every exchange built is a transaction');
  t.equal(report.replay.alerts, 2, "one alert for the enumerator's errors, one for bob's");

  const enumeration = report.attacks.find((a) => a.id === 'atk-enum');
  t.equal(enumeration?.detected, true);
  t.same(enumeration?.detectors, ['server-errors']);
  // the window closes on the first transaction of the next file: its request time
  const expectedTtd = requestTs(T0 + 2 * FILE_GAP, 0) - s.enumerationStart;
  t.ok(Math.abs((enumeration?.timeToDetectSec ?? NaN) - expectedTtd) < 0.002, `time to detect ${enumeration?.timeToDetectSec} ≈ ${expectedTtd.toFixed(4)} s`);
  t.match(report.attacks.find((a) => a.id === 'atk-scrape'), { detected: false, detectors: [], timeToDetectSec: null }, 'the scraper goes unseen');

  t.same(
    report.attackTypes.map((x) => [x.type, x.attacks, x.detected, x.recall]),
    [
      ['enumeration', 1, 1, 1],
      ['scraping', 1, 0, 0],
    ],
  );
  // 1 true (enumerator) and 1 false (bob) alert; 1 false / 32 benign = 31250 per million
  t.match(report.detectors, [{ detector: 'server-errors', alerts: 2, findings: 2, trueAlerts: 1, falseAlerts: 1, unattributable: 0, precision: 0.5, falseAlertsPerMillionBenign: 31250, attacksDetected: 1 }]);
  t.match(report.overall, { attacks: 2, detected: 1, recall: 0.5, trueAlerts: 1, falseAlerts: 1, precision: 0.5, falseAlertsPerMillionBenign: 31250 });

  // credentialed benign: alice 8 + 1 lost, bob 8 + 3, carol 4, dave 4 = 28; found 27;
  // consistent: alice 8 + bob 11 = 19 (carol and dave share one identity) → 19 / 28
  t.same(report.attribution, { available: true, credentialedRequests: 28, matchedRequests: 27, consistentRequests: 19, share: 0.6786, actors: 4, sharedIdentities: 1 });

  const text = evalReportText(report);
  t.match(text, /\n {2}server-errors {2}2 {7}2 {9}1 {5}1 {6}0 {9}50\.0% {6}31250\.00 {9}1 {8}[0-2]\/2\n/, 'the detector row, aligned under its header');
  t.match(text, /Overall: 1 of 2 attacks detected \(recall 50\.0%\), median time to detect 90 s; precision 50\.0% \(1 true, 1 false alerts\); 31250\.00 false alerts per million/);
  t.match(text, /Identity attribution: 19 of 28 credentialed benign requests \(67\.9%\) resolved to their actor's own identity \(27 found in the traffic, 4 actors; 1 identity shared by several actors\)/);
});

t.test('no identity resolved: attribution is not available rather than 0%', async (t) => {
  const s = buildScenario(t.testdir());
  // only the example detector after the inventory: nothing in this list sets ctx.identity
  const report = await evaluateScenario({ labelsFile: s.labelsFile, files: [s.pcaps[1] ?? ''], config, detectors: [serverErrors] });
  t.same(report.replay.files, [s.pcaps[1]], 'FILE... replaces the pcaps of the labels');
  t.equal(report.replay.transactions, 11);
  if (report.attribution.available) {
    t.comment('an identity stage ran in the pipeline: attribution measured');
    t.ok((report.attribution.share ?? -1) >= 0);
  } else {
    t.equal(report.attribution.share, null);
  }
  t.equal(report.attribution.matchedRequests, 6, 'the 6 credentialed benign requests of file 1 found again');
});

t.test('tapwatch eval: table, --format json, --out, --db', async (t) => {
  const dir = t.testdir();
  const s = buildScenario(dir);
  const text = runCli(['eval', '--labels', s.labelsFile]);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /^Scenario seed 7 \(shop\.yaml\): 2 attacks, 7 actors, 32 benign requests/);
  t.match(text.stdout, /\n {2}type {9}attacks {2}detected {2}recall {2}median time to detect\n/, 'aligned table header');
  t.match(text.stdout, /\n {2}atk-enum {4}enumeration {2}2023-11-14 22:14:5\dZ/, 'one row per attack');
  t.match(text.stdout, /Precision is on alerts/);

  const json = runCli(['eval', '--labels', s.labelsFile, '--format', 'json', '--slack-after', '10m']);
  t.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as Record<string, Record<string, unknown>>;
  t.same(Object.keys(r), ['evalVersion', 'scenario', 'replay', 'matching', 'overall', 'attackTypes', 'detectors', 'attacks', 'attribution', 'warnings']);
  t.equal(r.evalVersion, 1);
  t.match(r.scenario, { seed: 7, labelsVersion: 1, api: 'shop.yaml', actors: 7, attacks: 2, attackRequests: 9, benignRequests: 32, requestsFile: { lines: 41, benign: 32, attack: 9 } });
  t.match(r.replay, { packets: 400, transactions: 40 }, '40 exchanges of 10 packets');
  t.same(r.matching, { slackBeforeSec: 0, slackAfterSec: 600, alertTime: 'firstSeen', precisionOn: 'alerts' });
  for (const key of ['attacks', 'detected', 'alerts', 'findings', 'trueAlerts', 'falseAlerts', 'unattributable']) t.type(r.overall?.[key], 'number', `overall.${key} is a number`);
  t.equal(r.overall?.attacks, 2);
  t.same(
    (r.attacks as unknown as { id: string }[]).map((a) => a.id),
    ['atk-enum', 'atk-scrape'],
  );

  const out = path.join(dir, 'eval.json');
  const db = path.join(dir, 'state.db');
  const written = runCli(['eval', '--labels', s.labelsFile, '--format', 'json', '--out', out, '--db', db]);
  t.equal(written.code, 0, written.stderr);
  t.equal(written.stdout, '', '--out: nothing on stdout');
  t.equal((JSON.parse(readFileSync(out, 'utf8')) as { evalVersion: number }).evalVersion, 1);
  t.ok(existsSync(db), '--db keeps the state in that file');
});

t.test('tapwatch eval: bad labels and options are one plain sentence', async (t) => {
  const dir = t.testdir();
  const s = buildScenario(dir);
  const variant = (name: string, change: (l: Record<string, unknown>) => void): string => {
    const l = JSON.parse(readFileSync(s.labelsFile, 'utf8')) as Record<string, unknown>;
    change(l);
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(l));
    return file;
  };
  writeFileSync(path.join(dir, 'bad-requests.jsonl'), '{"ts": 1}\n');
  const cases: [string, string[], number, RegExp][] = [
    ['wrong version', ['--labels', variant('v9.json', (l) => (l.version = 9))], 2, /labels version 9 is not one this tapwatch reads/],
    ['schema error', ['--labels', variant('schema.json', (l) => (l.seed = 'seven'))], 2, /seed: /],
    ['missing labels', ['--labels', path.join(dir, 'nope.json')], 2, /--labels .*nope\.json: cannot read it \(ENOENT\)/],
    ['missing pcap', ['--labels', variant('gone.json', (l) => (l.pcaps = ['part-0.pcap', 'gone.pcap']))], 1, /gone\.pcap cannot be read \(ENOENT\)/],
    ['bad request line', ['--labels', variant('badreq.json', (l) => (l.requestsFile = 'bad-requests.jsonl'))], 2, /bad-requests\.jsonl, line 1: /],
    ['not a capture', ['--labels', s.labelsFile, s.labelsFile], 1, /cannot open capture .*labels\.json/],
    ['bad format', ['--labels', s.labelsFile, '--format', 'xml'], 2, /--format xml: give table or json/],
    ['bad slack', ['--labels', s.labelsFile, '--slack-after', 'soon'], 2, /--slack-after soon: give seconds of at least 0/],
  ];
  for (const [what, args, code, message] of cases) {
    const run = runCli(['eval', ...args]);
    t.equal(run.code, code, `${what}: exit ${code}`);
    t.match(run.stderr, message, what);
    t.match(run.stderr, /^tapwatch: [^\n]+\n$/, `${what}: one line`);
    t.equal(run.stdout, '', `${what}: nothing on stdout`);
  }
});
