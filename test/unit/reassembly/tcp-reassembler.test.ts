// TCP reassembly behaviours and bounds, on hand-built packets with a recording consumer.
import t from 'tap';
import { Counters } from '../../../src/core/counters';
import { TcpReassembler } from '../../../src/reassembly/tcp-reassembler';
import { CLIENT, SERVER, Recorder, reassemblyConfig, tcpPacket, type Endpoint } from './helpers';
import type { ReassemblyConfig } from '../../../src/config/schema';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');

function setup(over: Partial<ReassemblyConfig> = {}) {
  const rec = new Recorder();
  const counters = new Counters();
  const r = new TcpReassembler(reassemblyConfig(over), counters, rec);
  return { rec, counters, r };
}

function handshake(r: TcpReassembler, cisn: number, sisn: number, ts = 1, client: Endpoint = CLIENT) {
  r.handle(tcpPacket({ from: client, to: SERVER, seq: cisn, flags: 'S', ts }));
  r.handle(tcpPacket({ from: SERVER, to: client, seq: sisn, ack: cisn + 1, flags: 'SA', ts }));
  r.handle(tcpPacket({ from: client, to: SERVER, seq: cisn + 1, ack: sisn + 1, flags: 'A', ts }));
}

t.test('handshake, data both ways, FIN both ways', async (t) => {
  const { rec, r } = setup();
  handshake(r, 100, 5000);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 101, ack: 5001, flags: 'PA', payload: enc('GET / HTTP/1.1\r\n\r\n'), ts: 2 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 5001, ack: 119, flags: 'PA', payload: enc('HTTP/1.1 200 OK\r\n'), ts: 3 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 5018, ack: 119, flags: 'FA', ts: 4 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 119, ack: 5019, flags: 'FA', ts: 5 }));
  t.equal(rec.stream(0).bytes.toString(), 'GET / HTTP/1.1\r\n\r\n');
  t.equal(rec.stream(1).bytes.toString(), 'HTTP/1.1 200 OK\r\n');
  t.same(rec.events.filter((e) => e.kind === 'end').map((e) => e.kind === 'end' && [e.dir, e.reason]), [[1, 'fin'], [0, 'fin']]);
  const flow = [...rec.flows.values()][0]!;
  t.equal(flow.origIp, '10.0.0.1');
  t.equal(flow.respPort, 80);
  t.ok(flow.sawSyn);
  t.equal(r.stats().flowsActive, 1, 'closed flow lingers for stragglers');
  r.advanceTime(5 + 11);
  t.equal(r.stats().flowsActive, 0, 'removed after timeoutClosedSec of packet time');
  t.same(rec.events.at(-1), { kind: 'close', flow: flow.id, reason: 'fin' });
});

t.test('mid-stream pickup: the higher port is the originator; data from the first byte seen', async (t) => {
  const { rec, r, counters } = setup();
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 777, ack: 1, flags: 'PA', payload: enc('HTTP/1.1 200 OK\r\n'), ts: 1 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 794, flags: 'PA', payload: enc('GET /x HTTP/1.1\r\n'), ts: 2 }));
  r.closeAll();
  const flow = [...rec.flows.values()][0]!;
  t.equal(flow.origPort, CLIENT.port);
  t.notOk(flow.sawSyn);
  t.equal(rec.stream(1).bytes.toString(), 'HTTP/1.1 200 OK\r\n');
  t.equal(rec.stream(0).bytes.toString(), 'GET /x HTTP/1.1\r\n');
  t.equal(counters.get('reassembly.flows.midstream'), 1);
});

t.test('sequence numbers wrapping past 2^32', async (t) => {
  const { rec, r } = setup();
  const isn = 0xffffffff - 5;
  handshake(r, isn, 10);
  const text = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < text.length; i += 4) {
    r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: (isn + 1 + i) >>> 0, ack: 11, flags: 'PA', payload: enc(text.slice(i, i + 4)), ts: 2 }));
  }
  r.closeAll();
  t.equal(rec.stream(0).bytes.toString(), text);
  t.same(rec.stream(0).gaps, []);
});

