// Options of the SQLite state database and its batched flushes. Composed into the full schema by
// config/schema.ts.
import { z } from 'zod';

export const storeSchema = z
  .object({
    path: z.string().default('').describe('SQLite file; empty = tapwatch.db in $STATE_DIRECTORY (systemd) or ./tapwatch-state.'),
    maxPendingWrites: z.number().int().min(100).default(100000).describe('Writes held while the database refuses them (disk full); the oldest are dropped beyond.'),
    flushIntervalSec: z.number().min(0.1).default(5).describe('Packet-time seconds between batched flushes.'),
    maxRowsPerFlush: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Endpoint rows written per flush (about 80 µs each, blocking capture meanwhile); the rest wait for the next flush (inventory.flush.deferred).'),
    templaterStateIntervalSec: z
      .number()
      .min(0)
      .default(60)
      .describe('Packet-time seconds between saves of the path templater state (one JSON document that grows with hosts and templates); always saved at shutdown.'),
  })
  .strict();

export type StoreConfig = z.infer<typeof storeSchema>;
