// A real sd_notify receiver for tests: socat bound to a unix datagram socket (filesystem path or
// '@abstract' name), as systemd's notify socket would be. Node cannot bind one itself. socat -v logs
// each datagram's byte range of its stdout stream, which splits the stream back into datagrams.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export const hasSocat = spawnSync('socat', ['-V']).status === 0;

// A header follows the previous datagram's text directly when that did not end in a newline.
const HEADER = /> \S+ \S+\s+length=(\d+) from=(\d+) to=(\d+)\n/g;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a unix socket bound to `address` ('/path' or '@name') is listed by the kernel. */
function isBound(address: string): boolean {
  return fs
    .readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .some((line) => line.split(/\s+/).at(-1) === address);
}

/** One bounded wait: resolves when `ready()` holds, rejects naming `what` after `timeoutMs`. */
export async function waitUntil(ready: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export class NotifyListener {
  private stdout = Buffer.alloc(0);
  private stderr = '';
  private exited = false;

  private constructor(
    readonly address: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout = Buffer.concat([this.stdout, d])));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    child.on('exit', () => (this.exited = true));
  }

  static async start(address: string): Promise<NotifyListener> {
    const spec = address.startsWith('@') ? `ABSTRACT-RECV:${address.slice(1)}` : `UNIX-RECV:${address}`;
    const child = spawn('socat', ['-u', '-v', spec, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const listener = new NotifyListener(address, child);
    await waitUntil(() => listener.exited || isBound(address), `socat to bind ${address}`);
    if (listener.exited) throw new Error(`socat exited before binding ${address}: ${listener.stderr}`);
    return listener;
  }

  /** The datagrams received so far, as text, in arrival order. */
  messages(): string[] {
    const out: string[] = [];
    for (const m of this.stderr.matchAll(HEADER)) {
      const from = Number(m[2]);
      const to = Number(m[3]);
      if (to + 1 > this.stdout.length) break;
      out.push(this.stdout.subarray(from, to + 1).toString('utf8'));
    }
    return out;
  }

  /** Waits until at least `count` datagrams arrived; returns them all. */
  async waitForCount(count: number, timeoutMs = 5000): Promise<string[]> {
    await waitUntil(() => this.messages().length >= count, `${count} datagram(s) on ${this.address} (got ${JSON.stringify(this.messages())}; socat said ${JSON.stringify(this.stderr)})`, timeoutMs);
    return this.messages();
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await gone;
  }
}
