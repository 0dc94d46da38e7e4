// Buffered line writer for record output: one write per ~64 KiB instead of one per record.
import type { Writable } from 'node:stream';

const FLUSH_BYTES = 64 * 1024;

export class JsonlWriter {
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly stream: Writable) {}

  write(record: unknown): void {
    this.writeRaw(JSON.stringify(record) + '\n');
  }

  writeRaw(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
