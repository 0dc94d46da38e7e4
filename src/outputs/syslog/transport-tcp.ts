// Syslog over plain TCP (RFC 6587): octet counting by default, LF framing where the collector
// only splits on line ends.
import net from 'node:net';
import { StreamTransport, type StreamTransportOptions } from './transport-stream';

export type TcpTransportOptions = Omit<StreamTransportOptions, 'connect' | 'readyEvent' | 'target' | 'tls'> & {
  readonly host: string;
  readonly port: number;
};

export function createTcpTransport(options: TcpTransportOptions): StreamTransport {
  const { host, port } = options;
  return new StreamTransport({
    ...options,
    target: `tcp ${host}:${port}`,
    readyEvent: 'connect',
    connect: () => {
      const socket = net.connect({ host, port });
      // Notice a collector that vanished without a FIN, and do not hold small messages back.
      socket.setKeepAlive(true, 30_000);
      socket.setNoDelay(true);
      return socket;
    },
  });
}
