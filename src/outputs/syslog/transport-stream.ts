// Syslog over a byte stream: TCP (RFC 6587), TLS (RFC 5425) or a unix stream socket. Connects on
// the first send, keeps the connection, and after a failure waits an exponential, jittered delay
// before the next attempt; until then `send` answers `retry` with how long to wait. `delivered`
// means the framed bytes were handed to the kernel (the write callback ran): syslog has no
// application-level acknowledgement, so a collector that dies right after may still lose them.
import type net from 'node:net';
import type { Alert } from '../../alerting/types';
import type { Counters } from '../../core/counters';
import type { SendResult, Transport } from '../types';
import { Backoff } from './backoff';
import { describeError, isCertificateError } from './errors';
import { encodeMessage, frame, type Framing } from './framing';

export interface StreamTransportOptions {
  readonly name: string;
  /** How the destination reads in reasons, e.g. `tcp 10.0.0.5:514`. */
  readonly target: string;
  readonly framing: Framing;
  readonly maxMessageBytes: number;
  readonly maxBatch: number;
  readonly connectTimeoutMs: number;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  readonly format: (alert: Alert) => string;
  readonly counters: Counters;
  /** Starts a connection; the socket is usable once it emits `readyEvent`. */
  readonly connect: () => net.Socket;
  /** `connect` for plain sockets, `secureConnect` for TLS (after the handshake and verification). */
  readonly readyEvent: 'connect' | 'secureConnect';
  /** TLS: count certificate failures apart from network ones. */
  readonly tls?: boolean;
  /** Adds what an operator should know about a connect error, e.g. a datagram-only unix socket. */
  readonly explain?: (err: unknown) => string | undefined;
  readonly random?: () => number;
}

type Ready = { readonly socket: net.Socket } | { readonly waitMs: number; readonly reason: string };

export class StreamTransport implements Transport {
  readonly name: string;
  readonly maxBatch: number;
  private socket: net.Socket | undefined;
  private connecting: Promise<Ready> | undefined;
  private retryAt = 0;
  private lastError = 'not connected yet';
  private closed = false;
  private readonly backoff: Backoff;
  private readonly prefix: string;
  /** Writes waiting for their callback, failed at once if the socket closes under them. */
  private readonly pendingWrites = new Set<(error: string) => void>();

  constructor(private readonly options: StreamTransportOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch;
    this.prefix = `outputs.syslog.${options.name}.`;
    this.backoff = new Backoff(options.reconnect.initialMs, options.reconnect.maxMs, options.random);
  }

  async send(alerts: readonly Alert[]): Promise<SendResult> {
    if (this.closed) return this.retry('transport closed');
    let payload: Buffer;
    try {
      payload = this.encode(alerts);
    } catch (err) {
      return { kind: 'rejected', reason: `syslog ${this.name}: cannot format alert: ${describeError(err)}` };
    }
    try {
      const ready = await this.ready();
      if (!('socket' in ready)) return this.retry(ready.reason, ready.waitMs);
      const error = await this.write(ready.socket, payload);
      if (error !== undefined) {
        this.options.counters.inc(`${this.prefix}write_failures`);
        this.lost(ready.socket, `write failed: ${error}`);
        ready.socket.destroy();
        return this.retry(`write to ${this.options.target} failed: ${error}`, this.waitMs());
      }
      this.options.counters.inc(`${this.prefix}sent`, alerts.length);
      this.options.counters.inc(`${this.prefix}bytes`, payload.length);
      return { kind: 'delivered' };
    } catch (err) {
      return this.retry(describeError(err));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.connecting) await this.connecting;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), 1000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private retry(reason: string, afterMs?: number): SendResult {
    const full = `syslog ${this.name}: ${reason}`;
    return afterMs === undefined ? { kind: 'retry', reason: full } : { kind: 'retry', reason: full, afterMs };
  }

  private waitMs(): number {
    return Math.max(0, this.retryAt - Date.now());
  }