t.test('overlaps: the first copy wins, conflicting copies are counted', async (t) => {
  const { rec, r, counters } = setup();
  handshake(r, 0, 0);
  // Two out-of-order copies of the same range with different content, then the missing start.
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 5, ack: 1, flags: 'PA', payload: enc('WORLD'), ts: 2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 5, ack: 1, flags: 'PA', payload: enc('EVIL!'), ts: 2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('HELL'), ts: 2 }));
  // A retransmission over delivered data with other content changes nothing.
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('XXXXXXXXX!!'), ts: 2 }));
  r.closeAll();
  t.equal(rec.stream(0).bytes.toString(), 'HELLWORLD!!');
  t.equal(counters.get('reassembly.overlap.inconsistent'), 1);
  t.ok(r.stats().retransmittedBytes >= 14);
});

t.test('a hole the peer acknowledged past becomes a gap at once', async (t) => {
  const { rec, r } = setup();
  handshake(r, 0, 0);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('aaaa'), ts: 2 }));
  // bytes 5..8 lost on the mirror
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 9, ack: 1, flags: 'PA', payload: enc('cccc'), ts: 2 }));
  t.same(rec.stream(0).gaps, [], 'still waiting: nothing proves the hole is lost');
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 13, flags: 'A', ts: 3 }));
  const s = rec.stream(0);
  t.same(s.gaps, [[4, 8]], 'gap declared on the ACK, before the flow ends');
  t.equal(s.bytes.toString('latin1'), 'aaaa\0\0\0\0cccc');
  // a segment arriving after its range was given up is ignored
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 5, ack: 1, flags: 'PA', payload: enc('bbbb'), ts: 3 }));
  t.equal(rec.stream(0).bytes.length, 12);
  // data beyond an acknowledged hole is delivered without buffering
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 30, flags: 'A', ts: 4 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 20, ack: 1, flags: 'PA', payload: enc('zz'), ts: 4 }));
  t.same(rec.stream(0).gaps, [[4, 8], [12, 19]]);
  t.equal(r.stats().bufferedBytes, 0);
});

t.test('lost tail before an acknowledged FIN', async (t) => {
  const { rec, r } = setup();
  handshake(r, 0, 0);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('abc'), ts: 2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 10, ack: 1, flags: 'FA', ts: 2 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 11, flags: 'A', ts: 2 }));
  t.same(rec.stream(0).gaps, [[3, 9]]);
  t.ok(rec.events.some((e) => e.kind === 'end' && e.dir === 0 && e.reason === 'fin'));
});

t.test('one-sided flow (only the client direction mirrored)', async (t) => {
  const { rec, r } = setup();
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 50, flags: 'S', ts: 1 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 51, ack: 9, flags: 'A', ts: 1 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 51, ack: 9, flags: 'PA', payload: enc('GET / HTTP/1.1\r\n\r\n'), ts: 2 }));
  r.closeAll();
  t.equal(rec.stream(0).bytes.toString(), 'GET / HTTP/1.1\r\n\r\n');
  t.same(rec.events.filter((e) => e.kind === 'end').length, 2, 'both directions end once');
});

t.test('RST: both directions end when no valid traffic follows within the closed timeout', async (t) => {
  const { rec, r } = setup();
  handshake(r, 0, 0);
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 1, flags: 'RA', payload: enc('bye'), ts: 2 }));
  t.equal(rec.stream(1).bytes.toString(), 'bye', 'data carried by the RST is delivered');
  t.equal(rec.events.filter((e) => e.kind === 'end').length, 0, 'not final yet');
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 1, flags: 'PA', payload: enc('bye'), ts: 3 }));
  t.equal(rec.events.filter((e) => e.kind === 'end').length, 0, 'a stale retransmission does not revive the flow');
  r.advanceTime(2 + 11);
  t.same(rec.events.filter((e) => e.kind === 'end').map((e) => e.kind === 'end' && e.reason), ['rst', 'rst']);
  t.same(rec.events.at(-1), { kind: 'close', flow: rec.events[0]!.flow, reason: 'rst' });
});

