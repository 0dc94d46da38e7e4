// IP fragment reassembly (IPv4 and IPv6 share the table): in-order, out-of-order, overlap
// (first data wins), duplicate, timeout, and each bound (maxDatagrams, maxBytes) firing.
import t from 'tap';
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, DecodeStatus, Transport, TunnelKind } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { eth, gre, HTTP_GET, ipv4, ipv6, payload, tcp, toFrame, vlan } from './frames';
import { config, ipStr, payloadText } from './helpers';

const BODY = HTTP_GET + 'x'.repeat(200);
/** The IPv4 payload (TCP header + HTTP) that gets fragmented. */
const segment4 = ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 6 }, tcp({ sport: 1111, dport: 80 }, payload(BODY))).bytes.subarray(20);
const segment6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: 6 }, tcp({ sport: 1111, dport: 80 }, payload(BODY))).bytes.subarray(40);

function frag4(offset: number, len: number, more: boolean, id = 7, data: Uint8Array = segment4, wrapEth = true): Uint8Array {
  const ip = ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 6, id, fragOffset: offset, more, rawPayload: true }, payload(Array.from(data.subarray(offset, offset + len))));
  return wrapEth ? eth(0x0800, ip).bytes : ip.bytes;
}

function frag6(offset: number, len: number, more: boolean, id = 9): Uint8Array {
  const body = [0, 0, ((offset >> 8) & 0xff), (offset & 0xf8) | (more ? 1 : 0), 0, 0, (id >> 8) & 0xff, id & 0xff];
  return eth(0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: 6, ext: [{ type: 44, body: body.slice(2) }], rawPayload: true }, payload(Array.from(segment6.subarray(offset, offset + len))))).bytes;
}

function setup(over: Record<string, unknown> = {}) {
  const counters = new Counters();
  const decoder = new PacketDecoder(config(over), counters);
  const out = new DecodedPacket();
  let ts = 1_700_000_000;
  const feed = (bytes: Uint8Array, advance = 0): DecodeStatus => {
    ts += advance;
    return decoder.decode(toFrame(bytes, 1, ts), out);
  };
  return { counters, decoder, out, feed };
}

function checkComplete(t: Tap, out: DecodedPacket, version: 4 | 6 = 4): void {
  t.equal(out.reassembled, true, 'reassembled');
  t.equal(out.transport, Transport.Tcp);
  t.equal(out.srcPort, 1111);
  t.equal(out.dstPort, 80);
  t.equal(ipStr(out.srcIp, version), version === 4 ? '10.1.0.1' : '2001:db8::1');
  t.equal(payloadText(out), BODY, 'payload is the whole reassembled body');
}

interface Tap {
  equal(found: unknown, wanted: unknown, ...message: [] | [string]): unknown;
}

const L = segment4.length; // 20 + BODY

t.test('ipv4 in order', async (t) => {
  const { feed, out, counters, decoder } = setup();
  t.equal(feed(frag4(0, 96, true)), DecodeStatus.FragmentHeld);
  t.equal(feed(frag4(96, 96, true)), DecodeStatus.FragmentHeld);
  t.equal(decoder.fragmentState().datagrams, 1);
  t.equal(feed(frag4(192, L - 192, false)), DecodeStatus.Ok);
  checkComplete(t, out);
  t.same(counters.snapshot(), {});
  t.same(decoder.fragmentState(), { datagrams: 0, bytes: 0 });
  t.equal(decoder.layerCounts()['ip-fragment'], 3);
  t.equal(decoder.layerCounts()['ip-reassembled'], 1);
});

t.test('ipv4 out of order', async (t) => {
  const { feed, out, counters } = setup();
  t.equal(feed(frag4(192, L - 192, false)), DecodeStatus.FragmentHeld);
  t.equal(feed(frag4(0, 96, true)), DecodeStatus.FragmentHeld);
  t.equal(feed(frag4(96, 96, true)), DecodeStatus.Ok);
  checkComplete(t, out);
  t.same(counters.snapshot(), {});
});

