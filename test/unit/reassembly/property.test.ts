// Reassembly property test: a random byte stream cut into segments, then shuffled, duplicated,
// overlapped and partly dropped, must come out in order with gaps exactly where no copy survived.
import t from 'tap';
import { Counters } from '../../../src/core/counters';
import { TcpReassembler } from '../../../src/reassembly/tcp-reassembler';
import { CLIENT, SERVER, Recorder, prng, reassemblyConfig, tcpPacket } from './helpers';

interface Piece {
  offset: number;
  bytes: Uint8Array;
}

/** Maximal ranges of [0, total) covered by no piece. */
function uncovered(pieces: Piece[], total: number): [number, number][] {
  const covered = new Uint8Array(total);
  for (const p of pieces) covered.fill(1, p.offset, p.offset + p.bytes.length);
  const out: [number, number][] = [];
  for (let i = 0; i < total; ) {
    if (covered[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < total && !covered[j]) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

function scenario(seed: number) {
  const rnd = prng(seed);
  const total = 1 + Math.floor(rnd() * 30000);
  const stream = new Uint8Array(total);
  for (let i = 0; i < total; i++) stream[i] = Math.floor(rnd() * 256);
  // Cut in true order.
  const inOrder: Piece[] = [];
  for (let pos = 0; pos < total; ) {
    const len = Math.min(total - pos, 1 + Math.floor(rnd() * 1460));
    inOrder.push({ offset: pos, bytes: stream.subarray(pos, pos + len) });
    pos += len;
  }
  // Extra overlapping copies (same bytes: a retransmission re-cut differently).
  const extras: Piece[] = [];
  for (let k = Math.floor(rnd() * 6); k > 0; k--) {
    const a = Math.floor(rnd() * total);
    const b = Math.min(total, a + 1 + Math.floor(rnd() * 3000));
    extras.push({ offset: a, bytes: stream.subarray(a, b) });
  }
  let seen = [...inOrder, ...extras].filter(() => rnd() > 0.12);
  seen = seen.concat(seen.filter(() => rnd() < 0.1)); // duplicates
  // Shuffle locally (mirror reordering) or fully.
  const window = rnd() < 0.5 ? 4 : seen.length;
  for (let i = seen.length - 1; i > 0; i--) {
    const j = Math.max(0, i - Math.floor(rnd() * window));
    [seen[i], seen[j]] = [seen[j]!, seen[i]!];
  }
  return { rnd, total, stream, inOrder, seen };
}

function run(seed: number, withServerAcks: boolean) {
  const { rnd, total, stream, inOrder, seen } = scenario(seed);
  const isn = rnd() < 0.3 ? 0xffffffff - Math.floor(rnd() * 20000) : Math.floor(rnd() * 0xffffffff);
  const sisn = Math.floor(rnd() * 0xffffffff);
  const rec = new Recorder();
  const counters = new Counters();
  const r = new TcpReassembler(reassemblyConfig({ maxOutOfOrderBytes: 1 << 24, maxOutOfOrderSegments: 100000 }), counters, rec);
  let ts = 1000;
  r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: isn, flags: 'S', ts }));
  r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: sisn, ack: isn + 1, flags: 'SA', ts }));
  // The server receives everything in true order; its cumulative ACK follows that order.
  let serverAcked = 0;
  const finAt = Math.floor(rnd() * (seen.length + 1));
  seen.forEach((p, i) => {
    ts += 0.001;
    if (i === finAt) r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: isn + 1 + total, ack: sisn + 1, flags: 'FA', ts }));
    r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: isn + 1 + p.offset, ack: sisn + 1, flags: 'PA', payload: p.bytes, ts }));
    if (withServerAcks && rnd() < 0.3) {
      serverAcked = Math.min(total, inOrder[Math.floor(((i + 1) / seen.length) * (inOrder.length - 1))]!.offset);
      r.handle(tcpPacket({ from: SERVER, to: CLIENT, seq: sisn + 1, ack: isn + 1 + serverAcked, flags: 'A', ts }));
    }
  });
  if (finAt >= seen.length) r.handle(tcpPacket({ from: CLIENT, to: SERVER, seq: isn + 1 + total, ack: sisn + 1, flags: 'FA', ts }));
  r.closeAll();
  const out = rec.stream(0);
  return { total, stream, seen, out, rec, budgetLeft: r.stats().bufferedBytes };
}

t.test('without peer ACKs: gaps are exactly the ranges no copy covered', async (t) => {
  const bad: string[] = [];
  for (let seed = 1; seed <= 300; seed++) {
    const { total, stream, seen, out, budgetLeft } = run(seed, false);
    const expectedGaps = uncovered(seen, total);
    const problems: string[] = [];
    if (!out.contiguous) problems.push('offsets not contiguous');
    if (out.bytes.length !== total) problems.push(`length ${out.bytes.length} != ${total}`);
    if (JSON.stringify(out.gaps) !== JSON.stringify(expectedGaps)) problems.push(`gaps ${JSON.stringify(out.gaps)} != ${JSON.stringify(expectedGaps)}`);
    const inGap = new Uint8Array(total);
    for (const [a, b] of out.gaps) inGap.fill(1, a, b);
    for (let i = 0; i < total; i++) {
      if (!inGap[i] && out.bytes[i] !== stream[i]) {
        problems.push(`byte ${i} differs`);
        break;
      }
    }
    if (budgetLeft !== 0) problems.push(`budget not released: ${budgetLeft}`);
    if (problems.length > 0) bad.push(`seed ${seed}: ${problems.join('; ')}`);
  }
  t.same(bad, []);
});

t.test('with peer ACKs: bytes are right and every lost range is inside a gap', async (t) => {
  const bad: string[] = [];
  let ackGapRuns = 0;
  for (let seed = 1001; seed <= 1300; seed++) {
    const { total, stream, seen, out, rec } = run(seed, true);
    const problems: string[] = [];
    if (!out.contiguous) problems.push('offsets not contiguous');
    if (out.bytes.length !== total) problems.push(`length ${out.bytes.length} != ${total}`);
    const inGap = new Uint8Array(total);
    for (const [a, b] of out.gaps) inGap.fill(1, a, b);
    for (const [a, b] of uncovered(seen, total)) {
      for (let i = a; i < b; i++) {
        if (!inGap[i]) {
          problems.push(`lost byte ${i} not in a gap`);
          break;
        }
      }
    }
    for (let i = 0; i < total; i++) {
      if (!inGap[i] && out.bytes[i] !== stream[i]) {
        problems.push(`byte ${i} differs`);
        break;
      }
    }
    const firstEnd = rec.events.findIndex((e) => e.kind === 'end');
    if (rec.events.some((e, i) => e.kind === 'gap' && i < firstEnd)) ackGapRuns++;
    if (problems.length > 0) bad.push(`seed ${seed}: ${problems.join('; ')}`);
  }
  t.same(bad, []);
  t.ok(ackGapRuns > 20, `ACK-proven holes were declared before the end in ${ackGapRuns} runs`);
});
