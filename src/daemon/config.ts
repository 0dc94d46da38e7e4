// Daemon lifecycle options (`tapwatch run`).
import { z } from 'zod';

export const reopenSchema = z
  .object({
    /** First wait before reopening an interface that went down (a flapping mirror port). */
    initialMs: z.number().int().min(10).default(1000),
    /** Longest wait between reopen attempts; the wait doubles up to it. */
    maxMs: z.number().int().min(10).default(30000),
  })
  .strict();

export const daemonSchema = z
  .object({
    /** SIGTERM/SIGINT: longest time to drain, flush and close before exiting anyway. */
    shutdownTimeoutSec: z.number().min(1).max(600).default(30),
    reopen: reopenSchema.default(reopenSchema.parse({})),
  })
  .strict();

export type DaemonConfig = z.infer<typeof daemonSchema>;
