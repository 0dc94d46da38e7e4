// Syslog over UDP (RFC 5426): one datagram per alert, capped at maxMessageBytes (2048 by default,
// the size RFC 5426 says receivers SHOULD accept) on a character boundary. UDP has no connection,
// so `delivered` means the datagram left this host; a send error asks the outbox to retry.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Alert } from '../../alerting/types';
import type { Counters } from '../../core/counters';
import type { SendResult, Transport } from '../types';
import { describeError } from './errors';
import { encodeMessage } from './framing';

export interface UdpTransportOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  readonly maxBatch: number;
  readonly format: (alert: Alert) => string;
  readonly counters: Counters;
}

export class UdpTransport implements Transport {
  readonly name: string;
  readonly maxBatch: number;
  private socket: dgram.Socket | undefined;
  private closed = false;
  private readonly prefix: string;

  constructor(private readonly options: UdpTransportOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch;
    this.prefix = `outputs.syslog.${options.name}.`;
  }

  async send(alerts: readonly Alert[]): Promise<SendResult> {
    if (this.closed) return { kind: 'retry', reason: `syslog ${this.name}: transport closed` };
    let messages: Buffer[];
    try {
      messages = alerts.map((alert) => this.encode(alert));
    } catch (err) {
      return { kind: 'rejected', reason: `syslog ${this.name}: cannot format alert: ${describeError(err)}` };
    }
    for (const message of messages) {
      const error = await this.sendDatagram(message);
      if (error !== undefined) {
        this.options.counters.inc(`${this.prefix}send_failures`);
        return { kind: 'retry', reason: `syslog ${this.name}: udp send to ${this.options.host}:${this.options.port} failed: ${error}` };
      }
      this.options.counters.inc(`${this.prefix}sent`);
      this.options.counters.inc(`${this.prefix}bytes`, message.length);
    }
    return { kind: 'delivered' };
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private encode(alert: Alert): Buffer {
    const { bytes, truncated } = encodeMessage(this.options.format(alert), this.options.maxMessageBytes);
    if (truncated) this.options.counters.inc(`${this.prefix}truncated`);
    return bytes;
  }

  private sendDatagram(message: Buffer): Promise<string | undefined> {
    return new Promise((resolve) => {
      try {
        this.ensureSocket().send(message, this.options.port, this.options.host, (err) => resolve(err ? describeError(err) : undefined));
      } catch (err) {
        resolve(describeError(err));
      }
    });
  }

  private ensureSocket(): dgram.Socket {
    if (this.socket) return this.socket;
    const socket = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
    // A socket-level error (bind failure) makes the socket unusable: drop it, the next send makes another.
    socket.on('error', () => {
      if (this.socket === socket) this.socket = undefined;
      try {
        socket.close();
      } catch {
        // already closed
      }
    });
    this.socket = socket;
    return socket;
  }
}
