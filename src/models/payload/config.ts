// The request-payload classifier's options (`models.payload`). Imports only zod (the config loads it).
import { z } from 'zod';

export const payloadModelSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Score requests with parameters or a body with the shipped payload classifier.'),
    modelDir: z.string().nullable().default(null).describe('Folder with model.json, weights.bin and metadata.json; null = the shipped models/payload.'),
    maxQueued: z.number().int().min(1).default(8192).describe('Requests waiting for the next tick; past it new ones are dropped (models.payload.dropped).'),
    batchSize: z.number().int().min(1).max(4096).default(256).describe('Requests scored per model call.'),
    cacheEntries: z.number().int().min(0).default(50_000).describe('Recent request texts (by hash) whose score is remembered; APIs repeat the same queries (models.payload.cache_evictions past it).'),
    minFlaggedRequests: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Distinct request texts of one actor (identity, else client IP) the model must flag within windowSec before it reports a finding: one odd value is not an attack.'),
    windowSec: z.number().min(1).default(600).describe('Packet-time window for minFlaggedRequests.'),
    cooldownSec: z
      .number()
      .min(0)
      .default(600)
      .describe("Packet-time seconds after a finding during which the same actor's flagged requests are counted (models.payload.cooldown_suppressed) but raise no other."),
    maxActors: z.number().int().min(1).default(10_000).describe('Actors with flagged requests remembered; past it the oldest is forgotten (models.payload.actors_overflow).'),
    maxBodyBytes: z.number().int().min(0).default(65_536).describe('Larger request bodies are not read; the request line still is scored.'),
  })
  .strict();
export type PayloadModelConfig = z.infer<typeof payloadModelSchema>;
