// Field-level tests of each link, L2, IP and transport decoder on crafted frames.
import t from 'tap';
import { DecodeStatus, TcpFlag, Transport } from '../../../src/decode/types';
import { chdlc, eth, HTTP_GET, ipv4, ipv6, mpls, nflog, nullHdr, payload, ppp, pppoe, sll, sll2, tcp, udp, vlan } from './frames';
import { decodeBuilt, ipStr, payloadText } from './helpers';

const tcpGet = () => tcp({ sport: 51000, dport: 8080, seq: 0xdeadbeef, ack: 0x01020304, flags: TcpFlag.Psh | TcpFlag.Ack, window: 1234 }, payload(HTTP_GET));

t.test('ethernet + ipv4 + tcp: addresses, ports, seq/ack/flags/window, payload range', async (t) => {
  const f = eth(0x0800, ipv4({ src: '192.0.2.10', dst: '198.51.100.7', proto: 6, ttl: 33 }, tcpGet()));
  const { status, out, counters } = decodeBuilt(f);
  t.equal(status, DecodeStatus.Ok);
  t.equal(out.ipVersion, 4);
  t.equal(ipStr(out.srcIp, 4), '192.0.2.10');
  t.equal(ipStr(out.dstIp, 4), '198.51.100.7');
  t.equal(out.ttl, 33);
  t.equal(out.ipProto, 6);
  t.equal(out.transport, Transport.Tcp);
  t.equal(out.srcPort, 51000);
  t.equal(out.dstPort, 8080);
  t.equal(out.tcpSeq, 0xdeadbeef);
  t.equal(out.tcpAck, 0x01020304);
  t.equal(out.tcpFlags, TcpFlag.Psh | TcpFlag.Ack);
  t.equal(out.tcpWindow, 1234);
  t.equal(out.tcpMss, 0);
  t.equal(out.tcpWindowScale, -1);
  t.equal(payloadText(out), HTTP_GET);
  t.equal(out.payloadOffset, 7 + 14 + 20 + 20, 'payload offset is into the frame buffer (frame offset 7)');
  t.equal(out.payloadMissing, 0);
  t.same(counters.snapshot(), {});
});

t.test('tcp options: MSS and window scale on SYN', async (t) => {
  const f = eth(0x0800, ipv4({ proto: 6 }, tcp({ flags: TcpFlag.Syn, mss: 1460, wscale: 7 }, payload())));
  const { out } = decodeBuilt(f);
  t.equal(out.tcpMss, 1460);
  t.equal(out.tcpWindowScale, 7);
  t.equal(out.tcpFlags, TcpFlag.Syn);
  t.equal(out.payloadLength, 0);
});

t.test('ipv4 options are skipped via IHL; ethernet padding is trimmed by total length', async (t) => {
  const inner = ipv4({ proto: 6, options: [1, 1, 1, 0] }, tcpGet());
  const padded = eth(0x0800, { bytes: Uint8Array.from([...inner.bytes, 0, 0, 0, 0, 0, 0]), spans: inner.spans });
  const { out } = decodeBuilt(padded);
  t.equal(payloadText(out), HTTP_GET);
  const small = eth(0x0800, ipv4({ proto: 17 }, udp(1000, 53, payload([1, 2, 3]))));
  const withPad = Uint8Array.from([...small.bytes, ...new Array<number>(60 - small.bytes.length).fill(0)]);
  const r = decodeBuilt(withPad);
  t.equal(r.out.payloadLength, 3, 'UDP payload excludes the ethernet padding');
});

t.test('ipv4 total length beyond the capture records payloadMissing', async (t) => {
  const f = eth(0x0800, ipv4({ proto: 6 }, tcpGet()));
  const cut = f.bytes.subarray(0, f.bytes.length - 10);
  const { status, out } = decodeBuilt(cut);
  t.equal(status, DecodeStatus.Ok);
  t.equal(out.payloadMissing, 10);
  t.equal(out.payloadLength, HTTP_GET.length - 10);
});

t.test('ipv4 header problems are anomalies', async (t) => {
  const good = eth(0x0800, ipv4({ proto: 6 }, tcpGet())).bytes;
  const badIhl = Uint8Array.from(good);
  badIhl[14] = 0x44;
  t.same(decodeBuilt(badIhl).out.anomalies, ['decode.ipv4.bad_header_length']);
  const badTl = Uint8Array.from(good);
  badTl[16] = 0;
  badTl[17] = 10;
  t.same(decodeBuilt(badTl).out.anomalies, ['decode.ipv4.bad_total_length']);
  const badVer = Uint8Array.from(good);
  badVer[14] = 0x55;
  const r = decodeBuilt(badVer);
  t.equal(r.status, DecodeStatus.Skipped);
  t.same(r.out.anomalies, ['decode.ipv4.bad_version']);
  t.equal(r.counters.get('decode.ipv4.bad_version'), 1);
});

