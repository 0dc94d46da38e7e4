// The `models` section of the config: the backend choice, the bounded scoring queue, and one key per
// model, each validated by the model's own leaf schema (imports only zod, so loading the config never
// loads TF.js).
import { z } from 'zod';
import { payloadModelSchema } from './payload/config';
import { sessionModelSchema } from './session/config';

export const modelsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run the TF.js models (session autoencoder, payload classifier) after the detectors.'),
    backend: z
      .enum(['auto', 'tensorflow', 'wasm', 'cpu'])
      .default('auto')
      .describe('TF.js backend: auto tries tensorflow (tfjs-node, installed by native/install-tensorflow.sh), then wasm, then cpu.'),
    payload: payloadModelSchema.default(payloadModelSchema.parse({})).describe('Request-payload classifier (character-level CNN, shipped in models/payload).'),
    session: sessionModelSchema.default(sessionModelSchema.parse({})).describe("Session autoencoder trained on the site's own traffic, retrained on packet time."),
  })
  .strict();
export type ModelsConfig = z.infer<typeof modelsSchema>;
