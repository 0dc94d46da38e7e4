// Tunnel decoders on crafted frames: VXLAN, Geneve, GRE (key/seq/checksum), ERSPAN I/II/III,
// GRE-in-UDP, IP-in-IP and the nested GRE->ERSPAN->VXLAN chain; each removed layer is recorded.
import t from 'tap';
import { DecodeStatus, Transport, TunnelKind } from '../../../src/decode/types';
import { erspan2, erspan3, eth, geneve, gre, HTTP_GET, ipv4, ipv6, payload, tcp, udp, vlan, vxlan } from './frames';
import { decodeBuilt, ipStr, payloadText } from './helpers';

/** The assertions the helpers below use (any tap Test satisfies it). */
interface Asserts {
  equal(found: unknown, wanted: unknown, ...message: [] | [string]): unknown;
  same(found: unknown, wanted: unknown, ...message: [] | [string]): unknown;
}

const inner = () => eth(0x0800, ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 6 }, tcp({ sport: 33333, dport: 80 }, payload(HTTP_GET))));
const outer = (proto: number, b: ReturnType<typeof inner>) => eth(0x0800, ipv4({ src: '203.0.113.1', dst: '203.0.113.2', proto }, b));

function checkInner(t: Asserts, r: ReturnType<typeof decodeBuilt>): void {
  t.equal(r.status, DecodeStatus.Ok);
  t.equal(r.out.transport, Transport.Tcp);
  t.equal(ipStr(r.out.srcIp, r.out.ipVersion), '172.16.0.1');
  t.equal(ipStr(r.out.dstIp, r.out.ipVersion), '172.16.0.2');
  t.equal(r.out.srcPort, 33333);
  t.equal(r.out.dstPort, 80);
  t.equal(payloadText(r.out), HTTP_GET);
  t.same(r.out.anomalies, []);
}

function checkTunnel(t: Asserts, r: ReturnType<typeof decodeBuilt>, i: number, kind: TunnelKind, id: number, src: string, dst: string): void {
  const tl = r.out.tunnels[i]!;
  t.equal(tl.kind, kind, `tunnel ${i} kind`);
  t.equal(tl.id, id, `tunnel ${i} id`);
  t.equal(ipStr(tl.outerSrc, tl.outerIpVersion), src, `tunnel ${i} outer src`);
  t.equal(ipStr(tl.outerDst, tl.outerIpVersion), dst, `tunnel ${i} outer dst`);
}

t.test('vxlan on 4789 and 8472, VNI, non-zero reserved fields accepted', async (t) => {
  for (const port of [4789, 8472]) {
    const r = decodeBuilt(outer(17, udp(50000, port, vxlan(0xabcdef, inner(), 0xff))));
    checkInner(t, r);
    t.equal(r.out.tunnelCount, 1);
    checkTunnel(t, r, 0, TunnelKind.Vxlan, 0xabcdef, '203.0.113.1', '203.0.113.2');
    t.equal(r.decoder.layerCounts().vxlan, 1);
  }
  const notTunnel = decodeBuilt(outer(17, udp(50000, 4790, vxlan(1, inner()))));
  t.equal(notTunnel.out.transport, Transport.Udp, 'other ports stay plain UDP');
  const custom = decodeBuilt(outer(17, udp(50000, 9999, vxlan(5, inner()))), 1, { vxlanPorts: [9999] });
  checkInner(t, custom);
});

t.test('identical inner 5-tuples from different VNIs are told apart by the tunnel record', async (t) => {
  const a = decodeBuilt(outer(17, udp(1, 4789, vxlan(10, inner()))));
  const b = decodeBuilt(outer(17, udp(1, 4789, vxlan(20, inner()))));
  t.equal(a.out.srcPort, b.out.srcPort);
  t.not(a.out.tunnels[0]!.id, b.out.tunnels[0]!.id);
});

t.test('geneve: options skipped, Ethernet (0x6558) and IPv4 protocol types, bad version', async (t) => {
  const r = decodeBuilt(outer(17, udp(1234, 6081, geneve(0x123456, 0x6558, inner(), 3))));
  checkInner(t, r);
  checkTunnel(t, r, 0, TunnelKind.Geneve, 0x123456, '203.0.113.1', '203.0.113.2');
  const ip = inner().bytes.subarray(14);
  const r2 = decodeBuilt(outer(17, udp(1234, 6081, geneve(7, 0x0800, payload(Array.from(ip)), 0))));
  checkInner(t, r2);
  const bad = Uint8Array.from(outer(17, udp(1234, 6081, geneve(7, 0x6558, inner()))).bytes);
  bad[14 + 20 + 8] = 0x40;
  t.same(decodeBuilt(bad).out.anomalies, ['decode.geneve.bad_version']);
});

t.test('gre: transparent ethernet with key/seq/checksum, IP payload, version 1 unsupported', async (t) => {
  const r = decodeBuilt(outer(47, gre({ proto: 0x6558, key: 0xfedcba98, seq: 5, checksum: true }, inner())));
  checkInner(t, r);
  checkTunnel(t, r, 0, TunnelKind.Gre, 0xfedcba98, '203.0.113.1', '203.0.113.2');
  const ip = payload(Array.from(inner().bytes.subarray(14)));
  const r2 = decodeBuilt(outer(47, gre({ proto: 0x0800 }, ip)));
  checkInner(t, r2);
  checkTunnel(t, r2, 0, TunnelKind.Gre, -1, '203.0.113.1', '203.0.113.2');
  const v1 = decodeBuilt(outer(47, gre({ proto: 0x880b, version: 1 }, ip)));
  t.same(v1.out.anomalies, ['decode.gre.unsupported_version']);
  t.equal(v1.counters.get('decode.gre.unsupported_version'), 1);
  // GRE over IPv6 outer.
  const r3 = decodeBuilt(eth(0x86dd, ipv6({ src: '2001:db8::a', dst: '2001:db8::b', proto: 47 }, gre({ proto: 0x6558 }, inner()))));
  checkInner(t, r3);
  checkTunnel(t, r3, 0, TunnelKind.Gre, -1, '2001:db8::a', '2001:db8::b');
});

