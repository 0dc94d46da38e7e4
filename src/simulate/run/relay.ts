// A recording relay between one visit's client program and the API server, both on 127.0.0.1:
// every byte each side sends, in order, per connection, tagged with the request it belongs to, and
// who closed first. The pcap is later synthesized from these records on the simulated clock.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RequestContext } from '../server/types';

export type Direction = 'up' | 'down';

export type ConnectionEvent =
  | { readonly kind: 'data'; readonly dir: Direction; readonly request: number; readonly bytes: Buffer }
  /** A FIN; `idle` when the server closed a keep-alive connection that sat idle. */
  | { readonly kind: 'fin'; readonly dir: Direction; readonly request: number; readonly idle: boolean }
  | { readonly kind: 'reset'; readonly request: number };

export interface RecordedConnection {
  readonly events: ConnectionEvent[];
}

interface LiveConnection {
  readonly record: RecordedConnection;
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  current: number;
  lastDir: Direction | null;
  finUp: boolean;
  finDown: boolean;
  closed: Promise<void>;
}

/** Tells the server what an upstream connection's current request is (by the relay's local port). */
export type UpstreamRegistry = Map<number, () => RequestContext>;

export class VisitRelay {
  readonly connections: RecordedConnection[] = [];
  private readonly live = new Set<LiveConnection>();
  private readonly server: net.Server;
  /** Turn counter: the index of the latest request (for clients the relay cannot be told about). */
  private turns = -1;
  /** Set by the executor before each request it sends itself; null to count turns. */
  current: number | null = null;

  constructor(
    private readonly upstreamPort: number,
    private readonly registry: UpstreamRegistry,
    private readonly contextOf: (request: number) => RequestContext,
  ) {
    this.server = net.createServer({ pauseOnConnect: true }, (client) => this.accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  private accept(client: net.Socket): void {
    const record: RecordedConnection = { events: [] };
    this.connections.push(record);
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    // no Nagle on loopback: a client that writes head and body apart would wait for a delayed ACK
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let resolveClosed: () => void = () => undefined;
    const conn: LiveConnection = { record, client, upstream, current: this.current ?? this.turns, lastDir: null, finUp: false, finDown: false, closed: new Promise((r) => (resolveClosed = r)) };
    this.live.add(conn);
    let port = 0;
    upstream.once('connect', () => {
      port = upstream.localPort ?? 0;
      this.registry.set(port, () => this.contextOf(conn.current));
      client.resume();
    });
    client.on('data', (bytes: Buffer) => {
      if (conn.lastDir !== 'up') {
        if (this.current === null) this.turns++;
        conn.current = this.current ?? this.turns;
      }
      conn.lastDir = 'up';
      record.events.push({ kind: 'data', dir: 'up', request: conn.current, bytes });
      upstream.write(bytes);
    });
    upstream.on('data', (bytes: Buffer) => {
      conn.lastDir = 'down';
      record.events.push({ kind: 'data', dir: 'down', request: conn.current, bytes });
      client.write(bytes);
    });
    client.on('end', () => this.fin(conn, 'up', false));
    upstream.on('end', () => this.fin(conn, 'down', false));
    const fail = (): void => {
      if (!conn.finUp || !conn.finDown) record.events.push({ kind: 'reset', request: conn.current });
      conn.finUp = conn.finDown = true;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail);
    upstream.on('error', fail);
    let open = 2;
    const onClose = (): void => {
      if (--open > 0) return;
      this.registry.delete(port);
      this.live.delete(conn);
      resolveClosed();
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
  }

  private fin(conn: LiveConnection, dir: Direction, idle: boolean): void {
    if (dir === 'up' ? conn.finUp : conn.finDown) return;
    if (dir === 'up') conn.finUp = true;
    else conn.finDown = true;
    conn.record.events.push({ kind: 'fin', dir, request: conn.current, idle });
    if (dir === 'up') conn.upstream.end();
    else conn.client.end();
  }

  /** The server closes every idle keep-alive connection (its idle timeout); resolves once they are gone. */
  async closeIdle(): Promise<void> {
    const open = [...this.live];
    for (const conn of open) {
      this.fin(conn, 'down', true);
      conn.finDown = true;
      conn.upstream.end();
    }
    await Promise.all(open.map((c) => c.closed));
    // let the client program see the close before it is asked for the next request
    await new Promise((r) => setImmediate(r));
  }

  async close(): Promise<void> {
    await this.closeIdle();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
