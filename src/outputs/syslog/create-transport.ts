// Turns one syslog destination's config into a Transport: the protocol picks the transport, the
// format and header fields configure the RFC 5424 formatter, PEM files are read here.
import { readFileSync } from 'node:fs';
import type { Counters } from '../../core/counters';
import { formatRfc5424 } from '../formats/rfc5424';
import { FACILITIES } from '../formats/syslog-fields';
import type { Transport } from '../types';
import type { SyslogDestinationConfig } from './config';
import { createTcpTransport } from './transport-tcp';
import { createTlsTransport, type TlsMaterial } from './transport-tls';
import { UdpTransport } from './transport-udp';
import { createUnixTransport } from './transport-unix';
import { UnixDatagramTransport } from './transport-unix-dgram';

/** A PEM file named in config that cannot be read: says which option and which file. */
export class SyslogConfigError extends Error {
  override readonly name = 'SyslogConfigError';
}

function readPem(option: string, file: string): Buffer | undefined {
  if (file === '') return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SyslogConfigError(`syslog ${option} ${file}: ${(err as Error).message}`);
  }
}

export function createSyslogTransport(config: SyslogDestinationConfig, counters: Counters): Transport {
  const facility = FACILITIES[config.facility];
  const format = (alert: Parameters<typeof formatRfc5424>[0]): string =>
    formatRfc5424(alert, {
      facility,
      appName: config.appName,
      sdId: config.sdId,
      body: config.format,
      ...(config.hostname ? { hostname: config.hostname } : {}),
    });
  const common = {
    name: config.name,
    maxMessageBytes: config.maxMessageBytes,
    maxBatch: config.maxBatch,
    format,
    counters,
  };
  const stream = { ...common, framing: config.framing, connectTimeoutMs: config.connectTimeoutMs, reconnect: config.reconnect };
  switch (config.protocol) {
    case 'udp':
      return new UdpTransport({ ...common, host: config.host, port: config.port });
    case 'tcp':
      return createTcpTransport({ ...stream, host: config.host, port: config.port });
    case 'tls': {
      const material: TlsMaterial = {
        ca: readPem('tls.ca', config.tls.ca),
        cert: readPem('tls.cert', config.tls.cert),
        key: readPem('tls.key', config.tls.key),
        rejectUnauthorized: config.tls.rejectUnauthorized,
        ...(config.tls.servername ? { servername: config.tls.servername } : {}),
      };
      return createTlsTransport({ ...stream, host: config.host, port: config.port, tls: material });
    }
    case 'unix':
      return createUnixTransport({ ...stream, path: config.path });
    case 'unix-dgram':
      return new UnixDatagramTransport({ ...common, path: config.path });
  }
}
