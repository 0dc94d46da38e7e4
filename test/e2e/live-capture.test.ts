// Live capture on the loopback interface through the real addon (CI runs as root): a real HTTP
// server and client on 127.0.0.1, a BPF filter on the server port, the Sensor pipeline decoding.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveSource } from '../../src/capture/live-source';
import { buildConfig } from '../../src/config/load';
import { Sensor } from '../../src/daemon/sensor';
import { DecodeStatus, Transport } from '../../src/decode/types';
import { getJson, startServer } from '../helpers/http-load';
import { CLI } from '../helpers/paths';

const isRoot = process.getuid?.() === 0;
const REQUESTS = 20;

function liveSource(iface: string, filter: string): LiveSource {
  return new LiveSource(iface, {
    snaplen: 65535,
    promisc: false,
    bufferSize: 4 << 20,
    timeoutMs: 50,
    immediate: true,
    filter,
    batchBytes: 1 << 20,
  });
}

t.test('captures real HTTP traffic on lo with a BPF filter', { skip: !isRoot && 'needs root' }, async (t) => {
  const server = await startServer();
  const sensor = new Sensor(buildConfig({}));
  const ports = new Set<number>();
  let tcpWithPayload = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  sensor.observe((pkt, status) => {
    if (status !== DecodeStatus.Ok || pkt.transport !== Transport.Tcp) return;
    ports.add(pkt.srcPort).add(pkt.dstPort);
    if (pkt.payloadLength > 0) tcpWithPayload++;
    const ts = pkt.tsSec + pkt.tsNsec / 1e9;
    minTs = Math.min(minTs, ts);
    maxTs = Math.max(maxTs, ts);
  });
  const source = liveSource('lo', `tcp port ${server.port}`);
  const info = source.open();
  t.ok(info.linkType === 1 || info.linkType === 113 || info.linkType === 276, `loopback link type ${info.linkTypeName}`);
  const done = sensor.runSource(source);
  const before = Date.now() / 1000;
  for (let i = 0; i < REQUESTS; i++) t.equal(await getJson(server.port, `/items/${i}`), 200);
  // Unrelated loopback traffic that the filter must keep out.
  const other = await startServer();
  await getJson(other.port, '/not-captured');
  await other.close();
  const after = Date.now() / 1000;
  const deadline = Date.now() + 5000;
  while (tcpWithPayload < REQUESTS * 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const stats = source.stats();
  source.stop();
  const result = await done;
  await server.close();

  t.ok(tcpWithPayload >= REQUESTS * 2, `every request and response seen (${tcpWithPayload} data segments)`);
  t.ok(ports.has(server.port), 'server port decoded');
  t.notOk(ports.has(other.port), 'BPF filter kept other traffic out');
  t.ok(minTs >= before - 1 && maxTs <= after + 1, `packet timestamps within the test's wall-clock window`);
  t.ok(stats && stats.received >= result.packets, `pcap_stats received ${stats?.received} >= delivered ${result.packets}`);
  t.equal(stats?.droppedKernel, 0, 'no kernel drops at this rate');
  t.equal(result.packets, sensor.summary.packets);
  t.notOk(result.error);
});

t.test('no such device is a typed error', { skip: !isRoot && 'needs root' }, async (t) => {
  t.throws(() => liveSource('tapwatch-no-such-if0', '').open(), { name: 'CaptureError', code: 'ERR_PCAP_NO_SUCH_DEVICE' });
});

t.test('bad live filter is a typed error', { skip: !isRoot && 'needs root' }, async (t) => {
  t.throws(() => liveSource('lo', 'port notaport').open(), { code: 'ERR_PCAP_FILTER' });
});

t.test('`tapwatch run` exits cleanly on SIGTERM and logs final stats', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-run-'));
  const db = path.join(dir, 'state.db');
  const cfg = path.join(dir, 'tapwatch.yaml');
  writeFileSync(cfg, 'api:\n  listen: { port: 0 }\n'); // any free port: tests run in parallel
  const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--iface', 'lo', '--filter', 'tcp port 9', '--immediate', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10000);
    child.stdout.on('data', () => {
      if (out.includes('capture started')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  t.ok(started, 'capture started');
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 0, 'exit code 0 after SIGTERM');
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.ok(lines.some((l) => l['msg'] === 'stopping' && l['reason'] === 'SIGTERM'));
  const final = lines.find((l) => l['msg'] === 'capture stopped');
  t.ok(final && typeof final['pcap'] === 'object', 'final stats include pcap_stats');
  t.ok(lines.some((l) => l['msg'] === 'state and alerting ready' && l['db'] === db), 'state database opened at --db');
});

t.test('`tapwatch run` without an interface explains what is missing', async (t) => {
  const child = spawn(process.execPath, [CLI, 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // a plain line on stderr: the daemon is not up, so no JSON log
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 2);
  t.match(out, /no interface/);
});