t.test('checksums are verified only when configured', async (t) => {
  const good = eth(0x0800, ipv4({ proto: 6 }, tcpGet())).bytes;
  t.equal(decodeBuilt(good, 1, { verifyChecksums: true }).status, DecodeStatus.Ok, 'builder checksums are valid');
  const badIp = Uint8Array.from(good);
  badIp[24] = badIp[24]! ^ 0xff;
  t.equal(decodeBuilt(badIp).status, DecodeStatus.Ok, 'not verified by default');
  t.same(decodeBuilt(badIp, 1, { verifyChecksums: true }).out.anomalies, ['decode.ipv4.bad_checksum']);
  const badTcp = Uint8Array.from(good);
  badTcp[badTcp.length - 1] = badTcp[badTcp.length - 1]! ^ 1;
  t.same(decodeBuilt(badTcp, 1, { verifyChecksums: true }).out.anomalies, ['decode.tcp.bad_checksum']);
  const u = eth(0x86dd, ipv6({ proto: 17 }, udp(5000, 5001, payload('hello')))).bytes;
  t.equal(decodeBuilt(u, 1, { verifyChecksums: true }).status, DecodeStatus.Ok);
  const badUdp = Uint8Array.from(u);
  badUdp[badUdp.length - 1] = badUdp[badUdp.length - 1]! ^ 1;
  t.same(decodeBuilt(badUdp, 1, { verifyChecksums: true }).out.anomalies, ['decode.udp.bad_checksum']);
});

t.test('udp: ports, length field trims, shorter capture records missing bytes, bad length', async (t) => {
  const f = eth(0x0800, ipv4({ proto: 17 }, udp(5353, 53, payload('abcdef'))));
  const { out } = decodeBuilt(f);
  t.equal(out.transport, Transport.Udp);
  t.equal(out.srcPort, 5353);
  t.equal(out.dstPort, 53);
  t.equal(payloadText(out), 'abcdef');
  const short = eth(0x0800, ipv4({ proto: 17 }, udp(5353, 53, payload('abcdef'), 11)));
  t.equal(payloadText(decodeBuilt(short).out), 'abc', 'UDP length shorter than IP payload trims');
  const bad = eth(0x0800, ipv4({ proto: 17 }, udp(5353, 53, payload('abcdef'), 5)));
  t.same(decodeBuilt(bad).out.anomalies, ['decode.udp.bad_length']);
  const long = eth(0x0800, ipv4({ proto: 17, totalLength: 20 + 8 + 6 }, udp(5353, 53, payload('abcdef'), 30)));
  t.equal(decodeBuilt(long).out.payloadMissing, 16);
});

t.test('vlan: 802.1Q, 802.1ad, 0x9100 stacking and the maxVlanTags bound', async (t) => {
  const inner = ipv4({ proto: 6 }, tcpGet());
  const f = eth(0x88a8, vlan(100, 0x8100, vlan(200, 0x9100, vlan(4095, 0x0800, inner))));
  const { out, status, decoder } = decodeBuilt(f);
  t.equal(status, DecodeStatus.Ok);
  t.equal(out.vlanCount, 3);
  t.same(Array.from(out.vlanIds.subarray(0, 3)), [100, 200, 4095]);
  t.equal(decoder.layerCounts().vlan, 3);
  const r = decodeBuilt(f, 1, { maxVlanTags: 2 });
  t.equal(r.status, DecodeStatus.Skipped);
  t.same(r.out.anomalies, ['decode.vlan.too_many_tags']);
  t.equal(r.counters.get('decode.vlan.too_many_tags'), 1);
});

