// The session autoencoder's options (`models.session`).
import { z } from 'zod';

export const sessionModelSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Score every ended session against an autoencoder trained on the site's own sessions."),
  })
  .strict();
export type SessionModelConfig = z.infer<typeof sessionModelSchema>;
