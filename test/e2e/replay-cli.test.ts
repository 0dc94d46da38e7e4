// `tapwatch replay` as a user runs it: bundled default capture, jsonl records, stdin, several files,
// unreadable inputs and bad configs giving clear errors and exit codes.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonLines, listEndpoints, runCli } from '../helpers/cli';
import { TRACES } from '../helpers/paths';
import { hasTcpdump, tcpdumpCount } from '../helpers/tcpdump';
import { writeHttpPcap } from '../helpers/pcap-writer';
import { MAX_SUMMARY_ENDPOINTS } from '../../src/cli/replay-summary';
import { firstRunCaptures } from '../../src/cli/first-run';
import { execFileSync } from 'node:child_process';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-cli-'));
const docker = path.join(TRACES, 'docker-http-upgrade.pcap');
const vxlan = path.join(TRACES, 'vxlan-encapsulated-http.pcap');

function statsOf(stdout: string): Record<string, unknown> {
  const rec = jsonLines(stdout).find((r) => r['type'] === 'stats');
  if (!rec) throw new Error(`no stats record in: ${stdout.slice(0, 500)}`);
  return rec;
}

t.test('no file: replays the bundled first-run scenario and prints a readable summary', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const run = runCli(['replay']);
  t.equal(run.code, 0, run.stderr);
  // tcpdump reads gzip only from stdin: the independent count of the scenario's packets
  const packets = firstRunCaptures()
    .map((f) => Number(/(\d+) packets?/.exec(execFileSync('sh', ['-c', `gzip -dc '${f}' | tcpdump -n -r - --count 2>&1`], { encoding: 'utf8' }))?.[1]))
    .reduce((a, b) => a + b, 0);
  t.ok(packets > 0);
  t.match(run.stdout, new RegExp(`packets:\\s+${packets} `));
  t.match(run.stdout, /layers:/);
  t.match(run.stdout, /tcp\s+\d+/);
  const jsonl = runCli(['replay', '--format', 'jsonl', '--no-stats']);
  t.ok(jsonLines(jsonl.stdout).filter((r) => r['type'] === 'http').length > 1000, 'jsonl prints the transactions of the scenario');
  const printed = runCli(['replay', '--http-records']);
  t.ok((printed.stdout.match(/^ALERT /gm) ?? []).length > 0, '--http-records prints transactions and live alert lines');
});

t.test('jsonl: stats record with per-layer counts and tunnel ids', async (t) => {
  const run = runCli(['replay', '--format', 'jsonl', vxlan]);
  t.equal(run.code, 0, run.stderr);
  const stats = statsOf(run.stdout);
  const layers = stats['layers'] as Record<string, number>;
  t.ok((layers['vxlan'] ?? 0) > 0, 'VXLAN layer counted');
  t.ok((stats['tunnelIds'] as string[]).some((id) => id.startsWith('vxlan:')), 'VNI listed');
  t.equal(stats['packets'], (stats['decoded'] as number) + (stats['skipped'] as number) + (stats['fragmentsHeld'] as number));
});

t.test('--packets prints one record per packet with the inner 5-tuple', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const run = runCli(['replay', '--format', 'jsonl', '--packets', vxlan]);
  t.equal(run.code, 0, run.stderr);
  const packets = jsonLines(run.stdout).filter((r) => r['type'] === 'packet');
  t.equal(packets.length, tcpdumpCount(vxlan));
  const inner = packets.filter((p) => Array.isArray(p['tunnels']) && p['proto'] === 'tcp');
  t.ok(inner.length > 0, 'TCP inside VXLAN decoded');
  for (const p of inner) t.match(p['src'], /^\d+\.\d+\.\d+\.\d+:\d+$/);
});

t.test('several files go through one pipeline in order; stdin works', async (t) => {
  const both = statsOf(runCli(['replay', '--format', 'jsonl', docker, vxlan]).stdout);
  const a = statsOf(runCli(['replay', '--format', 'jsonl', docker]).stdout);
  const b = statsOf(runCli(['replay', '--format', 'jsonl', vxlan]).stdout);
  t.equal(both['packets'], (a['packets'] as number) + (b['packets'] as number));
  const viaStdin = runCli(['replay', '--format', 'jsonl', '-'], readFileSync(docker));
  t.equal(viaStdin.code, 0, viaStdin.stderr);
  t.equal(statsOf(viaStdin.stdout)['packets'], a['packets']);
});

t.test('a file that cannot be opened: error record, exit 1, other files still replayed', async (t) => {
  const garbage = path.join(tmp, 'garbage.pcap');
  writeFileSync(garbage, 'not a capture\n'.repeat(20));
  const run = runCli(['replay', '--format', 'jsonl', garbage, docker]);
  t.equal(run.code, 1);
  const recs = jsonLines(run.stdout);
  t.ok(recs.some((r) => r['type'] === 'anomaly' && r['name'] === 'capture.open_error' && r['file'] === garbage));
  t.ok((statsOf(run.stdout)['packets'] as number) > 0, 'the good file was replayed');
  t.same(errorLines(run.stderr), [run.stderr.trim()], 'one line');
  t.match(run.stderr, new RegExp(`^tapwatch: cannot open capture ${garbage.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}: .*; give a pcap`));
});

