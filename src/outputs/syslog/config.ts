// Config of one syslog destination. The outputs section lists them (`outputs/config.ts`); the factory
// that turns one into a Transport is `create-transport.ts`. Defaults that depend on the protocol (port,
// framing, message cap) are filled in by the schema, so the parsed config always says what will be used.
import { z } from 'zod';
import { DEFAULT_APP_NAME, DEFAULT_SD_ID, FACILITY_NAMES, SD_ID_PATTERN } from '../formats/syslog-fields';

const port = z.number().int().min(1).max(65535);

export const syslogTlsSchema = z
  .object({
    ca: z.string().default('').describe("PEM file of the CA(s) that sign the collector's certificate; empty = the system's CAs."),
    cert: z.string().default('').describe('PEM client certificate for mutual TLS; empty = none. Needs `key`.'),
    key: z.string().default('').describe('PEM private key of the client certificate.'),
    servername: z.string().default('').describe("Name the collector's certificate must carry (and SNI); empty = the host."),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse collectors whose certificate does not verify; turn off only to debug.'),
  })
  .strict()
  .refine((t) => (t.cert === '') === (t.key === ''), { message: 'tls.cert and tls.key go together' });

export const syslogReconnectSchema = z
  .object({
    initialMs: z.number().int().min(1).default(500).describe('First delay after a failed connection; doubles per failure, with jitter.'),
    maxMs: z.number().int().min(1).default(30_000).describe('Longest delay between connection attempts.'),
  })
  .strict()
  .refine((r) => r.maxMs >= r.initialMs, { message: 'reconnect.maxMs must be at least reconnect.initialMs' });

export const syslogFilterSchema = z
  .object({
    minSeverity: z.enum(['info', 'low', 'medium', 'high', 'critical']).default('info').describe('Alerts below this severity are not sent here.'),
    detectors: z.array(z.string().min(1)).default([]).describe('Only alerts of these types (detector names); empty = all.'),
    hosts: z.array(z.string().min(1)).default([]).describe('Only alerts about these API hosts; empty = all.'),
  })
  .strict();

/** The destination as written, before protocol-dependent defaults are filled in. */
export const syslogDestinationObject = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (at most 64)')
      .describe('Names the destination in counters (`outputs.syslog.<name>.*`) and logs.'),
    protocol: z.enum(['udp', 'tcp', 'tls', 'unix', 'unix-dgram']).default('udp').describe('udp (RFC 5426), tcp (RFC 6587), tls (RFC 5425), a local unix stream socket (unix), or a local datagram socket such as /dev/log (unix-dgram).'),
    host: z.string().min(1).default('127.0.0.1').describe('Collector host name or address (udp, tcp, tls).'),
    port: port.optional().describe('Collector port; default 514 for udp and tcp, 6514 for tls.'),
    path: z.string().default('').describe('Socket path: a stream socket for protocol unix, a datagram socket (default /dev/log) for unix-dgram; `@name` is an abstract socket.'),
    framing: z.enum(['octet-counting', 'lf']).optional().describe('Stream framing: octet-counting (`LEN SP MSG`) or lf; default octet-counting, lf for unix.'),
    format: z.enum(['json', 'cef']).default('json').describe('Message body after the structured data: the alert as JSON, or ArcSight CEF.'),
    facility: z.enum(FACILITY_NAMES).default('local0').describe('Syslog facility; PRI = facility × 8 + severity.'),
    appName: z.string().min(1).default(DEFAULT_APP_NAME).describe('APP-NAME header field (at most 48 printable ASCII characters are kept).'),
    sdId: z.string().regex(SD_ID_PATTERN, 'an SD-ID: 1–32 printable ASCII, no =, space, ] or "').default(DEFAULT_SD_ID)
      .describe('Structured-data id; 32473 is the documentation enterprise number, put your own PEN here.'),
    hostname: z.string().default('').describe('HOSTNAME header field; empty = the sensor name in the alert.'),
    maxMessageBytes: z.number().int().min(480).max(65000).optional()
      .describe('Longest message in bytes (cut on a character boundary, counted); default 2048 udp, 8192 streams.'),
    maxBatch: z.number().int().min(1).max(10_000).default(100).describe('Alerts handed to one send (framed into one write on streams).'),
    connectTimeoutMs: z.number().int().min(1).default(5000).describe('Time allowed for a connection (and TLS handshake) before it counts as failed.'),
    tls: syslogTlsSchema.default(syslogTlsSchema.parse({})).describe('Certificates for protocol tls.'),
    reconnect: syslogReconnectSchema.default(syslogReconnectSchema.parse({})).describe('Backoff between connection attempts (tcp, tls, unix).'),
    filter: syslogFilterSchema.default(syslogFilterSchema.parse({})).describe('Which alerts go to this destination.'),
  })
  .strict();

export const syslogDestinationSchema = syslogDestinationObject
  .superRefine((d, ctx) => {
    if (d.protocol === 'unix' && d.path === '') ctx.addIssue({ code: 'custom', path: ['path'], message: 'protocol unix needs a socket path' });
    if (d.protocol !== 'tls' && (d.tls.ca !== '' || d.tls.cert !== '')) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: `tls options are only used with protocol tls, not ${d.protocol}` });
    }
  })
  .transform((d) => ({
    ...d,
    port: d.port ?? (d.protocol === 'tls' ? 6514 : 514),
    framing: d.framing ?? (d.protocol === 'unix' ? ('lf' as const) : ('octet-counting' as const)),
    maxMessageBytes: d.maxMessageBytes ?? (d.protocol === 'udp' ? 2048 : 8192),
    path: d.path || (d.protocol === 'unix-dgram' ? '/dev/log' : d.path),
  }));

export type SyslogDestinationInput = z.input<typeof syslogDestinationSchema>;
export type SyslogDestinationConfig = z.output<typeof syslogDestinationSchema>;
