// Real captures from the team data set (../shared/data) decoded with the test-only pcap reader;
// expectations are read from upstream outputs at test time (never hard-coded here):
//  - Zeek btest baselines (conn.log / http.log / tunnel.log / *.cut): inner 5-tuples, VLAN ids,
//    PPPoE session ids, tunnel outer endpoints and tunnel types; the trace of each baseline comes
//    from the MANIFEST §8 index.
//  - tcpdump's expected .out files (TESTLIST.selected): per packet, the innermost address pair,
//    VXLAN/Geneve VNI, ERSPAN type and session, VLAN ids.
//  - FoxIO ja4 rust snapshot and tshark's derived http_messages.tsv: inner HTTP 5-tuples.
import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, DecodeStatus, Transport, TunnelKind } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { readCapture } from './pcap-reader';
import { config, ipStr } from './helpers';
import { SHARED_DATA, SHARED_PCAPS, needsSharedData } from '../../helpers/shared-data';

interface Pkt {
  status: DecodeStatus;
  proto: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  vlans: number[];
  pppoe: number;
  tunnels: { kind: TunnelKind; id: number; src: string; dst: string }[];
  anomalies: string[];
}

function protoName(out: DecodedPacket): string {
  if (out.transport === Transport.Tcp) return 'tcp';
  if (out.transport === Transport.Udp) return 'udp';
  if (out.ipProto === 1 || out.ipProto === 58) return 'icmp';
  return out.ipVersion === 0 ? '-' : `ip${out.ipProto}`;
}

const decodedCache = new Map<string, Pkt[]>();

function decodeFile(file: string): Pkt[] {
  const hit = decodedCache.get(file);
  if (hit) return hit;
  const decoder = new PacketDecoder(config(), new Counters());
  const out = new DecodedPacket();
  const pkts: Pkt[] = [];
  for (const f of readCapture(file).frames) {
    const status = decoder.decode(f, out);
    pkts.push({
      status,
      proto: protoName(out),
      src: ipStr(out.srcIp, out.ipVersion),
      dst: ipStr(out.dstIp, out.ipVersion),
      sport: out.srcPort,
      dport: out.dstPort,
      vlans: Array.from(out.vlanIds.subarray(0, out.vlanCount)),
      pppoe: out.pppoeSession,
      tunnels: out.tunnels.slice(0, out.tunnelCount).map((tl) => ({
        kind: tl.kind,
        id: tl.id,
        src: ipStr(tl.outerSrc, tl.outerIpVersion),
        dst: ipStr(tl.outerDst, tl.outerIpVersion),
      })),
      anomalies: [...out.anomalies],
    });
  }
  decodedCache.set(file, pkts);
  return pkts;
}

/** Direction-free connection key; ICMP has no ports in our decode (Zeek puts type/code there). */
function connKey(proto: string, a: string, ap: number, b: string, bp: number): string {
  if (proto === 'icmp') return `icmp ${[a, b].sort().join(' ')}`;
  const x = `${a}:${ap}`;
  const y = `${b}:${bp}`;
  return `${proto} ${[x, y].sort().join(' ')}`;
}

function pktKey(p: Pkt): string {
  return connKey(p.proto, p.src, p.sport, p.dst, p.dport);
}

