// Classic pcap (little-endian, microseconds, Ethernet), written in large blocks.
import { closeSync, openSync, writeSync } from 'node:fs';

const LINKTYPE_ETHERNET = 1;
const FLUSH_BYTES = 4 << 20;

export class PcapFile {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;
  packets = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeInt32LE(0, 8);
    header.writeUInt32LE(0, 12);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.push(header);
  }

  /** One frame at `tsUs` microseconds since the epoch. */
  write(tsUs: number, frame: Buffer): void {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(tsUs / 1_000_000), 0);
    record.writeUInt32LE(tsUs % 1_000_000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    this.push(record);
    this.push(frame);
    this.packets++;
  }

  private push(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.bytes += buf.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
