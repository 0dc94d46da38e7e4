// Daemon lifecycle options (`tapwatch run`).
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
    reopen: reopenSchema.default(reopenSchema.parse({})).describe('Reopening the capture interface after it goes down.'),
    memoryMax: z
      .string()
      .regex(/^(?:[0-9]+(?:\.[0-9]+)?[KMGTPE]?|[0-9]+(?:\.[0-9]+)?%|infinity)$/, 'a systemd size such as 2G, 512M, 50% or infinity')
      .default('2G')
      .describe('MemoryMax= of the systemd unit `tapwatch install-service` writes (systemd enforces it, not the daemon).'),
  })
  .strict();

export type DaemonConfig = z.infer<typeof daemonSchema>;
