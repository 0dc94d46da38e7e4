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

export const apiSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Serve /metrics, /healthz, /readyz and the alert API.'),
    listen: apiListenSchema.default(apiListenSchema.parse({})).describe('Where the HTTP API listens.'),
    maxBodyBytes: z.number().int().min(256).max(1024 * 1024).default(16 * 1024).describe('Largest request body accepted; larger ones get 413.'),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(10_000).describe('Time a client has to send a whole request.'),
    readyMaxEventLoopLagMs: z
      .number()
      .min(1)
      .default(1000)
      .describe('/readyz fails while the event loop lags more than this (p99 over the latest window).'),
    maxAlertsLimit: z.number().int().min(1).max(100_000).default(1000).describe('Most alerts one GET /alerts returns.'),
  })
  .strict();

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
