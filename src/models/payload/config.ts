// The request-payload classifier's options (`models.payload`).
import { z } from 'zod';

export const payloadModelSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Score requests with parameters or a body with the shipped payload classifier.'),
  })
  .strict();
export type PayloadModelConfig = z.infer<typeof payloadModelSchema>;
