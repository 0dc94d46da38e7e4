// Syslog to a local unix socket, as a stream. Node's `dgram` has no AF_UNIX datagram sockets (taken
// out in 0.5 when Node was ported to Windows; still absent in 20) and `net` connects to SOCK_STREAM
// sockets only, so the usual SOCK_DGRAM /dev/log of journald or rsyslog's imuxsock cannot be
// reached without a native module. Collectors that listen on a unix *stream* socket can:
// syslog-ng's `unix-stream()` source (one message per line) and rsyslog's imptcp with `path=`
// (LF or octet-counted framing). Hence LF framing by default here.
import net from 'node:net';
import { StreamTransport, type StreamTransportOptions } from './transport-stream';

export type UnixTransportOptions = Omit<StreamTransportOptions, 'connect' | 'readyEvent' | 'target' | 'tls' | 'explain'> & {
  readonly path: string;
};

export function createUnixTransport(options: UnixTransportOptions): StreamTransport {
  const { path } = options;
  return new StreamTransport({
    ...options,
    target: `unix ${path}`,
    readyEvent: 'connect',
    connect: () => net.connect({ path }),
    explain: (err) =>
      (err as NodeJS.ErrnoException | undefined)?.code === 'EPROTOTYPE'
        ? `${path} is a datagram socket; Tapwatch needs a unix stream socket (syslog-ng unix-stream(), rsyslog imptcp path=)`
        : undefined,
  });
}