t.test('mpls: label stack, IPv4/IPv6 guess, pseudowire with control word, bound', async (t) => {
  const f = eth(0x8847, mpls([16, 17, 1048575], ipv4({ proto: 6 }, tcpGet())));
  const { out, status } = decodeBuilt(f);
  t.equal(status, DecodeStatus.Ok);
  t.same(Array.from(out.mplsLabels.subarray(0, out.mplsCount)), [16, 17, 1048575]);
  t.equal(out.transport, Transport.Tcp);
  const v6 = decodeBuilt(eth(0x8847, mpls([5], ipv6({ proto: 6 }, tcpGet()))));
  t.equal(v6.out.ipVersion, 6);
  const pw = eth(0x8847, mpls([7], payload([0, 0, 0, 0, ...eth(0x0800, ipv4({ proto: 6 }, tcpGet())).bytes])));
  const r = decodeBuilt(pw);
  t.equal(r.status, DecodeStatus.Ok);
  t.equal(r.out.transport, Transport.Tcp);
  const many = decodeBuilt(f, 1, { maxMplsLabels: 2 });
  t.same(many.out.anomalies, ['decode.mpls.too_many_labels']);
  const unknown = decodeBuilt(eth(0x8847, mpls([5], payload([0x9f, 1, 2, 3]))));
  t.same(unknown.out.anomalies, ['decode.mpls.unknown_payload']);
});

t.test('pppoe session: session id, IPv4 and IPv6 PPP protocols, other PPP', async (t) => {
  const f = eth(0x8864, pppoe(0x1a2b, 0x0021, ipv4({ proto: 6 }, tcpGet())));
  const { out } = decodeBuilt(f);
  t.equal(out.pppoeSession, 0x1a2b);
  t.equal(out.transport, Transport.Tcp);
  t.equal(payloadText(out), HTTP_GET);
  const v6 = decodeBuilt(eth(0x8864, pppoe(7, 0x0057, ipv6({ proto: 17 }, udp(1, 2, payload('x'))))));
  t.equal(v6.out.ipVersion, 6);
  t.equal(v6.out.pppoeSession, 7);
  const lcp = decodeBuilt(eth(0x8864, pppoe(7, 0xc021, payload([1, 2, 3, 4]))));
  t.equal(lcp.status, DecodeStatus.Ok);
  t.equal(lcp.out.transport, Transport.None);
  t.equal(lcp.decoder.layerCounts()['ppp-other'], 1);
});

t.test('ipv6 with extension headers (hop-by-hop, routing, destination options, AH)', async (t) => {
  const f = eth(
    0x86dd,
    ipv6(
      {
        src: '2001:db8::10',
        dst: 'fe80::1',
        proto: 6,
        hlim: 9,
        ext: [{ type: 0 }, { type: 43 }, { type: 60 }, { type: 51 }],
      },
      tcpGet(),
    ),
  );
  const { out, status } = decodeBuilt(f);
  t.equal(status, DecodeStatus.Ok);
  t.equal(ipStr(out.srcIp, 6), '2001:db8::10');
  t.equal(ipStr(out.dstIp, 6), 'fe80::1');
  t.equal(out.ttl, 9);
  t.equal(out.ipProto, 6);
  t.equal(out.dstPort, 8080);
  t.equal(payloadText(out), HTTP_GET);
  const noNext = decodeBuilt(eth(0x86dd, ipv6({ proto: 59 }, payload())));
  t.equal(noNext.status, DecodeStatus.Ok);
  t.equal(noNext.out.transport, Transport.Other);
  t.equal(noNext.out.ipProto, 59);
  const atomic = decodeBuilt(eth(0x86dd, ipv6({ proto: 6, ext: [{ type: 44 }] }, tcpGet())));
  t.equal(atomic.status, DecodeStatus.Ok, 'atomic fragment is decoded in place');
  t.equal(atomic.out.reassembled, false);
});

t.test('non-IP ethertypes and non-TCP/UDP protocols are not anomalies', async (t) => {
  const arp = decodeBuilt(eth(0x0806, payload(new Array<number>(28).fill(1))));
  t.equal(arp.status, DecodeStatus.Ok);
  t.equal(arp.out.transport, Transport.None);
  t.same(arp.out.anomalies, []);
  t.equal(arp.decoder.layerCounts().arp, 1);
  const lldp = decodeBuilt(eth(0x88cc, payload([1, 2])));
  t.equal(lldp.decoder.layerCounts()['other-ethertype'], 1);
  const icmp = decodeBuilt(eth(0x0800, ipv4({ proto: 1 }, payload([8, 0, 0, 0, 1, 2, 3, 4]))));
  t.equal(icmp.status, DecodeStatus.Ok);
  t.equal(icmp.out.transport, Transport.Other);
  t.equal(icmp.out.ipProto, 1);
  t.equal(icmp.out.payloadLength, 8);
  t.equal(icmp.decoder.layerCounts().icmp, 1);
  const llc = decodeBuilt(eth(0x0030, payload([0x42, 0x42, 0x03, 0, 0, 0])));
  t.equal(llc.status, DecodeStatus.Ok);
  const snap = decodeBuilt(eth(60, payload([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ipv4({ proto: 6 }, tcpGet()).bytes])));
  t.equal(snap.out.transport, Transport.Tcp, 'LLC/SNAP carries an ethertype');
});