t.test('evasion: forged RST and FIN before the SYN-ACK do not end the connection', async (t) => {
  // The shape of suricata-verify bug-3286-02 (Linux evasion).
  const { rec, r, counters } = setup();
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1000, flags: 'S', ts: 1 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 0, ack: 1001, flags: 'RA', ts: 1.1 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 0, ack: 1, flags: 'FA', ts: 1.1 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1001, flags: 'R', ts: 1.1 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 26175, ack: 1001, flags: 'SA', ts: 1.2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1001, ack: 26176, flags: 'PA', payload: enc('GET / HTTP/1.1\r\n\r\n'), ts: 1.2 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 26176, ack: 1019, flags: 'PA', payload: enc('HTTP/1.1 200 OK\r\n'), ts: 1.3 }));
  r.closeAll();
  t.equal(rec.stream(0).bytes.toString(), 'GET / HTTP/1.1\r\n\r\n');
  t.equal(rec.stream(1).bytes.toString(), 'HTTP/1.1 200 OK\r\n');
  t.equal(counters.get('reassembly.rst.continued'), 1);
});

t.test('a new SYN on a closed connection starts a new flow (port reuse)', async (t) => {
  const { rec, r } = setup();
  handshake(r, 0, 0);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'FA', ts: 2 }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: 1, ack: 2, flags: 'FA', ts: 2 }));
  handshake(r, 90000, 7, 3);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 90001, ack: 8, flags: 'PA', payload: enc('second'), ts: 3 }));
  r.closeAll();
  const ids = [...new Set(rec.events.map((e) => e.flow))];
  t.equal(ids.length, 2);
  t.equal(rec.stream(0, ids[1]).bytes.toString(), 'second');
});

t.test('the analyzer can decline a flow: no more data, buffers freed', async (t) => {
  const { rec, r } = setup();
  handshake(r, 0, 0);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 20, ack: 1, flags: 'PA', payload: enc('later'), ts: 2 }));
  t.ok(r.stats().bufferedBytes > 0);
  rec.decline.add('*');
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('SSH-2.0'), ts: 2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 8, ack: 1, flags: 'PA', payload: enc('more'), ts: 2 }));
  t.equal(r.stats().bufferedBytes, 0);
  t.equal(rec.events.filter((e) => e.kind === 'data').length, 1, 'only the first chunk was delivered');
});

t.test('flow ids are stable for a seed and differ across seeds', async (t) => {
  const ids = (seed: number): string[] => {
    const { rec, r } = setup({ flowIdSeed: seed });
    for (let i = 0; i < 5; i++) handshake(r, 0, 0, 1, { ip: CLIENT.ip, port: 41000 + i });
    r.closeAll();
    return [...new Set(rec.events.map((e) => e.flow))];
  };
  t.same(ids(7), ids(7));
  t.not(ids(7).join(), ids(8).join());
  t.equal(new Set(ids(7)).size, 5);
});

t.test('identical 5-tuples in different VLANs / VNIs are different flows unless configured otherwise', async (t) => {
  for (const separate of [true, false]) {
    const { rec, r } = setup({ separateByEncapsulation: separate });
    for (const vlan of [10, 20]) {
      r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc(`v${vlan}`), ts: 1, vlan }));
    }
    for (const vni of [100, 200]) {
      r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc(`n${vni}`), ts: 1, vni }));
    }
    r.closeAll();
    const flows = new Set(rec.events.map((e) => e.flow));
    t.equal(flows.size, separate ? 4 : 1, `separateByEncapsulation=${separate}`);
    if (separate) {
      const infos = [...rec.flows.values()];
      t.ok(infos.some((f) => f.vlanIds[0] === 20));
      t.ok(infos.some((f) => f.tunnels[0] === 'vxlan:200'));
    }
  }
});

