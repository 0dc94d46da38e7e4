// Options of `tapwatch run` itself: lifecycle, the local HTTP API, mirror-health checks and logging.
// Composed into the full schema by config/schema.ts; kept apart from the runtime modules so loading
// the schema loads none of them.
import { z } from 'zod';

export const reopenSchema = z
  .object({
    initialMs: z.number().int().min(10).default(1000).describe('First wait before reopening an interface that went down (a flapping mirror port).'),
    maxMs: z.number().int().min(10).default(30000).describe('Longest wait between reopen attempts; the wait doubles up to it.'),
  })
  .strict();

export const daemonSchema = z
  .object({
    shutdownTimeoutSec: z.number().min(1).max(600).default(30).describe('SIGTERM/SIGINT: longest time to drain, flush and close before exiting anyway.'),
    maxQueuedTransactions: z
      .number()
      .int()
      .min(1)
      .default(4096)
      .describe('Transactions held between the HTTP stage and the consumers while a capture batch is decoded; more are handed over early (pipeline.handoff.early).'),
    tickIntervalSec: z.number().min(0.1).default(1).describe('Packet-time seconds between the ticks that let consumers close windows and roll baselines.'),
    reopen: reopenSchema.default(reopenSchema.parse({})).describe('Reopening the capture interface after it goes down.'),
    memoryMax: z
      .string()
      .regex(/^(?:[0-9]+(?:\.[0-9]+)?[KMGTPE]?|[0-9]+(?:\.[0-9]+)?%|infinity)$/, 'a systemd size such as 2G, 512M, 50% or infinity')
      .default('2G')
      .describe('MemoryMax= of the systemd unit `tapwatch install-service` writes (systemd enforces it, not the daemon).'),
  })
  .strict();

export type DaemonConfig = z.infer<typeof daemonSchema>;

export const apiListenSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address the HTTP API listens on; keep it on loopback unless a scraper needs it elsewhere.'),
    port: z.number().int().min(0).max(65535).default(9477).describe('TCP port of the HTTP API (0 = any free port).'),
  })
  .strict();

export const apiAuthSchema = z
  .object({
    maxFailuresPerMinute: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Failed token checks one remote address may make in a minute; after that it gets 429 with Retry-After until the minute is over.'),
    maxTrackedClients: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(1024)
      .describe('Remote addresses whose failures are remembered; beyond it the oldest is forgotten (api.auth.clients_evicted).'),
  })
  .strict();

export const apiTlsSchema = z
  .object({
    certFile: z.string().default('').describe('PEM certificate (chain) of the API; with keyFile the API is served over https. Required off loopback.'),
    keyFile: z.string().default('').describe('PEM private key of certFile.'),
    clientCaFile: z.string().default('').describe('PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS), in addition to the token.'),
  })
  .strict()
  .refine((t) => (t.certFile === '') === (t.keyFile === ''), { message: 'tls.certFile and tls.keyFile go together' })
  .refine((t) => t.clientCaFile === '' || t.certFile !== '', { message: 'tls.clientCaFile needs tls.certFile and tls.keyFile' });

/** sun_path is 108 bytes with the terminating NUL; a longer path would be cut short silently. */
export const MAX_SOCKET_PATH_BYTES = 107;

export const apiSocketSchema = z
  .object({
    path: z
      .string()
      .refine((p) => Buffer.byteLength(p) <= MAX_SOCKET_PATH_BYTES, { message: `longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit of a unix socket path` })
      .default('')
      .describe("Unix socket serving the same routes, mode 0600 ('' = off); connections on it need no token."),
    role: z.enum(['read', 'admin']).default('admin').describe('Role of every connection on the unix socket (the file permissions decide who may connect).'),
  })
  .strict();

/** 127.0.0.0/8, ::1 and localhost: the only places the API may listen without TLS. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Why the API may not listen at api.listen.host (the reason after the key's name); null when it may. */
export function insecureListenReason(api: { listen: { host: string }; tls: { certFile: string; keyFile: string } }): string | null {
  if (isLoopbackHost(api.listen.host) || (api.tls.certFile !== '' && api.tls.keyFile !== '')) return null;
  return `${api.listen.host} is not a loopback address, so tokens would cross the network in clear text: set api.tls.certFile and api.tls.keyFile, or listen on 127.0.0.1`;
}

export const apiSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Serve /metrics, /healthz, /readyz and the alert API.'),
    listen: apiListenSchema.default(apiListenSchema.parse({})).describe('Where the HTTP API listens; off loopback only with api.tls.'),
    maxBodyBytes: z.number().int().min(256).max(1024 * 1024).default(16 * 1024).describe('Largest request body accepted; larger ones get 413.'),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(10_000).describe('Time a client has to send a whole request.'),
    readyMaxEventLoopLagMs: z
      .number()
      .min(1)
      .default(1000)
      .describe('/readyz fails while the event loop lags more than this (p99 over the latest window).'),
    maxAlertsLimit: z.number().int().min(1).max(100_000).default(1000).describe('Most alerts one GET /alerts returns.'),
    metricsWithoutToken: z
      .boolean()
      .default(false)
      .describe('Serve /metrics without a token (a scraper that cannot send one); every other route but /healthz and /readyz still needs one.'),
    auth: apiAuthSchema.default(apiAuthSchema.parse({})).describe('Bearer tokens (tapwatch token): failure rate limit per remote address.'),
    tls: apiTlsSchema.default(apiTlsSchema.parse({})).describe('Serving the API over https, optionally with client certificates.'),
    socket: apiSocketSchema.default(apiSocketSchema.parse({})).describe('A local unix socket for the API, authorised by its file permissions.'),
  })
  .strict()
  .superRefine((api, ctx) => {
    // an empty host is reported by its own rule already
    const reason = api.listen.host === '' ? null : insecureListenReason(api);
    if (reason) ctx.addIssue({ code: 'custom', path: ['listen', 'host'], message: reason });
  });

export type ApiConfig = z.infer<typeof apiSchema>;

export const mirrorHealthSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Check the mirror periodically and warn when it looks wrong.'),
    intervalSec: z.number().min(1).max(3600).default(60).describe('Seconds between checks; each check judges the traffic since the previous one.'),
    minFlows: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Closed TCP flows with payload an interval needs before the one-direction check judges it.'),
    maxOneSidedRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Share of those flows seen in one direction only above which the mirror is reported as one-directional.'),
    minAcks: z.number().int().min(1).default(200).describe('TCP ACK events an interval needs before the capture-loss check judges it.'),
    maxLossPercent: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe('Estimated capture loss (ACKs above a hole per 100 ACKs, as Zeek) above which a warning is raised.'),
    noHttpAfterSec: z
      .number()
      .min(1)
      .default(600)
      .describe('Seconds of TCP traffic without one HTTP transaction before warning that no HTTP is found.'),
    noHttpMinTcpBytes: z
      .number()
      .int()
      .min(0)
      .default(1024 * 1024)
      .describe('TCP payload bytes that must have passed in that time for the no-HTTP warning.'),
    minTcpPackets: z
      .number()
      .int()
      .min(1)
      .default(200)
      .describe('TCP packets with payload an interval needs before the encrypted-traffic check judges it.'),
    maxEncryptedRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Share of TCP payload packets that are TLS (a TLS record header, or port 443) above which everything is reported as encrypted.'),
  })
  .strict();

export type MirrorHealthConfig = z.infer<typeof mirrorHealthSchema>;

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Lowest level of JSON log lines written to stdout (journald).'),
  })
  .strict();

export type LogConfig = z.infer<typeof logSchema>;
