// `tapwatch replay` as a user runs it: bundled default capture, jsonl records, stdin, several files,
// unreadable inputs and bad configs giving clear errors and exit codes.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonLines, runCli } from '../helpers/cli';
import { TRACES } from '../helpers/paths';
import { hasTcpdump, tcpdumpCount } from '../helpers/tcpdump';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-cli-'));
const docker = path.join(TRACES, 'docker-http-upgrade.pcap');
const vxlan = path.join(TRACES, 'vxlan-encapsulated-http.pcap');

function statsOf(stdout: string): Record<string, unknown> {
  const rec = jsonLines(stdout).find((r) => r['type'] === 'stats');
  if (!rec) throw new Error(`no stats record in: ${stdout.slice(0, 500)}`);
  return rec;
}

t.test('no file: replays the bundled sample and prints a readable summary', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const run = runCli(['replay']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, new RegExp(`packets:\\s+${tcpdumpCount(docker)} `));
  t.match(run.stdout, /layers:/);
  t.match(run.stdout, /tcp\s+\d+/);
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
  t.match(run.stderr, /cannot open capture/);
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
