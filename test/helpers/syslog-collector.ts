// Real collectors for the transport tests: stream servers (TCP, TLS, unix) that de-frame what they
// read, written here from RFC 6587 rather than from the sender's code.
import net from 'node:net';
import tls from 'node:tls';

/** RFC 6587 §3.4.1: MSG-LEN SP SYSLOG-MSG, MSG-LEN = NONZERO-DIGIT *DIGIT, across any chunking. */
export class OctetCountingDeframer {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const space = this.buffer.indexOf(0x20);
      if (space === -1) {
        if (this.buffer.length > 10) throw new Error('no SP after 10 length digits');
        return out;
      }
      const digits = this.buffer.subarray(0, space).toString('latin1');
      if (!/^[1-9]\d{0,9}$/.test(digits)) throw new Error(`bad MSG-LEN ${JSON.stringify(digits)}`);
      const length = Number(digits);
      if (this.buffer.length < space + 1 + length) return out;
      out.push(Buffer.from(this.buffer.subarray(space + 1, space + 1 + length)));
      this.buffer = this.buffer.subarray(space + 1 + length);
    }
  }

  get pending(): number {
    return this.buffer.length;
  }
}

/** RFC 6587 §3.4.2 with LF as the trailer. */
export class LfDeframer {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (let lf = this.buffer.indexOf(0x0a); lf !== -1; lf = this.buffer.indexOf(0x0a)) {
      out.push(Buffer.from(this.buffer.subarray(0, lf)));
      this.buffer = this.buffer.subarray(lf + 1);
    }
    return out;
  }

  get pending(): number {
    return this.buffer.length;
  }
}

export interface Collector {
  readonly messages: Buffer[];
  /** Reads, and those that ended inside a message (the de-framer had to carry bytes over). */
  readonly chunks: number;
  readonly splitReads: number;
  readonly errors: Error[];
  readonly sockets: Set<net.Socket>;
  /** TLS only: whether each accepted client presented a verified certificate, and its CN. */
  readonly peers: Array<{ authorized: boolean; cn: string | undefined }>;
  port(): number;
  /** Stops listening and drops every open connection. */
  stop(): Promise<void>;
}

type Listen = { port: number; host: string } | { path: string };

export async function startCollector(
  framing: 'octet-counting' | 'lf',
  listen: Listen,
  tlsOptions?: tls.TlsOptions,
): Promise<Collector> {
  const messages: Buffer[] = [];
  const errors: Error[] = [];
  const sockets = new Set<net.Socket>();
  const peers: Collector['peers'] = [];
  let chunks = 0;
  let splitReads = 0;
  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    const deframer = framing === 'octet-counting' ? new OctetCountingDeframer() : new LfDeframer();
    socket.on('data', (chunk: Buffer) => {
      chunks++;
      try {
        messages.push(...deframer.push(chunk));
        if (deframer.pending > 0) splitReads++;
      } catch (err) {
        errors.push(err as Error);
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = tlsOptions
    ? tls.createServer(tlsOptions, (socket) => {
        const cert = socket.getPeerCertificate();
        peers.push({ authorized: socket.authorized, cn: typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined });
        onConnection(socket);
      })
    : net.createServer(onConnection);
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen, () => resolve());
  });
  return {
    messages,
    errors,
    sockets,
    peers,
    get chunks() {
      return chunks;
    },
    get splitReads() {
      return splitReads;
    },
    port: () => (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