t.test('ipv4 overlap: first data wins, anomaly counted', async (t) => {
  const { feed, out, counters } = setup();
  const evil = new Uint8Array(segment4);
  evil.fill(0x41, 100, 150);
  t.equal(feed(frag4(0, 120, true)), DecodeStatus.FragmentHeld);
  // Overlaps [96, 120) with different bytes; its new part [120, 200) is evil too but not overlapping.
  t.equal(feed(frag4(96, 104, true, 7, evil)), DecodeStatus.FragmentHeld);
  t.same(out.anomalies, ['decode.ipv4.fragment.overlap']);
  t.equal(counters.get('decode.ipv4.fragment.overlap'), 1);
  t.equal(feed(frag4(200, L - 200, false)), DecodeStatus.Ok);
  const expected = new Uint8Array(segment4);
  expected.fill(0x41, 120, 150);
  const got = out.data.subarray(0, L);
  t.same(Buffer.from(got.subarray(96, 120)), Buffer.from(segment4.subarray(96, 120)), 'overlapped bytes keep the first data');
  t.same(Buffer.from(got), Buffer.from(expected));
});

t.test('ipv4 duplicate fragment', async (t) => {
  const { feed, out, counters } = setup();
  feed(frag4(0, 96, true));
  t.equal(feed(frag4(0, 96, true)), DecodeStatus.FragmentHeld);
  t.same(out.anomalies, ['decode.ipv4.fragment.duplicate']);
  t.equal(feed(frag4(96, L - 96, false)), DecodeStatus.Ok);
  checkComplete(t, out);
  t.equal(counters.get('decode.ipv4.fragment.duplicate'), 1);
});

t.test('missing fragment: timeout (lazy in decode and via expire)', async (t) => {
  const { feed, counters, decoder } = setup({ fragments: { timeoutSec: 5 } });
  feed(frag4(0, 96, true, 1));
  feed(frag4(192, L - 192, false, 1));
  t.equal(decoder.fragmentState().datagrams, 1);
  feed(eth(0x0806, payload([0])).bytes, 6);
  t.equal(counters.get('decode.ipv4.fragment.timeout'), 1, 'expired lazily by a later packet');
  t.equal(decoder.fragmentState().datagrams, 0);
  feed(frag4(0, 96, true, 2));
  decoder.expire(1_700_000_000 + 6 + 4);
  t.equal(decoder.fragmentState().datagrams, 1, 'not yet');
  decoder.expire(1_700_000_000 + 6 + 5);
  t.equal(counters.get('decode.ipv4.fragment.timeout'), 2);
  t.same(decoder.fragmentState(), { datagrams: 0, bytes: 0 });
  // A late fragment of a timed-out datagram starts a new one and does not complete it.
  t.equal(feed(frag4(96, L - 96, false, 2)), DecodeStatus.FragmentHeld);
});

t.test('maxDatagrams bound evicts the oldest', async (t) => {
  const { feed, out, counters, decoder } = setup({ fragments: { maxDatagrams: 2 } });
  feed(frag4(0, 96, true, 1));
  feed(frag4(0, 96, true, 2));
  t.equal(feed(frag4(0, 96, true, 3)), DecodeStatus.FragmentHeld);
  t.same(out.anomalies, ['decode.ipv4.fragment.table_full']);
  t.equal(counters.get('decode.ipv4.fragment.table_full'), 1);
  t.equal(decoder.fragmentState().datagrams, 2);
  // Datagram 1 was evicted, 3 completes.
  t.equal(feed(frag4(96, L - 96, false, 3)), DecodeStatus.Ok);
  checkComplete(t, out);
  t.equal(feed(frag4(96, L - 96, false, 1)), DecodeStatus.FragmentHeld, 'the evicted datagram cannot complete');
});

