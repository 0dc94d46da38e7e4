// Ethernet II / IPv4 / TCP frames with valid IP and TCP checksums (RFC 791, RFC 793 pseudo-header),
// DF set, the TTL the sensor would see, and MSS and SACK-permitted options on SYNs.
import { SYN } from './tcp-timeline';

/** The mirror port sees the router's MAC for every remote client and the server's own MAC. */
const ROUTER_MAC = Buffer.from([0x00, 0x1b, 0x17, 0x00, 0x01, 0x01]);
const SERVER_MAC = Buffer.from([0x52, 0x54, 0x00, 0x3a, 0x10, 0x15]);

export interface FrameFields {
  readonly srcIp: Buffer;
  readonly dstIp: Buffer;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly ttl: number;
  readonly ipId: number;
  readonly fromClient: boolean;
  readonly payload: Buffer;
}

export function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

function sum16(buf: Buffer, start: number, end: number, initial: number): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) sum += (buf[end - 1] ?? 0) << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** MSS 1460, SACK permitted, padded to a multiple of 4. */
const SYN_OPTIONS = Buffer.from([0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x01]);

export function frame(f: FrameFields): Buffer {
  const options = f.flags & SYN ? SYN_OPTIONS : Buffer.alloc(0);
  const tcpLen = 20 + options.length;
  const ipLen = 20 + tcpLen + f.payload.length;
  const buf = Buffer.alloc(14 + ipLen);
  (f.fromClient ? SERVER_MAC : ROUTER_MAC).copy(buf, 0);
  (f.fromClient ? ROUTER_MAC : SERVER_MAC).copy(buf, 6);
  buf.writeUInt16BE(0x0800, 12);
  const ip = 14;
  buf.writeUInt8(0x45, ip);
  buf.writeUInt16BE(ipLen, ip + 2);
  buf.writeUInt16BE(f.ipId & 0xffff, ip + 4);
  buf.writeUInt16BE(0x4000, ip + 6);
  buf.writeUInt8(f.ttl, ip + 8);
  buf.writeUInt8(6, ip + 9);
  f.srcIp.copy(buf, ip + 12);
  f.dstIp.copy(buf, ip + 16);
  buf.writeUInt16BE(fold(sum16(buf, ip, ip + 20, 0)), ip + 10);
  const tcp = ip + 20;
  buf.writeUInt16BE(f.srcPort, tcp);
  buf.writeUInt16BE(f.dstPort, tcp + 2);
  buf.writeUInt32BE(f.seq >>> 0, tcp + 4);
  buf.writeUInt32BE(f.ack >>> 0, tcp + 8);
  buf.writeUInt8((tcpLen / 4) << 4, tcp + 12);
  buf.writeUInt8(f.flags, tcp + 13);
  buf.writeUInt16BE(f.window, tcp + 14);
  options.copy(buf, tcp + 20);
  f.payload.copy(buf, tcp + tcpLen);
  // pseudo-header: source, destination, protocol, TCP length
  let sum = sum16(buf, ip + 12, ip + 20, 6 + tcpLen + f.payload.length);
  sum = sum16(buf, tcp, tcp + tcpLen + f.payload.length, sum);
  buf.writeUInt16BE(fold(sum), tcp + 16);
  return buf;
}
