// What the inventory learned survives restarts: a real capture split on a flow boundary into A and
// B, replayed as `replay A` then `replay B` into one database, must store the same endpoint map —
// calls, learned parameters with their presence, status codes, clients, sampling state — as
// `replay A B` into a fresh one, and `tapwatch openapi export` must give the same document. A second
// capture is split by flows instead (its connections interleave): many endpoints, halves that overlap in time.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { jsonLines, runCli } from '../helpers/cli';
import { SHARED_PCAPS, needsSharedData } from '../helpers/shared-data';
import { readFrames, type CopiedFrame } from '../helpers/read-frames';
import { hasTcpdump } from '../helpers/tcpdump';
import { Counters } from '../../src/core/counters';
import { EndpointStore } from '../../src/inventory/endpoint-store';
import { BatchWriter } from '../../src/store/batch-writer';
import { openDatabase } from '../../src/store/database';
import { ALL_MIGRATIONS } from '../../src/daemon/migrations';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-inventory-restart-'));
// DVWA SQL-injection probes (zeek/zeek test trace): one endpoint called three times over separate
// connections, with query parameters, cookies and a session cookie; clean flow boundaries.
const dvwa = path.join(SHARED_PCAPS, 'zeek/Traces/http/cooper-grill-dvwa.pcapng');
// A browser loading espn.com (chrissanders/packets): 61 requests to 58 endpoints over interleaved connections.
const espn = path.join(SHARED_PCAPS, 'chrissanders-packets/http_espn.pcapng');

type Rows = Array<{ template: string; calls: number; stats: Record<string, unknown> }>;

const LINKTYPE_ETHERNET = 1;
const HTTP_REQUEST = /^(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) \//;

/** TCP/UDP 5-tuple (direction-free) and payload of an Ethernet frame; null for anything else. */
function flowOf(f: CopiedFrame): { key: string; payload: Buffer } | null {
  if (f.linkType !== LINKTYPE_ETHERNET) return null;
  const b = f.bytes;
  let off = 12;
  let etherType = b.readUInt16BE(off);
  while ((etherType === 0x8100 || etherType === 0x88a8) && b.length >= off + 6) {
    off += 4;
    etherType = b.readUInt16BE(off);
  }
  off += 2;
  let proto: number;
  let src: string;
  let dst: string;
  if (etherType === 0x0800 && b.length >= off + 20) {
    proto = b[off + 9]!;
    src = [...b.subarray(off + 12, off + 16)].join('.');
    dst = [...b.subarray(off + 16, off + 20)].join('.');
    off += (b[off]! & 0x0f) * 4;
  } else if (etherType === 0x86dd && b.length >= off + 40) {
    proto = b[off + 6]!;
    src = b.subarray(off + 8, off + 24).toString('hex');
    dst = b.subarray(off + 24, off + 40).toString('hex');
    off += 40;
  } else return null;
  if ((proto !== 6 && proto !== 17) || b.length < off + 8) return null;
  const a = `${src}:${b.readUInt16BE(off)}`;
  const z = `${dst}:${b.readUInt16BE(off + 2)}`;
  const payload = proto === 6 ? b.subarray(off + ((b[off + 12]! >> 4) * 4)) : b.subarray(off + 8);
  return { key: `${proto} ${a < z ? `${a} ${z}` : `${z} ${a}`}`, payload };
}

/**
 * The frame index to cut at: no flow has packets on both sides (so both halves reassemble), and
 * the HTTP requests are shared out as evenly as possible. Null when no such cut exists.
 */
function flowBoundaryCut(frames: readonly CopiedFrame[]): { cut: number; before: number; after: number } | null {
  const last = new Map<string, number>();
  frames.forEach((f, i) => {
    const flow = flowOf(f);
    if (flow) last.set(flow.key, i);
  });
  const requestsBefore: number[] = [0];
  let open = 0;
  let best: { cut: number; before: number; after: number } | null = null;
  const started = new Set<string>();
  const cuts: number[] = [];
  frames.forEach((f, i) => {
    const flow = flowOf(f);
    if (flow) {
      if (!started.has(flow.key)) {
        started.add(flow.key);
        if (last.get(flow.key)! > i) open++;
      } else if (last.get(flow.key) === i) open--;
    }
    requestsBefore.push(requestsBefore[i]! + (flow && HTTP_REQUEST.test(flow.payload.subarray(0, 16).toString('latin1')) ? 1 : 0));
    if (open === 0 && i + 1 < frames.length) cuts.push(i + 1);
  });
  const total = requestsBefore[frames.length]!;
  for (const cut of cuts) {
    const before = requestsBefore[cut]!;
    const candidate = { cut, before, after: total - before };
    if (Math.min(candidate.before, candidate.after) > Math.min(best?.before ?? 0, best?.after ?? 0)) best = candidate;
  }
  return best;
}