/** Zeek ASCII log (with #fields) or a btest .cut file (first line is the header). */
function readZeekLog(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  let fields: string[] | undefined;
  const rows: Record<string, string>[] = [];
  for (const line of lines) {
    if (line.startsWith('#fields\t')) {
      fields = line.split('\t').slice(1);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (!fields) {
      fields = cols;
      continue;
    }
    const row: Record<string, string> = {};
    fields.forEach((f, i) => (row[f] = cols[i] ?? ''));
    rows.push(row);
  }
  return rows;
}

/** MANIFEST §8: baseline directory name -> trace path. */
function baselineTraces(): Map<string, string> {
  const text = readFileSync(path.join(SHARED_DATA, 'MANIFEST.md'), 'utf8');
  const section = text.slice(text.indexOf('## 8. Zeek baseline index'), text.indexOf('## 9.'));
  const map = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cols = line.split('|').map((c) => c.trim().replace(/`/g, ''));
    const m = /Baseline\/([^/]+)\/$/.exec(cols[1] ?? '');
    if (m && cols[4]) map.set(m[1]!, path.join(SHARED_PCAPS, 'zeek', cols[4]));
  }
  return map;
}

const ZEEK_BASELINES = [
  'core.tunnels.vxlan',
  'core.tunnels.geneve',
  'core.tunnels.geneve-ipv6',
  'core.tunnels.geneve-many-options',
  'core.tunnels.geneve-47101',
  'core.erspanI',
  'core.erspanII',
  'core.erspanIII',
  'core.erspan',
  'core.tunnels.gre',
  'core.tunnels.gre-in-gre',
  'core.tunnels.gre-over-udp',
  'core.tunnels.analyzer-confirmation',
  'core.pppoe',
  'core.pppoe-over-qinq',
  'scripts.policy.protocols.conn.pppoe-session-id-logging',
  'core.nflog',
  'core.vlan-mpls',
  'core.mpls-in-vlan',
  'scripts.base.protocols.vlan.vlan-0',
  'scripts.base.protocols.vlan.vlan-0-qinq',
  'scripts.policy.protocols.conn.vlan-logging',
];

const ZEEK_TUNNEL_KINDS: Record<string, TunnelKind[]> = {
  'Tunnel::VXLAN': [TunnelKind.Vxlan],
  'Tunnel::GENEVE': [TunnelKind.Geneve],
  'Tunnel::GRE': [TunnelKind.Gre, TunnelKind.ErspanI, TunnelKind.ErspanII, TunnelKind.ErspanIII],
  'Tunnel::IP': [TunnelKind.IpInIp],
};

async function zeekBaselines(t: Test): Promise<void> {
  const traces = baselineTraces();
  for (const name of ZEEK_BASELINES) {
    const dir = path.join(SHARED_PCAPS, 'zeek', 'Baseline', name);
    const trace = traces.get(name);
    if (!trace || !existsSync(trace)) {
      t.fail(`${name}: no trace in MANIFEST §8`);
      continue;
    }
    t.test(name, async (t) => {
      const pkts = decodeFile(trace);
      const ours = new Map<string, Pkt[]>();
      for (const p of pkts) {
        const k = pktKey(p);
        const list = ours.get(k) ?? [];
        list.push(p);
        ours.set(k, list);
      }
      t.notOk(pkts.some((p) => p.anomalies.includes('decode.internal_error')), 'no internal error');
      const tunnelLog = path.join(dir, 'tunnel.log');
      const tunnelRows = existsSync(tunnelLog) ? readZeekLog(tunnelLog) : [];
      const tunnelUids = new Set(tunnelRows.map((r) => r.uid));
      let checked = 0;
      for (const logName of ['conn.log', 'conn.log.cut', 'http.log']) {
        const file = path.join(dir, logName);
        if (!existsSync(file)) continue;
        const rows = readZeekLog(file);
        const parents = new Set(rows.flatMap((r) => (r.tunnel_parents ?? '-').split(',')));
        for (const row of rows) {
          // Outer tunnel connections are not inner flows: with a tunnel.log, rows without
          // tunnel_parents; rows that are some row's tunnel parent; tunnel services.
          if (logName === 'conn.log' && tunnelRows.length > 0 && (row.tunnel_parents ?? '-') === '-') continue;
          if (parents.has(row.uid ?? '') || tunnelUids.has(row.uid ?? '') || /^(vxlan|geneve|gre)$/.test(row.service ?? '')) continue;
          let candidates: Pkt[];
          let label: string;
          if (row['id.orig_h'] !== undefined) {
            // http.log is TCP; a .cut file may have dropped the proto column (then TCP or UDP).
            const protos = logName === 'http.log' ? ['tcp'] : row.proto ? [row.proto] : ['tcp', 'udp'];
            const keys = protos.map((proto) => connKey(proto, row['id.orig_h']!, Number(row['id.orig_p']), row['id.resp_h']!, Number(row['id.resp_p'])));
            const key = keys.find((k) => ours.has(k)) ?? keys[0]!;
            candidates = ours.get(key) ?? [];
            label = `${logName} ${key}`;
            t.ok(candidates.length > 0, `${label} decoded`);
          } else {
            candidates = pkts.filter((p) => p.proto === 'tcp' || p.proto === 'udp');
            label = `${logName} (all IP packets)`;
          }
          if (row.vlan !== undefined && candidates.length > 0) {
            const want = [row.vlan, row.inner_vlan].filter((v) => v !== undefined && v !== '-').map(Number);
            t.ok(candidates.some((p) => JSON.stringify(p.vlans) === JSON.stringify(want)), `${label} vlan ids ${JSON.stringify(want)}`);
          }
          if (row.pppoe_session_id !== undefined) {
            t.ok(candidates.length > 0 && candidates.every((p) => p.pppoe === Number(row.pppoe_session_id)), `${label} pppoe session ${row.pppoe_session_id}`);
          }
          checked++;
        }
      }
      for (const row of tunnelRows) {
        const kinds = ZEEK_TUNNEL_KINDS[row.tunnel_type ?? ''] ?? [];
        const pair = [row['id.orig_h'], row['id.resp_h']].sort().join(' ');
        const found = pkts.some((p) => p.tunnels.some((tl) => kinds.includes(tl.kind) && [tl.src, tl.dst].sort().join(' ') === pair));
        t.ok(found, `tunnel.log ${row.tunnel_type} ${pair} seen as an outer tunnel layer`);
        checked++;
      }
      t.ok(checked > 0, `${checked} upstream rows checked`);
    });
  }
}

interface TcpdumpPacket {
  text: string;
}

function splitTcpdumpOut(file: string): TcpdumpPacket[] {
  const pkts: TcpdumpPacket[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line)) pkts.push({ text: line });
    else if (pkts.length > 0) pkts[pkts.length - 1]!.text += '\n' + line;
  }
  return pkts;
}

/** Address pairs "A[.port] > B[.port]:" in tcpdump text, in order; MAC pairs are rejected. */
function addressPairs(text: string): { src: string; sport: number; dst: string; dport: number }[] {
  const re = /([0-9a-fA-F:.]+) > ([0-9a-fA-F:.]+):/g;
  const pairs: { src: string; sport: number; dst: string; dport: number }[] = [];
  for (const m of text.matchAll(re)) {
    const a = splitPort(m[1]!);
    const b = splitPort(m[2]!);
    if (a && b) pairs.push({ src: a.ip, sport: a.port, dst: b.ip, dport: b.port });
  }
  return pairs;
}

function splitPort(s: string): { ip: string; port: number } | undefined {
  if (isIPv4(s) || isIPv6(s)) return { ip: s, port: -1 };
  const i = s.lastIndexOf('.');
  if (i < 0) return undefined;
  const ip = s.slice(0, i);
  const port = s.slice(i + 1);
  if (/^\d+$/.test(port) && (isIPv4(ip) || isIPv6(ip))) return { ip, port: Number(port) };
  return undefined;
}

async function tcpdumpExpectedOutputs(t: Test): Promise<void> {
  const dir = path.join(SHARED_PCAPS, 'tcpdump', 'tests');
  const list = readFileSync(path.join(dir, 'TESTLIST.selected'), 'utf8');
  for (const line of list.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, pcap, outFile, ...opts] = line.trim().split(/\s+/);
    // Filtered or quiet outputs do not list every packet in full.
    if (!name || !pcap || !outFile || opts.includes('--') || opts.includes('-q')) continue;
    t.test(name, async (t) => {
      const pkts = decodeFile(path.join(dir, pcap));
      const expected = splitTcpdumpOut(path.join(dir, outFile));
      t.equal(pkts.length, expected.length, 'same packet count');
      let compared = 0;
      expected.forEach((e, i) => {
        const p = pkts[i];
        if (!p) return;
        const text = e.text;
        if (text.includes('[|')) return; // tcpdump itself saw a truncated header
        const pairs = addressPairs(text);
        const tunnelled = /VXLAN|Geneve|GREv0|erspan/.test(text);
        const last = pairs[pairs.length - 1];
        if (pairs.length === 1 && tunnelled) {
          // Only the outer pair: the tunnel carries no IP (ARP, STP, unknown ERSPAN frame type...).
          t.equal(p.proto, '-', `packet ${i + 1}: no inner IP, like tcpdump`);
        } else if (last) {
          t.equal(`${p.src} > ${p.dst}`, `${ipStrNorm(last.src)} > ${ipStrNorm(last.dst)}`, `packet ${i + 1} innermost addresses`);
          if (last.sport >= 0 && (p.proto === 'tcp' || p.proto === 'udp')) t.equal(`${p.sport} > ${p.dport}`, `${last.sport} > ${last.dport}`, `packet ${i + 1} ports`);
          compared++;
        }
        const vni = /vni (0x[0-9a-f]+|\d+)/.exec(text);
        if (vni) t.equal(p.tunnels.find((tl) => tl.kind === TunnelKind.Vxlan || tl.kind === TunnelKind.Geneve)?.id, Number(vni[1]), `packet ${i + 1} vni`);
        const er = /erspan type(\d)(?: session (\d+))?/.exec(text);
        if (er) {
          const kind = [TunnelKind.ErspanI, TunnelKind.ErspanII, TunnelKind.ErspanIII][Number(er[1]) - 1];
          const tl = p.tunnels.find((x) => x.kind === kind);
          t.ok(tl, `packet ${i + 1} erspan type ${er[1]}`);
          if (er[2] !== undefined) t.equal(tl?.id, Number(er[2]), `packet ${i + 1} erspan session`);
        }
        if (opts.includes('-e')) {
          const vlans = [...text.matchAll(/vlan (\d+), p \d/g)].map((m) => Number(m[1]));
          t.same(p.vlans, vlans, `packet ${i + 1} vlan ids`);
        }
      });
      t.comment(`${compared} packets compared by address`);
    });
  }
}

function ipStrNorm(s: string): string {
  if (isIPv4(s)) return s;
  // tcpdump and our formatter both use RFC 5952; normalise through the URL parser to be sure.
  return new URL(`http://[${s}]/`).hostname.slice(1, -1);
}

async function tsharkHttpTuples(t: Test): Promise<void> {
  const tsv = readFileSync(path.join(SHARED_DATA, 'derived', 'tshark-4.0.17', 'http_messages.tsv'), 'utf8').split('\n');
  const header = tsv[0]!.split('\t');
  const col = (n: string): number => header.indexOf(n);
  // The encapsulation samples named in MANIFEST §2 that carry HTTP.
  const files = [
    'pcaps/zeek/Traces/erspan.pcap',
    'pcaps/foxio-ja4/pcap/gre-erspan-vxlan.pcap',
    'pcaps/zeek/Traces/tunnels/vxlan-encapsulated-http.pcap',
    'pcaps/suricata-verify/tests/vxlan-non-zero-reserved-fields/input.pcap',
    'pcaps/zeek/Traces/tunnels/geneve-many-options.pcap',
    'pcaps/zeek/Traces/tunnels/gre-over-udp-4754.pcap',
    'pcaps/zeek/Traces/nflog-http.pcap',
    'pcaps/zeek/Traces/linux_dlt_sll2.pcap',
    'pcaps/suricata-verify/tests/decode-sll2-01/input.pcap',
    'pcaps/suricata-verify/tests/bug-4810/pppoe-session-http.pcap',
    'pcaps/zeek/Traces/http-vlan-0.pcap',
    'pcaps/zeek/Traces/http-qinq-0.pcap',
    'pcaps/zeek/Traces/mixed-vlan-mpls.pcap',
    'pcaps/suricata-verify/tests/decode-chdlc-01/hdlc-http_1tx.pcap',
    'pcaps/zeek/Traces/ipv6-http-atomic-frag.pcap',
    'pcaps/suricata-verify/tests/http-ipv6/input.pcap',
  ];
  for (const rel of files) {
    const rows = tsv.slice(1).map((l) => l.split('\t')).filter((c) => c[0] === rel.replace(/^pcaps\//, 'pcaps/'));
    if (rows.length === 0) continue;
    const pkts = decodeFile(path.join(SHARED_DATA, rel));
    const frames = new Map<number, Pkt>();
    pkts.forEach((p, i) => frames.set(i + 1, p));
    let ok = 0;
    for (const c of rows) {
      const frame = Number(c[col('frame')]);
      const want = connKey('tcp', c[col('src')]!, Number(c[col('sport')]), c[col('dst')]!, Number(c[col('dport')]));
      const p = frames.get(frame);
      // A frame that completes a reassembled datagram carries the message; allow a nearby frame too.
      if (p && pktKey(p) === want) ok++;
      else if (pkts.some((q) => pktKey(q) === want)) ok++;
      else t.fail(`${rel} frame ${frame}: ${want} not decoded`);
    }
    t.equal(ok, rows.length, `${rel}: ${rows.length} tshark HTTP rows matched`);
  }
}

async function foxioSnapshot(t: Test): Promise<void> {
  const snap = readFileSync(path.join(SHARED_PCAPS, 'foxio-ja4', 'expected', 'rust-snapshots', 'gre-erspan-vxlan.pcap.snap'), 'utf8');
  const get = (k: string): string => new RegExp(`^\\s*-?\\s*${k}: (\\S+)`, 'm').exec(snap)?.[1] ?? '';
  const want = connKey(get('transport'), get('src'), Number(get('src_port')), get('dst'), Number(get('dst_port')));
  const pkts = decodeFile(path.join(SHARED_PCAPS, 'foxio-ja4', 'pcap', 'gre-erspan-vxlan.pcap'));
  const flow = pkts.filter((p) => pktKey(p) === want);
  t.ok(flow.length > 0, `${want} decoded`);
  t.ok(flow.every((p) => p.tunnels.some((tl) => tl.kind === TunnelKind.Vxlan) && p.tunnels.some((tl) => tl.kind >= TunnelKind.ErspanI && tl.kind <= TunnelKind.ErspanIII)), 'through ERSPAN and VXLAN');
  t.ok(pkts.every((p) => p.status === DecodeStatus.Ok), 'all packets decode');
}

// Every test here reads the team data set: without it the file skips as a whole, saying why.
if (needsSharedData) {
  t.plan(0, needsSharedData);
} else {
  t.test('zeek baselines', zeekBaselines);
  t.test('tcpdump expected outputs', tcpdumpExpectedOutputs);
  t.test('tshark-derived HTTP 5-tuples (innermost) are all decoded', tsharkHttpTuples);
  t.test('FoxIO ja4 snapshot: gre-erspan-vxlan inner TCP flow', foxioSnapshot);
}
