// Syslog over TLS (RFC 5425): octet-counting framing, the collector's certificate verified against
// the configured CA (or the system's) and its name, optionally a client certificate for mutual TLS.
// The PEM files are read once when the transport is made, so a missing file is a startup error.
import tls from 'node:tls';
import { StreamTransport, type StreamTransportOptions } from './transport-stream';

export interface TlsMaterial {
  /** PEM of the CA(s) to trust instead of the system's; undefined = system CAs. */
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Name to send as SNI and check the certificate against; default: the host. */
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

export type TlsTransportOptions = Omit<StreamTransportOptions, 'connect' | 'readyEvent' | 'target' | 'tls'> & {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMaterial;
};

export function createTlsTransport(options: TlsTransportOptions): StreamTransport {
  const { host, port, tls: material } = options;
  return new StreamTransport({
    ...options,
    target: `tls ${host}:${port}`,
    readyEvent: 'secureConnect',
    tls: true,
    connect: () => {
      const socket = tls.connect({
        host,
        port,
        ca: material.ca,
        cert: material.cert,
        key: material.key,
        rejectUnauthorized: material.rejectUnauthorized,
        ...(material.servername ? { servername: material.servername } : {}),
      });
      socket.setKeepAlive(true, 30_000);
      socket.setNoDelay(true);
      return socket;
    },
  });
}
