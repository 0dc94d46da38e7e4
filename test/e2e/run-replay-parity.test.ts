// `run` and `replay` go through the one composition root (daemon/pipeline.ts): a capture replayed
// from the file, and the same frames sent into a veth pair that the daemon captures live, give the
// same endpoint map (templates, calls, spec status) and the same alerts. The capture is the Petstore
// server and its independent Python client of the spec tests, with the published spec configured;
// the frames are sent by a stdlib AF_PACKET sender (test/fixtures/pcap_send.py), as tcpreplay would.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { listEndpoints, runCli } from '../helpers/cli';
import { CLI, REPO } from '../helpers/paths';
import { freePort, stopProcess, waitForText } from '../helpers/processes';
import { hasTcpdump } from '../helpers/tcpdump';

const isRoot = process.getuid?.() === 0;
const hasPython = spawnSync('python3', ['--version']).status === 0;
const skip = !isRoot ? 'needs root to capture on lo' : !hasTcpdump ? 'needs tcpdump' : !hasPython ? 'needs python3' : false;

t.test('run and replay of the same capture store the same map and alerts', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-parity-'));
  // the traffic: the Petstore server and its independent client on lo, recorded by tcpdump
  const [pet, other] = [await freePort(), await freePort()];
  const pcap = path.join(dir, 'petstore.pcap');
  const dump = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-n', '-w', pcap, `tcp port ${pet} or tcp port ${other}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const servers = [
    spawn('python3', [path.join(REPO, 'test/fixtures/petstore_server.py'), String(pet)], { stdio: ['ignore', 'pipe', 'inherit'] }),
    spawn('python3', [path.join(REPO, 'test/fixtures/petstore_server.py'), String(other), '--unrelated'], { stdio: ['ignore', 'pipe', 'inherit'] }),
  ];
  try {
    await Promise.all([waitForText(dump, 'stderr', 'listening on'), ...servers.map((s) => waitForText(s, 'stdout', 'ready'))]);
    const client = spawnSync('python3', [path.join(REPO, 'test/fixtures/petstore_client.py'), String(pet), String(other), '11'], { encoding: 'utf8', timeout: 60000 });
    t.equal(client.status, 0, 'the client ran');
  } finally {
    await Promise.all(servers.map((s) => stopProcess(s)));
    await new Promise((r) => setTimeout(r, 500));
    await stopProcess(dump, 'SIGINT');
  }

  // replay: the file through the pipeline
  const spec = path.join(REPO, 'test/fixtures/openapi/petstore-v3.yaml');
  const config = (iface: string): string => {
    const file = path.join(dir, `${iface || 'replay'}.yaml`);
    writeFileSync(file, stringify({ capture: { interface: iface, immediate: true }, inventory: { specs: [spec] }, api: { listen: { host: '127.0.0.1', port: 0 } } }));
    return file;
  };
  const replayDb = path.join(dir, 'replay.db');
  const replayed = runCli(['replay', pcap, '--config', config(''), '--db', replayDb, '--format', 'jsonl', '--no-http-records']);
  t.equal(replayed.code, 0, replayed.stderr);

  // run: the same frames sent, paced, into a veth pair whose far end the daemon captures, as a mirror port
  const [a, b] = [`twpar${process.pid % 1000}a`, `twpar${process.pid % 1000}b`];
  const ip = (...args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  };
  ip('link', 'add', a, 'mtu', '65535', 'type', 'veth', 'peer', 'name', b, 'mtu', '65535');
  t.teardown(() => void spawnSync('ip', ['link', 'del', a]));
  ip('link', 'set', a, 'up');
  ip('link', 'set', b, 'up');
  const liveDb = path.join(dir, 'live.db');
  const daemon = spawn(process.execPath, [CLI, 'run', '--config', config(b), '--db', liveDb], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForText(daemon, 'stdout', 'capture started');
  const sent = spawnSync('python3', [path.join(REPO, 'test/fixtures/pcap_send.py'), pcap, a, '3000'], { encoding: 'utf8', timeout: 60000 });
  t.equal(sent.status, 0, sent.stderr);
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(await stopProcess(daemon), 0, 'the daemon stopped cleanly');

  const map = (db: string): string[] => listEndpoints(db).map((r) => `${r.specStatus} ${r.method} ${r.host}${r.template} ${r.calls}`).sort();
  const live = map(liveDb);
  t.ok(live.length > 10, 'the daemon mapped the traffic');
  t.same(live, map(replayDb), 'the same endpoints, calls and spec status');
  const alerts = (db: string): string[] => {
    const r = runCli(['alerts', '--db', db, '--format', 'json']);
    return (JSON.parse(r.stdout) as { type: string; endpoint?: { method: string; host: string; template: string }; count: number }[])
      .map((x) => `${x.type} ${x.endpoint ? `${x.endpoint.method} ${x.endpoint.host}${x.endpoint.template}` : '-'} ${x.count}`)
      .sort();
  };
  const liveAlerts = alerts(liveDb);
  t.ok(liveAlerts.length > 0, 'the daemon raised alerts');
  t.same(liveAlerts, alerts(replayDb), 'the same alerts');
});
