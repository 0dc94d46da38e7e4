// Drives HttpAnalyzer with synthetic flows: request and response byte streams, gaps at given offsets,
// cut into pieces at chosen positions. No capture or reassembly involved.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpSchema, type HttpConfig } from '../../src/config/schema';
import { Counters } from '../../src/core/counters';
import { HttpAnalyzer } from '../../src/http/analyzer';
import type { HttpTransaction } from '../../src/http/types';
import type { Direction, FlowInfo } from '../../src/reassembly/types';

export interface Gap {
  at: number;
  len: number;
}

export interface FlowSpec {
  id?: string;
  ipVersion?: 4 | 6;
  origIp?: string;
  origPort?: number;
  respIp?: string;
  respPort?: number;
  vlanIds?: number[];
  tunnels?: string[];
}

export function makeFlow(spec: FlowSpec = {}): FlowInfo {
  return {
    id: spec.id ?? 'Ftest1',
    ipVersion: spec.ipVersion ?? 4,
    origIp: spec.origIp ?? '10.0.0.1',
    origPort: spec.origPort ?? 40000,
    respIp: spec.respIp ?? '10.0.0.2',
    respPort: spec.respPort ?? 80,
    vlanIds: spec.vlanIds ?? [],
    tunnels: spec.tunnels ?? [],
    sawSyn: true,
    firstTs: 1000,
    app: undefined,
  };
}

export function makeConfig(overrides: Partial<HttpConfig> = {}): HttpConfig {
  return httpSchema.parse(overrides);
}

/** One direction's event list: data pieces and gaps, in stream order. */
export type StreamEvent = { kind: 'data'; bytes: Uint8Array } | { kind: 'gap'; len: number };

/** Cuts `stream` into events: bytes in `gaps` are removed (reported as gaps), data also cut at `cuts`. */
export function streamEvents(stream: Uint8Array, gaps: readonly Gap[] = [], cuts: readonly number[] = []): StreamEvent[] {
  const bounds = new Set<number>([0, stream.length]);
  for (const c of cuts) if (c > 0 && c < stream.length) bounds.add(c);
  for (const g of gaps) {
    bounds.add(g.at);
    bounds.add(Math.min(stream.length, g.at + g.len));
  }
  const points = [...bounds].sort((a, b) => a - b);
  const out: StreamEvent[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const gap = gaps.find((g) => a >= g.at && a < g.at + g.len);
    if (gap) {
      const last = out[out.length - 1];
      if (last && last.kind === 'gap' && gap.at < a) last.len += b - a;
      else out.push({ kind: 'gap', len: b - a });
    } else {
      // Copy into a larger buffer at an offset so start/offset handling is exercised.
      const backing = new Uint8Array(b - a + 7);
      backing.set(stream.subarray(a, b), 3);
      out.push({ kind: 'data', bytes: backing.subarray(3, 3 + (b - a)) });
    }
  }
  return out;
}

export interface RunResult {
  txs: HttpTransaction[];
  counters: Counters;
  /** onData returned false at some point (flow dropped by the analyzer). */
  stopped: boolean;
}

export const REQ_TS = 1000.5;
export const RESP_TS = 1000.75;

/**
 * Feeds all request-direction events, then all response-direction events (the order a client that waits
 * for nothing would produce), then ends both directions and closes the flow.
 */
export function runFlow(
  reqEvents: StreamEvent[],
  respEvents: StreamEvent[],
  opts: { config?: HttpConfig; reqDir?: Direction; flow?: FlowSpec; interleave?: boolean } = {},
): RunResult {
  const counters = new Counters();
  const txs: HttpTransaction[] = [];
  const an = new HttpAnalyzer(opts.config ?? makeConfig(), counters, (tx) => txs.push(tx));
  const flow = makeFlow(opts.flow);
  const reqDir = opts.reqDir ?? 0;
  const respDir = (1 - reqDir) as Direction;
  let stopped = false;
  const offsets = [0, 0];
  const feed = (dir: Direction, ev: StreamEvent, ts: number): void => {
    if (stopped) return;
    if (ev.kind === 'gap') {
      an.onGap(flow, dir, offsets[dir] ?? 0, ev.len, ts);
      offsets[dir] = (offsets[dir] ?? 0) + ev.len;
      return;
    }
    const b = ev.bytes;
    // Pass the backing buffer with start/length, as reassembly does.
    const start = b.byteOffset;
    const whole = new Uint8Array(b.buffer, 0, b.byteOffset + b.length);
    if (!an.onData(flow, dir, whole, start, b.length, offsets[dir] ?? 0, ts)) stopped = true;
    offsets[dir] = (offsets[dir] ?? 0) + b.length;
  };
  if (opts.interleave) {
    const n = Math.max(reqEvents.length, respEvents.length);
    for (let i = 0; i < n; i++) {
      const r = reqEvents[i];
      if (r) feed(reqDir, r, REQ_TS);
      const s = respEvents[i];
      if (s) feed(respDir, s, RESP_TS);
    }
  } else {
    for (const ev of reqEvents) feed(reqDir, ev, REQ_TS);
    for (const ev of respEvents) feed(respDir, ev, RESP_TS);
  }
  an.onEnd(flow, reqDir, 'fin', RESP_TS + 1);
  an.onEnd(flow, respDir, 'fin', RESP_TS + 1);
  an.onClose(flow, 'fin', RESP_TS + 2);
  return { txs, counters, stopped };
}

/** A transaction as a plain JSON-comparable object (bodies as hex). */
export function normalize(tx: HttpTransaction): Record<string, unknown> {
  const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));
  return { ...tx, reqBody: hex(tx.reqBody), respBody: hex(tx.respBody) };
}

export interface Fixture {
  name: string;
  req: Uint8Array;
  resp: Uint8Array;
  meta: {
    description: string;
    gaps?: { req?: Gap[]; resp?: Gap[] };
    reqDir?: Direction;
    config?: Partial<HttpConfig>;
    expect: Record<string, unknown>[];
    counters?: Record<string, number>;
    forbidden?: string[];
  };
}

export const FIXTURE_DIR = join(__dirname, 'fixtures');

export function loadFixtures(): Fixture[] {
  const names = readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
  return names.map((name) => ({
    name,
    req: new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.req`))),
    resp: new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.resp`))),
    meta: JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Fixture['meta'],
  }));
}

export function runFixture(f: Fixture, reqCuts: number[] = [], respCuts: number[] = [], interleave = false): RunResult {
  return runFlow(streamEvents(f.req, f.meta.gaps?.req, reqCuts), streamEvents(f.resp, f.meta.gaps?.resp, respCuts), {
    config: makeConfig(f.meta.config ?? {}),
    reqDir: f.meta.reqDir ?? 0,
    interleave,
  });
}
