// `tapwatch limits` through the CLI: three working days of one Basic-auth client's traffic replayed
// into a state database (one capture per 10-minute window, its busiest minute 14–20 requests), then
// the limits listed as a table and as JSON; a second replay (a new process: the limits come back
// from the database) with a minute over the limit raises a rate-limit alert that recommends a
// throttle at it. No credential in the output; the command's errors.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-limits-'));
/** Monday 2024-01-01 00:00 UTC. */
const MONDAY = 1_704_067_200;
const DAY = 86400;
const PASSWORD = 'correct-horse-battery';
const AUTH = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

interface LimitJson {
  identity: string;
  host: string;
  method: string;
  template: string;
  band: string;
  limitPerMinute: number;
  confidence: number;
  peaks: number;
  p99PeakPerMinute: number;
  lastSeen: number;
}

function exchanges(n: number, from: number): HttpExchange[] {
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify({ id: from + i, name: `item ${from + i}` });
    return {
      client: '10.1.0.7',
      server: '10.2.0.1',
      serverPort: 80,
      request: `GET /api/items/${from + i} HTTP/1.1\r\nHost: api.test\r\nAuthorization: ${AUTH}\r\nUser-Agent: shop-app/2.1\r\n\r\n`,
      response: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    };
  });
}

/** One capture of `n` requests starting at `start` (all within a second of it). */
function capture(name: string, start: number, n: number): string {
  const file = path.join(tmp, name);
  writeHttpPcap(file, exchanges(n, 1000 + (start % 100000)), start);
  return file;
}

/** Mon–Wed, 12 windows a day from 09:00, 20 minutes apart: their busiest minutes 14, 20, 17, 20 … */
const history: string[] = [];
for (let d = 0; d < 3; d++) {
  for (let w = 0; w < 12; w++) history.push(capture(`d${d}-w${String(w).padStart(2, '0')}.pcap`, MONDAY + d * DAY + 9 * 3600 + w * 1200, [14, 20, 17, 20][w % 4] as number));
}

const db = path.join(tmp, 'state.db');

function limits(args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  return runCli(['limits', '--db', db, ...args]);
}

t.test('replay --db learns the limits; limits lists them as JSON and as a table', async (t) => {
  const run = runCli(['replay', '--format', 'jsonl', '--no-http-records', '--db', db, ...history]);
  t.equal(run.code, 0, run.stderr);
  const json = limits(['--format', 'json']);
  t.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as LimitJson[];
  t.ok(Array.isArray(rows));
  const alice = rows.filter((r) => r.identity === 'user:alice');
  t.same(
    alice.map((r) => r.band),
    ['weekday-day', 'any'],
    'working hours only: its band and the pooled one',
  );
  const day = alice[0] as LimitJson;
  t.match(day, { host: 'api.test', method: 'GET', template: /^\/api\/items\/\{/ });
  // 35 of the 36 windows ended (the last one is open until a later request shows it ended)
  t.same([day.limitPerMinute, day.p99PeakPerMinute, day.peaks], [30, 20, 35], 'p99 of the peaks 20/min × 1.5');
  t.ok(day.confidence > 0.7 && day.confidence < 0.8, `confidence ${day.confidence} from 35 windows over 3 days`);
  t.equal(day.lastSeen >= MONDAY + 2 * DAY + 12 * 3600 + 2400, true, 'last seen Wednesday afternoon');

  const text = limits();
  t.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  t.match(lines[0], /^IDENTITY\s+ENDPOINT\s+BAND\s+LIMIT\/MIN\s+CONFIDENCE\s+PEAKS/);
  t.ok(
    lines.some((l) => /^user:alice\s+GET api\.test\/api\/items\/\{\S+\}\s+weekday-day\s+30\s+0\.7\d\s+35\s/.test(l)),
    'a row per band',
  );
  t.notMatch(text.stdout + json.stdout, PASSWORD, 'no credential in the output');
  t.notMatch(text.stdout + json.stdout, AUTH.slice(6), 'no credential in the output');

  const confident = limits(['--min-confidence', '0.9']);
  t.equal(confident.code, 0);
  t.match(confident.stdout, /no limit with confidence of at least 0\.9/);
});

t.test('a restarted sensor enforces the stored limit: a minute over it is a rate-limit alert', async (t) => {
  const thursday = capture('thursday.pcap', MONDAY + 3 * DAY + 10 * 3600, 45);
  const run = runCli(['replay', '--format', 'jsonl', '--no-http-records', '--db', db, thursday]);
  t.equal(run.code, 0, run.stderr);
  const alerts = runCli(['alerts', '--db', db, '--type', 'rate-limit', '--format', 'json']);
  t.equal(alerts.code, 0, alerts.stderr);
  const list = JSON.parse(alerts.stdout) as { detector: string; identity?: string; recommendation: { action: string; limitPerMinute?: number }; explanation: { summary: string } }[];
  t.equal(list.length, 1);
  t.match(list[0], { detector: 'rate-limit', identity: 'user:alice', recommendation: { action: 'throttle', limitPerMinute: 30 } });
  t.match(list[0]?.explanation.summary, /45 times in one minute, over the limit of 30\/min/);
  const rows = JSON.parse(limits(['--format', 'json']).stdout) as LimitJson[];
  t.equal(rows.find((r) => r.band === 'weekday-day')?.peaks, 36, 'the window left open by the first run was learned');
});

t.test('errors: no database, a bad format or confidence', async (t) => {
  const missing = runCli(['limits', '--db', path.join(tmp, 'none', 'state.db')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no database at/);
  const format = limits(['--format', 'xml']);
  t.equal(format.code, 2);
  t.match(format.stderr, /--format xml: give text or json/);
  const confidence = limits(['--min-confidence', '2']);
  t.equal(confidence.code, 2);
  t.match(confidence.stderr, /--min-confidence 2: give a number from 0 to 1/);
});

t.test('an empty database says how to fill it', async (t) => {
  const empty = path.join(tmp, 'empty.db');
  t.equal(runCli(['replay', '--format', 'jsonl', '--db', empty, capture('one.pcap', MONDAY, 1)]).code, 0);
  const run = runCli(['limits', '--db', empty]);
  t.equal(run.code, 0);
  t.match(run.stdout, /no rate limits learned yet/);
});