t.test('link types: SLL, SLL2, raw (12, 101, 228, 229), null (both byte orders), loop, NFLOG, C-HDLC, PPP', async (t) => {
  const v4 = ipv4({ src: '10.1.1.1', dst: '10.2.2.2', proto: 6 }, tcpGet());
  const v6 = ipv6({ proto: 6 }, tcpGet());
  const cases: [string, Uint8Array, number, 4 | 6][] = [
    ['sll', sll(0x0800, v4).bytes, 113, 4],
    ['sll2', sll2(0x86dd, v6).bytes, 276, 6],
    ['raw101', v4.bytes, 101, 4],
    ['raw12', v6.bytes, 12, 6],
    ['ipv4', v4.bytes, 228, 4],
    ['ipv6', v6.bytes, 229, 6],
    ['null-le', nullHdr(2, true, v4).bytes, 0, 4],
    ['null-be', nullHdr(2, false, v4).bytes, 0, 4],
    ['null-v6-24', nullHdr(24, true, v6).bytes, 0, 6],
    ['null-v6-28', nullHdr(28, false, v6).bytes, 0, 6],
    ['null-v6-30', nullHdr(30, true, v6).bytes, 0, 6],
    ['loop', nullHdr(2, false, v4).bytes, 108, 4],
    ['nflog-v4', nflog(2, v4).bytes, 239, 4],
    ['nflog-v6', nflog(10, v6).bytes, 239, 6],
    ['chdlc', chdlc(0x0800, v4).bytes, 104, 4],
    ['ppp', ppp(0x0057, v6).bytes, 9, 6],
  ];
  for (const [name, bytes, lt, ver] of cases) {
    const { status, out } = decodeBuilt(bytes, lt);
    t.equal(status, DecodeStatus.Ok, `${name} ok`);
    t.equal(out.ipVersion, ver, `${name} ip version`);
    t.equal(out.linkType, lt);
    t.equal(payloadText(out), HTTP_GET, `${name} payload`);
  }
  const unknown = decodeBuilt(v4.bytes, 147);
  t.equal(unknown.status, DecodeStatus.Skipped);
  t.same(unknown.out.anomalies, ['decode.link.unknown_type']);
  const rawBad = decodeBuilt(Uint8Array.from([0x50, 0, 0]), 101);
  t.same(rawBad.out.anomalies, ['decode.raw.unknown_version']);
  const nfBad = decodeBuilt(Uint8Array.from([2, 0, 0, 0, 2, 0, 9, 0]), 239);
  t.same(nfBad.out.anomalies, ['decode.nflog.bad_tlv_length']);
});

t.test('layer bound: maxLayers counts every layer', async (t) => {
  const f = eth(0x8100, vlan(1, 0x8100, vlan(2, 0x0800, ipv4({ proto: 6 }, tcpGet()))));
  t.equal(decodeBuilt(f, 1, { maxLayers: 5 }).status, DecodeStatus.Ok, 'eth+2 vlan+ip+tcp = 5 layers');
  const r = decodeBuilt(f, 1, { maxLayers: 4 });
  t.equal(r.status, DecodeStatus.Skipped);
  t.same(r.out.anomalies, ['decode.layers.too_many']);
  t.equal(r.counters.get('decode.layers.too_many'), 1);
});

t.test('decoder reuses the output record: a second packet does not inherit fields', async (t) => {
  const { decoder, counters } = decodeBuilt(eth(0x0800, ipv4({ proto: 6 }, tcpGet())));
  const { DecodedPacket } = await import('../../../src/decode/types');
  const { toFrame } = await import('./frames');
  const out = new DecodedPacket();
  decoder.decode(toFrame(eth(0x8100, vlan(9, 0x0800, ipv4({ proto: 17 }, udp(1, 2, payload('z'))))).bytes), out);
  t.equal(out.vlanCount, 1);
  decoder.decode(toFrame(eth(0x0806, payload([1])).bytes), out);
  t.equal(out.vlanCount, 0);
  t.equal(out.transport, Transport.None);
  t.equal(out.ipVersion, 0);
  t.same(counters.snapshot(), {});
});
