// Places one visit's recorded connections on the simulated clock as TCP packets seen at a mirror
// beside the server: handshake, requests and responses in segments of at most 1448 bytes, ACKs
// every second segment, and the close in the order it happened (the server's idle timeout,
// Connection: close, or a client that hangs up). Times follow from the plan and the request bytes
// only, so a seed gives the same request times however the answers came out. Sequence numbers are relative here;
// ports and initial sequence numbers are chosen when the packets are written.
import { Rng } from '../prng';
import { US_PER_SEC } from '../clock';
import type { RecordedVisit } from '../run/executor';
import type { RecordedConnection } from '../run/relay';
import type { PlannedVisit } from '../plan/types';

export const MSS = 1448;
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** Time from a response's first segment to its last. */
const RESPONSE_SPAN_US = 1_000;
/** The server closes an idle keep-alive connection after this long. */
const SERVER_IDLE_CLOSE_US = 15 * US_PER_SEC;

export interface TimedPacket {
  readonly ts: number;
  readonly fromClient: boolean;
  readonly flags: number;
  /** Relative sequence and acknowledgment numbers (0 = the SYN of that side). */
  readonly seq: number;
  readonly ack: number;
  readonly payload: Buffer;
}

export interface SentRequest {
  /** Index of the request in its visit. */
  readonly index: number;
  readonly ts: number;
  readonly method: string;
  readonly uri: string;
}

export interface TimedConnection {
  readonly visit: PlannedVisit;
  /** Order within the visit. */
  readonly order: number;
  readonly packets: TimedPacket[];
  readonly requests: SentRequest[];
  readonly start: number;
  readonly end: number;
}

interface Exchange {
  readonly request: number;
  up: Buffer[];
  down: Buffer[];
}

function exchangesOf(conn: RecordedConnection): { exchanges: Exchange[]; closes: { dir: 'up' | 'down' | 'reset'; idle: boolean }[] } {
  const byRequest = new Map<number, Exchange>();
  const exchanges: Exchange[] = [];
  const closes: { dir: 'up' | 'down' | 'reset'; idle: boolean }[] = [];
  for (const e of conn.events) {
    if (e.kind === 'data') {
      let x = byRequest.get(e.request);
      if (!x) {
        x = { request: e.request, up: [], down: [] };
        byRequest.set(e.request, x);
        exchanges.push(x);
      }
      (e.dir === 'up' ? x.up : x.down).push(e.bytes);
    } else if (e.kind === 'fin') closes.push({ dir: e.dir, idle: e.idle });
    else closes.push({ dir: 'reset', idle: false });
  }
  return { exchanges, closes };
}

/** Method and target of the request line at the start of `head`. */
export function requestLine(head: Buffer): { method: string; uri: string } | null {
  const end = head.indexOf('\r\n');
  const line = head.subarray(0, end < 0 ? Math.min(head.length, 8192) : end).toString('latin1');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
  return m && m[1] !== undefined && m[2] !== undefined ? { method: m[1], uri: m[2] } : null;
}