t.test('erspan type I (no sequence, no header), II and III (with and without platform subheader)', async (t) => {
  const r1 = decodeBuilt(outer(47, gre({ proto: 0x88be }, inner())));
  checkInner(t, r1);
  checkTunnel(t, r1, 0, TunnelKind.ErspanI, -1, '203.0.113.1', '203.0.113.2');
  t.equal(r1.decoder.layerCounts().erspan1, 1);
  const r2 = decodeBuilt(outer(47, gre({ proto: 0x88be, seq: 1 }, erspan2(777, inner(), 12))));
  checkInner(t, r2);
  checkTunnel(t, r2, 0, TunnelKind.ErspanII, 777, '203.0.113.1', '203.0.113.2');
  t.equal(r2.decoder.layerCounts().erspan2, 1);
  for (const platform of [false, true]) {
    const r3 = decodeBuilt(outer(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(1023, inner(), { platform }))));
    checkInner(t, r3);
    checkTunnel(t, r3, 0, TunnelKind.ErspanIII, 1023, '203.0.113.1', '203.0.113.2');
  }
  const ipOnly = payload(Array.from(inner().bytes.subarray(14)));
  checkInner(t, decodeBuilt(outer(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(5, ipOnly, { frameType: 2 })))));
  const other = decodeBuilt(outer(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(5, ipOnly, { frameType: 7 }))));
  t.equal(other.status, DecodeStatus.Ok);
  t.equal(other.out.transport, Transport.None);
  const badVer = Uint8Array.from(outer(47, gre({ proto: 0x88be, seq: 1 }, erspan2(1, inner()))).bytes);
  badVer[14 + 20 + 8] = 0x30;
  t.same(decodeBuilt(badVer).out.anomalies, ['decode.erspan.bad_version']);
});

t.test('gre-in-udp (4754) and ip-in-ip (4 and 41)', async (t) => {
  const ip = payload(Array.from(inner().bytes.subarray(14)));
  const r = decodeBuilt(outer(17, udp(40000, 4754, gre({ proto: 0x0800 }, ip))));
  checkInner(t, r);
  checkTunnel(t, r, 0, TunnelKind.Gre, -1, '203.0.113.1', '203.0.113.2');
  t.equal(r.decoder.layerCounts()['gre-udp'], 1);
  const r4 = decodeBuilt(outer(4, ip));
  checkInner(t, r4);
  checkTunnel(t, r4, 0, TunnelKind.IpInIp, -1, '203.0.113.1', '203.0.113.2');
  const v6inner = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: 6 }, tcp({ sport: 1, dport: 2 }, payload('x')));
  const r6 = decodeBuilt(outer(41, v6inner));
  t.equal(r6.out.ipVersion, 6);
  t.equal(ipStr(r6.out.srcIp, 6), '2001:db8::1');
  checkTunnel(t, r6, 0, TunnelKind.IpInIp, -1, '203.0.113.1', '203.0.113.2');
});

t.test('nested GRE -> ERSPAN II -> Ethernet -> IPv4 -> UDP 4789 -> VXLAN -> Ethernet -> IPv4 -> TCP', async (t) => {
  const mid = eth(0x8100, vlan(30, 0x0800, ipv4({ src: '10.9.9.1', dst: '10.9.9.2', proto: 17 }, udp(5555, 4789, vxlan(4242, inner())))));
  const f = outer(47, gre({ proto: 0x88be, seq: 9 }, erspan2(3, mid)));
  const r = decodeBuilt(f);
  checkInner(t, r);
  t.equal(r.out.tunnelCount, 2);
  checkTunnel(t, r, 0, TunnelKind.ErspanII, 3, '203.0.113.1', '203.0.113.2');
  checkTunnel(t, r, 1, TunnelKind.Vxlan, 4242, '10.9.9.1', '10.9.9.2');
  t.same(Array.from(r.out.vlanIds.subarray(0, r.out.vlanCount)), [30]);
  t.same(r.decoder.layerCounts(), { ethernet: 3, vlan: 1, ipv4: 3, udp: 1, tcp: 1, gre: 1, erspan2: 1, vxlan: 1 });
  // 12 layers: eth ip gre erspan eth vlan ip udp vxlan eth ip tcp.
  t.equal(decodeBuilt(f, 1, { maxLayers: 12 }).status, DecodeStatus.Ok);
  t.same(decodeBuilt(f, 1, { maxLayers: 11 }).out.anomalies, ['decode.layers.too_many']);
});

t.test('a non-IP inner frame leaves no stale outer transport fields', async (t) => {
  const r = decodeBuilt(outer(17, udp(1, 4789, vxlan(1, eth(0x0806, payload(new Array<number>(28).fill(0)))))));
  t.equal(r.status, DecodeStatus.Ok);
  t.equal(r.out.transport, Transport.None);
  t.equal(r.out.ipVersion, 0);
  t.equal(r.out.srcPort, 0);
  t.equal(r.out.tunnelCount, 1);
});

t.test('tunnel slots are bounded', async (t) => {
  let b = inner();
  for (let i = 0; i < 9; i++) b = eth(0x0800, ipv4({ proto: 47 }, gre({ proto: 0x6558 }, b)));
  const r = decodeBuilt(b, 1, { maxLayers: 64 });
  t.equal(r.status, DecodeStatus.Skipped);
  t.same(r.out.anomalies, ['decode.tunnel.too_many']);
});
