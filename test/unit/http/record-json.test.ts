// The compiled record serializer writes the same text as JSON.stringify of the record object, on every
// transaction of every committed regression trace and on hand-made edge cases (escapes, lone
// surrogates, VLANs, tunnels, credentials with claims, upgrades, nulls).
import t, { type Test } from 'tap';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { httpRecord } from '../../../src/http/record';
import { httpRecordJson, num } from '../../../src/http/record-json';
import { prng } from '../../helpers/prng';
import type { HttpTransaction } from '../../../src/http/types';
import { newSensor, replay } from '../daemon/replay';
import { needsSharedData, sharedData } from '../../helpers/shared-data';

const CASES = path.resolve(__dirname, '../../pcap/cases');
const TRACES = path.resolve(__dirname, '../../pcap/traces');

function traces(): string[] {
  const out: string[] = [];
  for (const area of readdirSync(CASES).sort()) {
    for (const name of readdirSync(path.join(CASES, area)).sort()) out.push(path.join(CASES, area, name, 'trace.pcap'));
  }
  for (const f of readdirSync(TRACES)) if (/\.pcap(ng)?$/.test(f)) out.push(path.join(TRACES, f));
  return out;
}

/** Replays each file and checks every transaction; returns how many were compared. */
async function compareAll(t: Test, files: string[], base: string): Promise<number> {
  let total = 0;
  for (const file of files) {
    const sensor = newSensor();
    const txs: HttpTransaction[] = [];
    sensor.onTransaction((tx) => txs.push(tx));
    await replay(sensor, file);
    const differing = txs.filter((tx) => httpRecordJson(tx) !== JSON.stringify(httpRecord(tx)));
    t.same(differing.map((tx) => httpRecordJson(tx)), [], path.relative(base, file));
    total += txs.length;
  }
  return total;
}

t.test('every transaction of every regression trace', async (t) => {
  const total = await compareAll(t, traces(), CASES);
  t.ok(total >= 20, `${total} transactions compared`);
});

// Captures nobody on the team wrote (browsers, malware, odd servers): many more header shapes.
const SHARED_HTTP = ['pcaps/chrissanders-packets/http_espn.pcapng', 'pcaps/zeek', 'pcaps/suricata-verify'];

t.test('every transaction of the team\'s third-party captures', { skip: needsSharedData }, async (t) => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.pcap(ng)?$/.test(e.name)) files.push(p);
    }
  };
  for (const rel of SHARED_HTTP) {
    const p = sharedData(rel);
    if (/\.pcap(ng)?$/.test(p)) files.push(p);
    else walk(p);
  }
  const total = await compareAll(t, files.sort(), sharedData('pcaps'));
  t.ok(total >= 1000, `${total} transactions compared`);
});

const base = (): Record<string, unknown> => ({
  flowId: 'f1', txId: 0, client: '10.0.0.1:4000', server: '10.0.0.2:80', clientIp: '10.0.0.1', clientPort: 4000,
  serverIp: '10.0.0.2', serverPort: 80, vlanIds: [], tunnels: [], ts: 1700000000.123456, respTs: null,
  method: 'GET', host: 'h', uri: '/', path: '/', query: null, version: '1.1', status: null, statusMessage: null,
  userAgent: null, reqContentType: null, contentEncoding: null, respContentEncoding: null, authorization: null,
  authJwtAlg: null, credentials: [], xForwardedFor: null, forwardedFor: null, cookieNames: [], headers: [], respHeaders: [],
  respContentType: null, reqBodyLen: 0, respBodyLen: 0, reqBodyDeclared: null, respBodyDeclared: null,
  reqBody: null, respBody: null, completeness: 'request-only', upgrade: null, anomalies: [],
});

const edgeCases: [string, Record<string, unknown>][] = [
  ['nulls everywhere', { method: null, host: null, uri: null, version: null }],
  ['escapes and control characters', { uri: '/a"b\\c\u0001\n?x=1&token=abc', userAgent: 'ua "q"\t\u007f', host: 'h\u2028' }],
  ['lone surrogates and non-latin text', { uri: '/\ud800x/\u00e9\u4e2d', statusMessage: '\udfff' }],
  ['vlan, tunnels, upgrade, anomalies', { vlanIds: [10, 4094], tunnels: ['vxlan:42', 'gre'], upgrade: 'websocket', anomalies: ['http.a', 'http.b'] }],
  ['status and response time', { status: 404, statusMessage: 'Not Found', respTs: 1700000000.5, completeness: 'full', reqBodyLen: 12, respBodyLen: 3456 }],
  ['integer and tiny timestamps', { ts: 1700000000, respTs: 1e-7 }],
  ['credentials of every kind', {
    authorization: 'bearer',
    credentials: [
      { kind: 'bearer', name: null, hash: 'a'.repeat(32), claims: { sub: 'user"1', iss: 'https://idp', exp: 1800000000, aud: null } },
      { kind: 'basic', name: 'alice', hash: 'b'.repeat(32), claims: null },
      { kind: 'api-key', name: 'x-api-key', hash: 'c'.repeat(32), claims: null },
      { kind: 'bearer', name: null, hash: 'd'.repeat(32), claims: { sub: null, iss: null, exp: null } },
    ],
  }],
];

t.test('edge cases', async (t) => {
  for (const [name, fields] of edgeCases) {
    const tx = { ...base(), ...fields } as unknown as HttpTransaction;
    t.equal(httpRecordJson(tx), JSON.stringify(httpRecord(tx)), name);
    t.doesNotThrow(() => JSON.parse(httpRecordJson(tx)), `${name}: valid JSON`);
  }
});

t.test('numbers are written as JSON.stringify writes them, timestamps or not', async (t) => {
  for (const seed of [1, 2, 3]) {
    const rand = prng(seed);
    let differing = 0;
    for (let i = 0; i < 100000; i++) {
      const candidates = [
        Math.floor(rand() * 4e9) + Math.floor(rand() * 1e6) / 1e6, // pcap timestamps: whole microseconds
        rand() * 4e9, // any double in the fast path's range
        Math.round(rand() * 4e15) / 1e6,
        rand() * 1e12, // above the range: the generic path
        rand() * 1e-3,
        -rand() * 1e9,
        Math.floor(rand() * 1e6),
      ];
      for (const x of candidates) if (num(x) !== JSON.stringify(x)) differing++;
    }
    t.equal(differing, 0, `seed ${seed}: 700000 numbers`);
  }
  for (const x of [0, 1, 1.5, 3999999999.999999, 4e9, 1e21, 1e-7, -0, NaN, Infinity, -Infinity]) t.equal(num(x), JSON.stringify(x), String(x));
});