  private encode(alerts: readonly Alert[]): Buffer {
    const parts: Buffer[] = [];
    for (const alert of alerts) {
      const { bytes, truncated } = encodeMessage(this.options.format(alert), this.options.maxMessageBytes);
      if (truncated) this.options.counters.inc(`${this.prefix}truncated`);
      const { framed, escapedLf } = frame(bytes, this.options.framing);
      if (escapedLf > 0) this.options.counters.inc(`${this.prefix}lf_escaped`, escapedLf);
      parts.push(framed);
    }
    return Buffer.concat(parts);
  }

  private ready(): Promise<Ready> {
    if (this.socket) return Promise.resolve({ socket: this.socket });
    if (this.connecting) return this.connecting;
    const waitMs = this.waitMs();
    if (waitMs > 0) {
      return Promise.resolve({ waitMs, reason: `not connected to ${this.options.target} (${this.lastError}); next attempt in ${waitMs} ms` });
    }
    this.connecting = this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(): Promise<Ready> {
    return new Promise((resolve) => {
      let socket: net.Socket;
      try {
        socket = this.options.connect();
      } catch (err) {
        resolve(this.connectFailed(err));
        return;
      }
      let connected = false;
      const timer = setTimeout(() => {
        if (connected) return;
        fail(new Error(`no connection within ${this.options.connectTimeoutMs} ms`));
        socket.destroy();
      }, this.options.connectTimeoutMs);
      const fail = (err: unknown): void => {
        if (connected) return;
        connected = true; // settled: later events belong to a dead socket
        clearTimeout(timer);
        socket.destroy();
        resolve(this.connectFailed(err));
      };
      socket.on('error', (err) => {
        if (!connected) fail(err);
        else this.lost(socket, describeError(err));
      });
      socket.on('close', () => {
        if (!connected) fail(new Error('connection closed before it was ready'));
        else this.lost(socket, 'connection closed by peer');
      });
      socket.once(this.options.readyEvent, () => {
        if (connected) return;
        connected = true;
        clearTimeout(timer);
        if (this.closed) {
          socket.destroy();
          resolve({ waitMs: 0, reason: 'transport closed' });
          return;
        }
        this.socket = socket;
        this.backoff.reset();
        this.options.counters.inc(`${this.prefix}connects`);
        resolve({ socket });
      });
      // A collector sends nothing; reading keeps the stream flowing so its FIN is noticed.
      socket.resume();
    });
  }

  private connectFailed(err: unknown): Ready {
    const certificate = this.options.tls === true && isCertificateError(err);
    const hint = this.options.explain?.(err);
    this.lastError = `${certificate ? 'TLS certificate rejected: ' : ''}${describeError(err)}${hint ? ` (${hint})` : ''}`;
    this.options.counters.inc(`${this.prefix}connect_failures`);
    if (certificate) this.options.counters.inc(`${this.prefix}tls_certificate_failures`);
    this.retryAt = Date.now() + this.backoff.next();
    return { waitMs: this.waitMs(), reason: `cannot connect to ${this.options.target}: ${this.lastError}` };
  }

  /** The connection went away: forget it, fail writes in flight, and wait before reconnecting. */
  private lost(socket: net.Socket, reason: string): void {
    if (this.socket === socket) {
      this.socket = undefined;
      this.lastError = reason;
      this.options.counters.inc(`${this.prefix}disconnects`);
      this.retryAt = Date.now() + this.backoff.next();
      for (const fail of this.pendingWrites) fail(reason);
    }
  }

  private write(socket: net.Socket, payload: Buffer): Promise<string | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const settle = (error: string | undefined): void => {
        if (done) return;
        done = true;
        this.pendingWrites.delete(settle);
        resolve(error);
      };
      this.pendingWrites.add(settle);
      socket.write(payload, (err) => settle(err ? describeError(err) : undefined));
    });
  }
}