t.test('maxBytes bound evicts the oldest', async (t) => {
  const { feed, out, counters, decoder } = setup({ fragments: { maxBytes: 65535 } });
  const big = new Uint8Array(40008);
  // Each datagram's buffer must reach 40008 bytes to hold a fragment at offset 40000.
  t.equal(feed(frag4(40000, 8, true, 1, big)), DecodeStatus.FragmentHeld);
  t.ok(decoder.fragmentState().bytes >= 40008);
  t.equal(feed(frag4(40000, 8, true, 2, big)), DecodeStatus.FragmentHeld);
  t.same(out.anomalies, ['decode.ipv4.fragment.bytes_limit']);
  t.equal(counters.get('decode.ipv4.fragment.bytes_limit'), 1);
  t.equal(decoder.fragmentState().datagrams, 1);
  t.ok(decoder.fragmentState().bytes <= 65535);
});

t.test('inconsistent and oversized fragments', async (t) => {
  const { feed, out, counters } = setup();
  t.equal(feed(frag4(96, 8, false, 4)), DecodeStatus.FragmentHeld);
  t.equal(feed(frag4(104, 8, true, 4)), DecodeStatus.Skipped, 'data beyond the last fragment');
  t.same(out.anomalies, ['decode.ipv4.fragment.bad_length']);
  const hugeOffset = frag4(65528, 16, false, 5, new Uint8Array(65544));
  t.equal(feed(hugeOffset), DecodeStatus.Skipped);
  t.same(out.anomalies, ['decode.ipv4.fragment.too_large']);
  t.equal(counters.get('decode.ipv4.fragment.too_large'), 1);
  const cut = frag4(0, 96, true, 6);
  t.equal(feed(cut.subarray(0, cut.length - 10)), DecodeStatus.Skipped);
  t.same(out.anomalies, ['decode.ipv4.fragment.truncated']);
});

t.test('ipv6 fragments in order and out of order share the reassembly code', async (t) => {
  const L6 = segment6.length;
  const a = setup();
  t.equal(a.feed(frag6(0, 96, true)), DecodeStatus.FragmentHeld);
  t.equal(a.feed(frag6(96, L6 - 96, false)), DecodeStatus.Ok);
  checkComplete(t, a.out, 6);
  const b = setup();
  t.equal(b.feed(frag6(96, L6 - 96, false)), DecodeStatus.FragmentHeld);
  t.equal(b.feed(frag6(0, 48, true)), DecodeStatus.FragmentHeld);
  t.equal(b.feed(frag6(48, 48, true)), DecodeStatus.Ok);
  checkComplete(t, b.out, 6);
  const c = setup();
  c.feed(frag6(0, 96, true));
  c.feed(frag6(0, 96, true));
  t.equal(c.counters.get('decode.ipv6.fragment.duplicate'), 1);
});

t.test('the key includes the encapsulation context (VLAN)', async (t) => {
  const { feed, decoder } = setup();
  const onVlan = (id: number, bytes: Uint8Array) => eth(0x8100, vlan(id, 0x0800, payload(Array.from(bytes.subarray(14))))).bytes;
  feed(onVlan(10, frag4(0, 96, true)));
  t.equal(feed(onVlan(20, frag4(96, L - 96, false))), DecodeStatus.FragmentHeld, 'a different VLAN does not complete it');
  t.equal(decoder.fragmentState().datagrams, 2);
  t.equal(feed(onVlan(10, frag4(96, L - 96, false))), DecodeStatus.Ok);
});

t.test('a fragmented outer IPv4 carrying GRE is reassembled then decapsulated', async (t) => {
  const inner = eth(0x0800, ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 6 }, tcp({ sport: 1111, dport: 80 }, payload(BODY))));
  const greSeg = gre({ proto: 0x6558 }, inner).bytes;
  const mk = (off: number, len: number, more: boolean) =>
    eth(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 47, id: 3, fragOffset: off, more, rawPayload: true }, payload(Array.from(greSeg.subarray(off, off + len))))).bytes;
  const { feed, out } = setup();
  t.equal(feed(mk(0, 104, true)), DecodeStatus.FragmentHeld);
  t.equal(feed(mk(104, greSeg.length - 104, false)), DecodeStatus.Ok);
  checkComplete(t, out);
  t.equal(out.tunnelCount, 1);
  t.equal(out.tunnels[0]!.kind, TunnelKind.Gre);
  t.equal(ipStr(out.tunnels[0]!.outerSrc, 4), '192.0.2.1');
});