export function timeVisit(recorded: RecordedVisit): TimedConnection[] {
  const { visit } = recorded;
  const rng = new Rng(visit.id, 'tcp-timeline');
  const rtt = Math.max(200, visit.rttUs);
  let clock = visit.requests[0]?.at ?? 0;
  const out: TimedConnection[] = [];
  for (const [order, conn] of recorded.connections.entries()) {
    const { exchanges, closes } = exchangesOf(conn);
    if (exchanges.length === 0) continue;
    const packets: TimedPacket[] = [];
    const requests: SentRequest[] = [];
    let cseq = 1;
    let sseq = 1;
    const up = (ts: number, flags: number, payload: Buffer = EMPTY): void => {
      packets.push({ ts: Math.round(ts), fromClient: true, flags, seq: cseq, ack: sseq, payload });
      cseq += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    };
    const down = (ts: number, flags: number, payload: Buffer = EMPTY): void => {
      packets.push({ ts: Math.round(ts), fromClient: false, flags, seq: sseq, ack: cseq, payload });
      sseq += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    };
    const first = exchanges[0] as Exchange;
    const firstAt = Math.max(visit.requests[first.request]?.at ?? clock, clock);
    const serverTurn = rng.between(20, 80);
    const synAt = firstAt - rtt - serverTurn - 5;
    packets.push({ ts: Math.round(synAt), fromClient: true, flags: SYN, seq: 0, ack: 0, payload: EMPTY });
    packets.push({ ts: Math.round(synAt + serverTurn), fromClient: false, flags: SYN | ACK, seq: 0, ack: 1, payload: EMPTY });
    packets.push({ ts: Math.round(synAt + serverTurn + rtt), fromClient: true, flags: ACK, seq: 1, ack: 1, payload: EMPTY });
    let last = synAt + serverTurn + rtt;
    for (const x of exchanges) {
      const planned = visit.requests[x.request]?.at ?? last;
      let t = Math.max(planned, last + 5, clock);
      const request = Buffer.concat(x.up);
      const line = requestLine(request);
      if (line) requests.push({ index: x.request, ts: Math.round(t), ...line });
      // the client's upload: about 20 Mbit/s
      for (let off = 0, n = 0; off < request.length; off += MSS, n++) {
        const seg = request.subarray(off, off + MSS);
        up(t, off + MSS >= request.length ? PSH | ACK : ACK, seg);
        if (n % 2 === 1 && off + MSS < request.length) down(t + 30, ACK);
        t += seg.length * 0.4;
      }
      const response = Buffer.concat(x.down);
      // the server's time and the response's span come from the request alone (its page size), never
      // from the answer: another visit's writes may change a list's length between two runs of a
      // seed, and the next request's time must not move with it
      const limit = /[?&]limit=(\d{1,4})(?:&|$)/.exec(line?.uri ?? '');
      const work = rng.logNormal(6_000, 0.7) + (limit ? Number(limit[1]) * 40 : 0);
      const rt = t + work;
      if (work > 40_000 || response.length === 0) down(t + Math.min(work, 40_000) * (response.length === 0 ? 0.5 : 1), ACK);
      const segments = Math.ceil(response.length / MSS);
      // a warm server on a fast link: the whole answer within RESPONSE_SPAN_US
      const spacing = Math.min(12, RESPONSE_SPAN_US / Math.max(1, segments));
      for (let off = 0, n = 0; off < response.length; off += MSS, n++) {
        const seg = response.subarray(off, off + MSS);
        const lastSeg = off + MSS >= response.length;
        const at = rt + n * spacing;
        down(at, lastSeg ? PSH | ACK : ACK, seg);
        if (n % 2 === 1 || lastSeg) {
          // the client's ACK reaches the mirror a round trip later
          packets.push({ ts: Math.round(at + rtt), fromClient: true, flags: ACK, seq: cseq, ack: sseq, payload: EMPTY });
        }
      }
      last = rt + RESPONSE_SPAN_US + rtt;
      clock = last + rng.between(200, 2_000);
    }
    // the close, in the order the relay saw it
    const firstClose = closes[0];
    // as many draws whoever closes, so the next connection's times do not depend on who was first
    const clientLinger = rng.between(300, 3_000);
    const clientAnswer = rng.between(50, 500);
    if (firstClose?.dir === 'reset') {
      up(last + 100, RST | ACK);
    } else if (firstClose?.dir === 'up') {
      const at = last + clientLinger;
      up(at, FIN | ACK);
      down(at + 40, FIN | ACK);
      up(at + 40 + rtt, ACK);
      last = at + 40 + rtt;
    } else {
      const at = firstClose?.idle === false ? last - rtt + 20 : last - rtt + SERVER_IDLE_CLOSE_US;
      down(at, FIN | ACK);
      up(at + rtt + clientAnswer, FIN | ACK);
      down(at + rtt + 600, ACK);
      last = at + rtt + 600;
    }
    packets.sort((a, b) => a.ts - b.ts);
    out.push({ visit, order, packets, requests, start: packets[0]?.ts ?? 0, end: Math.round(last) });
  }
  return out;
}

const EMPTY = Buffer.alloc(0);
