// Writes a classic little-endian pcap (magic a1b2c3d4, microseconds, Ethernet) of complete TCP/HTTP
// exchanges: one connection per exchange with its own client port, 3-way handshake, request in
// ≤1400-byte segments, ACK, response, ACK, FIN/ACK both ways and a final ACK. IPv4 header checksums
// are correct; TCP checksums are left 0 (the sensor does not verify them).
import { writeFileSync } from 'node:fs';

export interface HttpExchange {
  client: string;
  server: string;
  serverPort: number;
  request: string | Buffer;
  response: string | Buffer;
}

const MSS = 1400;
const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

function ipBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

function ipChecksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface Segment {
  src: Buffer;
  dst: Buffer;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
}

let ipId = 1;

function frame(s: Segment): Buffer {
  const eth = Buffer.alloc(14);
  Buffer.from([0x02, 0, 0, 0, 0, s.dst[3] ?? 0]).copy(eth, 0);
  Buffer.from([0x02, 0, 0, 0, 0, s.src[3] ?? 0]).copy(eth, 6);
  eth.writeUInt16BE(0x0800, 12);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.sport, 0);
  tcp.writeUInt16BE(s.dport, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp.writeUInt32BE(s.flags & ACK ? s.ack >>> 0 : 0, 8);
  tcp.writeUInt8(5 << 4, 12);
  tcp.writeUInt8(s.flags, 13);
  tcp.writeUInt16BE(65535, 14);
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(20 + 20 + s.payload.length, 2);
  ip.writeUInt16BE(ipId++ & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip.writeUInt8(64, 8);
  ip.writeUInt8(6, 9);
  s.src.copy(ip, 12);
  s.dst.copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  return Buffer.concat([eth, ip, tcp, s.payload]);
}

export function writeHttpPcap(file: string, exchanges: HttpExchange[], startSec = 1_700_000_000): void {
  const out: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeInt32LE(0, 8);
  gh.writeUInt32LE(0, 12);
  gh.writeUInt32LE(65535, 16);
  gh.writeUInt32LE(1, 20);
  out.push(gh);
  let usec = 0;
  const emit = (s: Segment): void => {
    usec += 100;
    const data = frame(s);
    const ph = Buffer.alloc(16);
    ph.writeUInt32LE(startSec + Math.floor(usec / 1_000_000), 0);
    ph.writeUInt32LE(usec % 1_000_000, 4);
    ph.writeUInt32LE(data.length, 8);
    ph.writeUInt32LE(data.length, 12);
    out.push(ph, data);
  };
  exchanges.forEach((ex, i) => {
    const c = ipBytes(ex.client);
    const sv = ipBytes(ex.server);
    const cport = 40000 + (i % 20000);
    const req = Buffer.isBuffer(ex.request) ? ex.request : Buffer.from(ex.request, 'utf8');
    const res = Buffer.isBuffer(ex.response) ? ex.response : Buffer.from(ex.response, 'utf8');
    let cseq = (1_000_000 + i * 7919) >>> 0;
    let sseq = (2_000_000_000 + i * 104729) >>> 0;
    const up = (flags: number, payload: Buffer = Buffer.alloc(0)): void => emit({ src: c, dst: sv, sport: cport, dport: ex.serverPort, seq: cseq, ack: sseq, flags, payload });
    const down = (flags: number, payload: Buffer = Buffer.alloc(0)): void => emit({ src: sv, dst: c, sport: ex.serverPort, dport: cport, seq: sseq, ack: cseq, flags, payload });
    up(SYN);
    cseq = (cseq + 1) >>> 0;
    down(SYN | ACK);
    sseq = (sseq + 1) >>> 0;
    up(ACK);
    for (let off = 0; off < req.length; off += MSS) {
      const part = req.subarray(off, off + MSS);
      up(PSH | ACK, part);
      cseq = (cseq + part.length) >>> 0;
    }
    down(ACK);
    for (let off = 0; off < res.length; off += MSS) {
      const part = res.subarray(off, off + MSS);
      down(PSH | ACK, part);
      sseq = (sseq + part.length) >>> 0;
    }
    up(ACK);
    up(FIN | ACK);
    cseq = (cseq + 1) >>> 0;
    down(FIN | ACK);
    sseq = (sseq + 1) >>> 0;
    up(ACK);
  });
  writeFileSync(file, Buffer.concat(out));
}
