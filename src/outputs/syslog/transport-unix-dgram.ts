// Syslog to a local unix *datagram* socket: /dev/log (rsyslog's imuxsock, syslog-ng's unix-dgram(),
// journald's /run/systemd/journal/syslog), one message per datagram as those readers expect. Node
// cannot send on AF_UNIX datagram sockets, so the send goes through our addon (sendUnixDatagram,
// the same call sd_notify uses); it never blocks: a full socket queue is a retry.
import type { Alert } from '../../alerting/types';
import type { Counters } from '../../core/counters';
import { loadNativeAddon } from '../../core/native-addon';
import type { SendResult, Transport } from '../types';
import { describeError } from './errors';
import { encodeMessage } from './framing';

export interface UnixDatagramTransportOptions {
  readonly name: string;
  readonly path: string;
  readonly maxMessageBytes: number;
  readonly maxBatch: number;
  readonly format: (alert: Alert) => string;
  readonly counters: Counters;
}

export class UnixDatagramTransport implements Transport {
  readonly name: string;
  readonly maxBatch: number;
  private readonly prefix: string;
  private closed = false;

  constructor(private readonly options: UnixDatagramTransportOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch;
    this.prefix = `outputs.syslog.${options.name}.`;
  }

  send(alerts: readonly Alert[]): Promise<SendResult> {
    if (this.closed) return Promise.resolve({ kind: 'retry', reason: `syslog ${this.name}: transport closed` });
    const { sendUnixDatagram } = loadNativeAddon();
    for (const alert of alerts) {
      let message: Buffer;
      try {
        const encoded = encodeMessage(this.options.format(alert), this.options.maxMessageBytes);
        if (encoded.truncated) this.options.counters.inc(`${this.prefix}truncated`);
        message = encoded.bytes;
      } catch (err) {
        return Promise.resolve({ kind: 'rejected', reason: `syslog ${this.name}: cannot format alert: ${describeError(err)}` });
      }
      try {
        sendUnixDatagram(this.options.path, message);
      } catch (err) {
        // ENOENT (no reader yet), ECONNREFUSED (reader gone), EAGAIN (queue full): all pass
        this.options.counters.inc(`${this.prefix}send_failures`);
        return Promise.resolve({ kind: 'retry', reason: `syslog ${this.name}: unix datagram to ${this.options.path} failed: ${describeError(err)}` });
      }
      this.options.counters.inc(`${this.prefix}sent`);
      this.options.counters.inc(`${this.prefix}bytes`, message.length);
    }
    return Promise.resolve({ kind: 'delivered' });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