/** Classic pcap with nanosecond timestamps (magic a1b23c4d). */
function writePcap(file: string, frames: readonly CopiedFrame[], linkType: number, snaplen: number): void {
  const out: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b23c4d, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(snaplen, 16);
  gh.writeUInt32LE(linkType, 20);
  out.push(gh);
  for (const f of frames) {
    const ph = Buffer.alloc(16);
    ph.writeUInt32LE(f.tsSec, 0);
    ph.writeUInt32LE(f.tsNsec, 4);
    ph.writeUInt32LE(f.caplen, 8);
    ph.writeUInt32LE(f.wirelen, 12);
    out.push(ph, f.bytes);
  }
  writeFileSync(file, Buffer.concat(out));
}

function replay(db: string, config: string, ...files: string[]): Record<string, unknown>[] {
  const run = runCli(['replay', '--format', 'jsonl', '--no-stats', '--config', config, '--db', db, ...files]);
  if (run.code !== 0) throw new Error(`replay ${files.join(' ')}: ${run.stderr}`);
  return jsonLines(run.stdout);
}

function endpointsJson(db: string): Rows {
  const run = runCli(['endpoints', '--db', db, '--format', 'json']);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Rows;
}

/** The rows as stored, read in process (cheaper than another CLI run). */
function storedRows(file: string): Rows {
  const db = openDatabase(file, ALL_MIGRATIONS);
  try {
    return new EndpointStore(db, new BatchWriter(db, file, 100, new Counters())).list() as Rows;
  } finally {
    db.close();
  }
}

function exportJson(db: string): unknown {
  const run = runCli(['openapi', 'export', '--db', db, '--format', 'json', '--title', 'restart']);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as unknown;
}

const requestsOf = (records: Record<string, unknown>[]): string[] =>
  records.filter((r) => r['type'] === 'http' && r['method']).map((r) => `${String(r['method'])} ${String(r['uri'])}`);

/** `template direction location name present/of` of every learned parameter. */
const paramsOf = (rows: Rows): string[] =>
  rows.flatMap((r) =>
    ((r.stats['params'] ?? []) as Array<{ direction: string; location: string; name: string; present: number; of: number }>).map(
      (p) => `${r.template} ${p.direction} ${p.location} ${p.name} ${p.present}/${p.of}`,
    ),
  );

/**
 * Replays A then B into one database and A B into a fresh one with the same config; asserts the
 * stored maps, exports and events are the same. Returns the rows after A alone and at the end.
 */
async function compareRestart(t: Test, label: string, a: string, b: string, inventory: Record<string, number>, requests: number): Promise<{ afterA: Rows; got: Rows }> {
  const config = writeConfig(label, inventory);
  const restarted = path.join(tmp, `${label}-restarted.db`);
  const fresh = path.join(tmp, `${label}-fresh.db`);
  const fromA = replay(restarted, config, a);
  const afterA = storedRows(restarted);
  const fromB = replay(restarted, config, b);
  const both = replay(fresh, config, a, b);
  const whole = requestsOf(both);
  t.equal(whole.length, requests, `${label}: every request of the capture reassembled`);
  t.same([...requestsOf(fromA), ...requestsOf(fromB)], whole, `${label}: the halves carry the same requests`);
  const got = endpointsJson(restarted);
  const want = endpointsJson(fresh);
  t.same(paramsOf(got), paramsOf(want), `${label}: same learned parameters with the same presence`);
  const kept = paramsOf(got).map((p) => p.slice(0, p.lastIndexOf(' ') + 1));
  t.same(paramsOf(afterA).filter((p) => !kept.includes(p.slice(0, p.lastIndexOf(' ') + 1))), [], `${label}: nothing learned from A is lost`);
  // No field differs legitimately: every stored field (calls, time spans, stats, sampling state) is the same.
  t.same(got, want, `${label}: same endpoints, calls, time spans and stats`);
  t.same(exportJson(restarted), exportJson(fresh), `${label}: same OpenAPI export`);
  const inventoryEvents = (records: Record<string, unknown>[]): unknown[] => records.filter((r) => r['type'] === 'inventory');
  t.same([...inventoryEvents(fromA), ...inventoryEvents(fromB)], inventoryEvents(both), `${label}: same inventory events, none repeated after the restart`);
  return { afterA, got };
}