/** stderr as lines; a pino JSON line would start with '{'. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

t.test('bad usage is one plain line and exit 2', async (t) => {
  const cases: { args: string[]; names: RegExp }[] = [
    { args: ['replay', '--format', 'xml', docker], names: /--format xml/ },
    { args: ['replay', '--batch-bytes', 'abc', docker], names: /--batch-bytes abc/ },
    { args: ['replay', '--batch-bytes', '100', docker], names: /--batch-bytes/ },
    // the filter is the same for every file: said once, not once per file
    { args: ['replay', '--filter', 'tcp and (', docker, vxlan], names: /--filter: bad filter 'tcp and \('/ },
    { args: ['alerts', '--db', docker, '--limit', '0'], names: /--limit 0/ },
    { args: ['feedback', 'x', '--verdict', 'false-positive', '--suppress-for', 'soon', '--db', docker], names: /--suppress-for soon/ },
    { args: ['replay', '--no-such-option'], names: /unknown option '--no-such-option'/ },
  ];
  for (const c of cases) {
    const run = runCli(c.args);
    t.equal(run.code, 2, c.args.join(' '));
    const lines = errorLines(run.stderr);
    t.equal(lines.length, 1, `one line: ${run.stderr}`);
    t.notOk(lines[0]?.startsWith('{'), 'not a JSON log line');
    t.match(lines[0], c.names);
    t.notMatch(run.stdout, /packets:/, 'nothing replayed');
  }
});

/** The rows of the text output's endpoint map: HOST METHOD TEMPLATE CALLS SPEC STATUS. */
function endpointMapRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => /^endpoint map: \d+ endpoint\(s\)$/.test(l));
  if (start < 0) throw new Error(`no endpoint map in: ${stdout.slice(0, 500)}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('  ') || line.startsWith('  ... ')) break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

t.test('text output ends with the endpoint map and an alert summary, then the counters', async (t) => {
  const db = path.join(tmp, 'summary.db');
  const run = runCli(['replay', '--db', db, docker]);
  t.equal(run.code, 0, run.stderr);
  const listed = listEndpoints(db).map((r) => [r.host, r.method, r.template, String(r.calls), r.specStatus]);
  const sortKey = (r: string[]): string => r.slice(0, 3).join(' ');
  t.same(endpointMapRows(run.stdout).sort((a, b) => sortKey(a).localeCompare(sortKey(b))), listed.sort((a, b) => sortKey(a).localeCompare(sortKey(b))), 'the map printed is the map stored');
  const stored = JSON.parse(runCli(['alerts', '--db', db, '--format', 'json']).stdout) as unknown[];
  t.equal(stored.length, 0, 'the sample raises no alert');
  t.match(run.stdout, /^alerts: none$/m);
  const order = ['endpoint map:', 'alerts:', 'packets:'].map((s) => run.stdout.indexOf(s));
  t.ok(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] as number))), 'map, alerts, then counters');
  const jsonl = runCli(['replay', '--format', 'jsonl', docker]);
  t.notMatch(jsonl.stdout, /endpoint map|alerts: none/, 'jsonl unchanged');
});

t.test('the endpoint map in the text output is bounded: the most-called first, the rest counted', async (t) => {
  // one endpoint per host (distinct domains, so no tenant folding); the first hosts are called twice
  const hosts = Array.from({ length: MAX_SUMMARY_ENDPOINTS + 5 }, (_, i) => `svc${i}.example${i}.org`);
  const busy = hosts.slice(0, MAX_SUMMARY_ENDPOINTS);
  const exchanges = [...hosts, ...busy].map((host) => ({
    client: '10.2.0.7',
    server: '10.2.0.1',
    serverPort: 80,
    request: `GET /status HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  }));
  const pcap = path.join(tmp, 'many-hosts.pcap');
  writeHttpPcap(pcap, exchanges);
  const run = runCli(['replay', '--no-http-records', pcap]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, new RegExp(`^endpoint map: ${hosts.length} endpoint\\(s\\)$`, 'm'));
  const rows = endpointMapRows(run.stdout);
  t.same(rows.map((r) => r[0]).sort(), [...busy].sort(), 'the most-called endpoints are listed');
  t.ok(rows.every((r) => r[3] === '2'));
  t.match(run.stdout, /^ {2}\.\.\. and 5 more \(replay with --db FILE, then tapwatch endpoints --db FILE\)$/m);
});

t.test('a truncated file keeps its packets and reports the damage', async (t) => {
  const whole = readFileSync(docker);
  const cut = path.join(tmp, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 7));
  const run = runCli(['replay', '--format', 'jsonl', cut]);
  t.equal(run.code, 0);
  t.ok(jsonLines(run.stdout).some((r) => r['type'] === 'anomaly' && r['name'] === 'capture.read_error'));
  t.ok((statsOf(run.stdout)['packets'] as number) > 0);
});

t.test('bad configs are rejected with the option path', async (t) => {
  const bad = path.join(tmp, 'bad.yaml');
  writeFileSync(bad, 'decode:\n  maxVlanTags: 99\n  nosuchoption: 1\n');
  const run = runCli(['replay', '--config', bad, docker]);
  t.equal(run.code, 2);
  t.match(run.stderr, /decode\.maxVlanTags/);
  t.match(run.stderr, /nosuchoption/);
  const notYaml = path.join(tmp, 'broken.yaml');
  writeFileSync(notYaml, 'capture: [unclosed\n');
  t.match(runCli(['replay', '--config', notYaml]).stderr, /not valid YAML/);
  t.match(runCli(['replay', '--config', path.join(tmp, 'missing.yaml')]).stderr, /cannot read config/);
  t.equal(runCli(['replay', '--format', 'xml', docker]).code, 2);
  const ok = path.join(tmp, 'ok.yaml');
  writeFileSync(ok, 'decode:\n  vxlanPorts: [4789]\ncapture:\n  filter: "udp"\n');
  const filtered = statsOf(runCli(['replay', '--config', ok, '--format', 'jsonl', vxlan]).stdout);
  t.ok((filtered['packets'] as number) > 0, 'config filter applied, VXLAN (UDP) kept');
});
