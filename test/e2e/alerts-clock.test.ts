// `tapwatch alerts --since` on both clocks an alert carries: packet time (when the traffic was seen;
// a replay of an old capture is old) and wall time (when the alert was stored). The README's
// `--since 24h` must find the alerts of a replayed capture. Also the alert summary that ends
// replay's text output, checked against what `alerts` lists.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-alerts-clock-'));
const DAY = 86400;
/** 2020-09-13: long before any wall clock this test runs at. */
const OLD = 1_600_000_000;

function cardResponse(uri: string): HttpExchange {
  const body = JSON.stringify({ rows: [{ card: '4111 1111 1111 1111' }] });
  return {
    client: '10.9.0.7',
    server: '10.9.0.1',
    serverPort: 8080,
    request: `GET ${uri} HTTP/1.1\r\nHost: billing.example:8080\r\n\r\n`,
    response: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  };
}

interface AlertJson {
  id: string;
  detector: string;
  severity: string;
  lastSeen: number;
  endpoint?: { template: string };
}

function listAlerts(db: string, ...extra: string[]): AlertJson[] {
  const run = runCli(['alerts', '--db', db, '--format', 'json', ...extra]);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as AlertJson[];
}

const templates = (alerts: AlertJson[]): string[] => alerts.map((a) => a.endpoint?.template ?? '-').sort();

const early = path.join(tmp, 'early.pcap');
const late = path.join(tmp, 'late.pcap');
writeHttpPcap(early, [cardResponse('/export/early')], OLD);
writeHttpPcap(late, [cardResponse('/export/late')], OLD + 3 * DAY);

t.test('--since on the packet clock (default) and on the wall clock, after replaying an old capture', async (t) => {
  const db = path.join(tmp, 'clock.db');
  t.equal(runCli(['replay', '--db', db, early, late]).code, 0);
  const all = listAlerts(db);
  t.same(templates(all), ['/export/early', '/export/late'], 'one alert per exposed endpoint');
  t.ok(all.every((a) => a.lastSeen < OLD + 4 * DAY), 'alerts carry packet time');

  // packet clock: a span counts back from the newest traffic stored, three days after the early one
  t.same(templates(listAlerts(db, '--since', '24h')), ['/export/late'], 'the README example finds the replayed alert');
  t.same(templates(listAlerts(db, '--since', '24h', '--clock', 'packet')), ['/export/late']);
  t.same(templates(listAlerts(db, '--since', '5d')), ['/export/early', '/export/late']);
  t.same(templates(listAlerts(db, '--since', new Date((OLD + DAY) * 1000).toISOString())), ['/export/late'], 'an ISO time on the packet clock');
  // wall clock: both were stored moments ago
  t.same(templates(listAlerts(db, '--since', '24h', '--clock', 'wall')), ['/export/early', '/export/late']);
  t.same(listAlerts(db, '--since', new Date(Date.now() + 3600_000).toISOString(), '--clock', 'wall'), [], 'nothing stored in the future');

  const table = runCli(['alerts', '--db', db, '--since', '24h']);
  t.equal(table.code, 0, table.stderr);
  const header = table.stdout.split('\n')[0] ?? '';
  t.match(header, /^# alerts since \S+ \(24h before the newest traffic stored, \S+\); times are packet time/, 'the header says which clock');
  t.match(header, /--clock wall/, 'and how to get the other one');
  t.match(runCli(['alerts', '--db', db, '--clock', 'wall']).stdout.split('\n')[0], /wall-clock time/);

  const bad = runCli(['alerts', '--db', db, '--clock', 'sundial']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^tapwatch: --clock sundial: give packet .* or wall/);
});

t.test('the alert report of replay text output counts what the store holds', async (t) => {
  const db = path.join(tmp, 'summary.db');
  const run = runCli(['replay', '--db', db, early, late]);
  t.equal(run.code, 0, run.stderr);
  const stored = listAlerts(db);
  t.ok(stored.length > 0);
  t.match(run.stdout, new RegExp(`^alerts: ${stored.length} \\(`, 'm'));
  const bySeverity = new Map<string, number>();
  for (const a of stored) bySeverity.set(a.severity, (bySeverity.get(a.severity) ?? 0) + 1);
  for (const [severity, count] of bySeverity) t.match(run.stdout, new RegExp(`^${severity.toUpperCase()} \\(${count}\\)$`, 'm'), `${severity} section`);
  // every stored alert is shown in full (fewer than the report's per-severity limit here), by its id
  for (const a of stored) t.match(run.stdout, new RegExp(`; id ${a.id}$`, 'm'), `${a.id} shown`);
});