t.test('prefix cut on a flow boundary: replay A then B into one database equals replay A B', { skip: needsSharedData }, async (t) => {
  const { info, frames } = await readFrames(dvwa);
  const split = flowBoundaryCut(frames);
  if (!split) throw new Error('no flow boundary with HTTP requests on both sides');
  t.ok(split.before > 0 && split.after > 0, `cut at frame ${split.cut}: ${split.before} request(s) before, ${split.after} after`);
  const a = path.join(tmp, 'dvwa-a.pcap');
  const b = path.join(tmp, 'dvwa-b.pcap');
  if (hasTcpdump) {
    // the first half by an independent writer: tcpdump stops after N packets
    const cut = spawnSync('tcpdump', ['-r', dvwa, '-w', a, '-c', String(split.cut)], { encoding: 'utf8' });
    t.equal(cut.status, 0, `tcpdump -c wrote A: ${cut.stderr.trim()}`);
  } else writePcap(a, frames.slice(0, split.cut), info.linkType, info.snaplen);
  writePcap(b, frames.slice(split.cut), info.linkType, info.snaplen);
  t.equal((await readFrames(a)).frames.length, split.cut, 'A holds the frames before the cut');

  const variants: Array<[string, Record<string, number>]> = [
    ['defaults', {}],
    // every second call after the first only counted: sampled-out counts and sampling state cross the restart
    ['sampling', { fullAnalysisCalls: 1, sampleEvery: 2, stableAnalyses: 1, maxSampleEvery: 4 }],
  ];
  for (const [name, inventory] of variants) {
    const { afterA, got } = await compareRestart(t, `dvwa-${name}`, a, b, inventory, split.before + split.after);
    t.ok(
      afterA.some((r) => got.some((g) => g.template === r.template && g.calls > r.calls && paramsOf([r]).length > 0)),
      `${name}: an endpoint that learned parameters from A got more calls from B (the restart is not trivial)`,
    );
    if (name === 'sampling') {
      t.ok(got.some((r) => Number(r.stats['sampledOutCalls']) > 0), 'some calls were sampled out');
      t.equal(got.reduce((n, r) => n + r.calls, 0), split.before + split.after, 'analysed and sampled-out calls add up to every request');
    }
  }
});

t.test('split by flows (halves overlap in time): many endpoints, same map', { skip: needsSharedData }, async (t) => {
  const { info, frames } = await readFrames(espn);
  // flows in order of their first packet; the first half of them go to A, everything else to B
  const order: string[] = [];
  for (const f of frames) {
    const key = flowOf(f)?.key;
    if (key !== undefined && !order.includes(key)) order.push(key);
  }
  const inA = new Set(order.slice(0, Math.floor(order.length / 2)));
  const isA = (f: CopiedFrame): boolean => inA.has(flowOf(f)?.key ?? '');
  const a = path.join(tmp, 'espn-a.pcap');
  const b = path.join(tmp, 'espn-b.pcap');
  writePcap(a, frames.filter(isA), info.linkType, info.snaplen);
  writePcap(b, frames.filter((f) => !isA(f)), info.linkType, info.snaplen);
  const requests = frames.filter((f) => HTTP_REQUEST.test(flowOf(f)?.payload.subarray(0, 16).toString('latin1') ?? '')).length;
  const { afterA, got } = await compareRestart(t, 'espn', a, b, {}, requests);
  t.ok(afterA.length > 0 && got.length > afterA.length, `${afterA.length} endpoints after A, ${got.length} after B`);
  t.ok(paramsOf(got).length > paramsOf(afterA).length, 'B taught parameters of its own');
});

function writeConfig(name: string, inventory: Record<string, number>): string {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, stringify({ inventory }));
  return file;
}