t.test('bound: out-of-order bytes per direction', async (t) => {
  const { rec, r, counters } = setup({ maxOutOfOrderBytes: 1024 });
  handshake(r, 0, 0);
  const chunk = new Uint8Array(600).fill(0x41);
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 101, ack: 1, flags: 'PA', payload: chunk, ts: 2 }));
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 701, ack: 1, flags: 'PA', payload: chunk, ts: 2 }));
  t.equal(counters.get('reassembly.ooo.bytes_limit'), 1);
  t.same(rec.stream(0).gaps, [[0, 100]], 'the first hole is given up and delivery carries on');
  t.equal(rec.stream(0).bytes.length, 1300);
});

t.test('bound: out-of-order segments per direction', async (t) => {
  const { rec, r, counters } = setup({ maxOutOfOrderSegments: 3 });
  handshake(r, 0, 0);
  for (let i = 0; i < 4; i++) {
    r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1 + 10 * (i + 1), ack: 1, flags: 'PA', payload: enc('0123456789'.slice(0, 5)), ts: 2 }));
  }
  t.equal(counters.get('reassembly.ooo.segments_limit'), 1);
  t.same(rec.stream(0).gaps[0], [0, 10]);
});

t.test('bound: global buffer budget across flows', async (t) => {
  const { r, counters } = setup({ globalBufferBytes: 65536, maxOutOfOrderBytes: 1 << 20 });
  const big = new Uint8Array(40000);
  for (let i = 0; i < 2; i++) {
    const client = { ip: CLIENT.ip, port: 42000 + i };
    handshake(r, 0, 0, 1, client);
    r.handle(tcpPacket({ from: client, to: SERVER, seq: 1001, ack: 1, flags: 'PA', payload: big, ts: 2 }));
  }
  t.equal(counters.get('reassembly.budget.exhausted'), 1);
  t.ok(r.stats().bufferedBytes <= 65536);
});

t.test('bound: flows in the table (oldest idle evicted)', async (t) => {
  const { rec, r, counters } = setup({ maxFlows: 16 });
  for (let i = 0; i < 20; i++) {
    const client = { ip: CLIENT.ip, port: 43000 + i };
    r.handle(tcpPacket({ from: client, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('x'), ts: 1 + i * 0.01 }));
  }
  t.equal(counters.get('reassembly.flows.evicted'), 4);
  t.equal(r.stats().flowsActive, 16);
  const evicted = rec.events.filter((e) => e.kind === 'close' && e.reason === 'evicted');
  t.equal(evicted.length, 4);
  const firstFlow = rec.events[0]!.flow;
  t.ok(evicted.some((e) => e.flow === firstFlow), 'the oldest went first');
});

t.test('timeouts on packet time: new, established, and emergency when nearly full', async (t) => {
  const { rec, r, counters } = setup({ timeoutNewSec: 30, timeoutEstablishedSec: 600 });
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: 1, flags: 'S', ts: 100 }));
  r.handle(tcpPacket({ from: { ip: CLIENT.ip, port: 44000 }, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('a'), ts: 100 }));
  r.advanceTime(129);
  t.equal(r.stats().flowsActive, 2);
  r.advanceTime(131);
  t.equal(r.stats().flowsActive, 1, 'half-open flow timed out after 30 s');
  r.advanceTime(701);
  t.equal(r.stats().flowsActive, 0, 'established flow timed out after 600 s');
  t.equal(rec.events.filter((e) => e.kind === 'close' && e.reason === 'timeout').length, 2);

  const e = setup({ maxFlows: 20, emergencyTimeoutEstablishedSec: 5 });
  for (let i = 0; i < 19; i++) {
    e.r.handle(tcpPacket({ from: { ip: CLIENT.ip, port: 45000 + i }, to: SERVER, seq: 1, ack: 1, flags: 'PA', payload: enc('a'), ts: 10 }));
  }
  e.r.advanceTime(16);
  t.equal(e.r.stats().flowsActive, 0, 'emergency timeout applied above 90% full');
  t.ok(e.counters.get('reassembly.flows.emergency_sweeps') >= 1);
  t.ok(counters.get('reassembly.flows.timeout') >= 2);
});
