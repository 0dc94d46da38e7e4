// Host IPv6 tunnels over UDP that Zeek decapsulates by default: Teredo (incl. learned relay peers,
// bounded) and AYIYA. Anything else on their ports stays plain UDP, never an anomaly.
import t from 'tap';
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, DecodeStatus, Transport, TunnelKind } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { eth, ipv4, ipv6, payload, tcp, toFrame, udp, type Built } from './frames';
import { config, decodeBuilt, ipStr } from './helpers';

const inner = (): Built => ipv6({ src: '2001:0:4137:9e50::1', dst: '2001:4860::68', proto: 6 }, tcp({ sport: 1286, dport: 80 }, payload('GET / HTTP/1.1\r\n')));

function teredoFrame(sport: number, dport: number, prefix: number[], src = '192.168.2.16', dst = '65.55.158.80'): Built {
  const body = inner();
  const bytes = new Uint8Array(prefix.length + body.bytes.length);
  bytes.set(prefix, 0);
  bytes.set(body.bytes, prefix.length);
  return eth(0x0800, ipv4({ src, dst, proto: 17 }, udp(sport, dport, payload(bytes))));
}

const AUTH = [0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x00];
const ORIGIN = [0x00, 0x00, 0x0e, 0xd5, 0x41, 0x37, 0x9e, 0x50];

t.test('Teredo on its port: plain, with authentication and origin indication', async (t) => {
  for (const prefix of [[], AUTH, ORIGIN, [...AUTH, ...ORIGIN]]) {
    const { status, out } = decodeBuilt(teredoFrame(3797, 3544, prefix));
    t.equal(status, DecodeStatus.Ok);
    t.equal(out.tunnelCount, 1);
    t.equal(out.tunnels[0]!.kind, TunnelKind.Teredo);
    t.equal(ipStr(out.tunnels[0]!.outerSrc, 4), '192.168.2.16');
    t.equal(out.transport, Transport.Tcp);
    t.equal(ipStr(out.srcIp, 6), '2001:0:4137:9e50::1');
    t.equal(out.dstPort, 80);
  }
});

t.test('other traffic on the Teredo port stays plain UDP', async (t) => {
  const { status, out, counters } = decodeBuilt(eth(0x0800, ipv4({ proto: 17 }, udp(5000, 3544, payload('not ipv6 at all, just text')))));
  t.equal(status, DecodeStatus.Ok);
  t.equal(out.transport, Transport.Udp);
  t.equal(out.tunnelCount, 0);
  t.same(counters.snapshot(), {});
});

t.test('a client learned from its Teredo server exchange is decoded with relays on any port; the peer set is bounded', async (t) => {
  const counters = new Counters();
  const decoder = new PacketDecoder(config({ maxTeredoPeers: 2 }), counters);
  const out = new DecodedPacket();
  const run = (b: Built): DecodeStatus => decoder.decode(toFrame(b.bytes), out);
  const relay = (clientPort: number, client = '192.168.2.16'): Built => teredoFrame(32900, clientPort, [], '83.170.1.38', client);

  run(relay(3797));
  t.equal(out.tunnelCount, 0, 'unknown client: relay traffic is plain UDP');
  run(teredoFrame(3797, 3544, AUTH));
  run(relay(3797));
  t.equal(out.tunnels[0]?.kind, TunnelKind.Teredo, 'learned client: relay traffic decapsulated');
  t.equal(out.transport, Transport.Tcp);

  run(teredoFrame(4000, 3544, []));
  run(teredoFrame(4001, 3544, []));
  t.equal(counters.get('decode.teredo.peers_evicted'), 1, 'third client evicts the oldest');
  run(relay(3797));
  t.equal(out.tunnelCount, 0, 'the evicted client is forgotten');
  run(relay(4001));
  t.equal(out.tunnelCount, 1);
});

t.test('AYIYA: IPv6 and IPv4 payloads; other opcodes stay UDP', async (t) => {
  const ayiya = (opcode: number, next: number, body: Built): Built => {
    const hdr = [0x40, 0x00, 0x10 | opcode, next, 0, 0, 0, 0, ...new Array(16).fill(7)];
    const bytes = new Uint8Array(hdr.length + body.bytes.length);
    bytes.set(hdr, 0);
    bytes.set(body.bytes, hdr.length);
    return eth(0x0800, ipv4({ proto: 17 }, udp(5072, 5072, payload(bytes))));
  };
  let r = decodeBuilt(ayiya(1, 41, inner()));
  t.equal(r.out.tunnels[0]?.kind, TunnelKind.Ayiya);
  t.equal(r.out.dstPort, 80);
  r = decodeBuilt(ayiya(1, 4, ipv4({ src: '10.1.1.1', dst: '10.2.2.2', proto: 6 }, tcp({ sport: 1, dport: 443 }, payload('x')))));
  t.equal(ipStr(r.out.dstIp, 4), '10.2.2.2');
  r = decodeBuilt(ayiya(2, 41, inner()));
  t.equal(r.out.tunnelCount, 0);
  t.equal(r.out.transport, Transport.Udp);
});
