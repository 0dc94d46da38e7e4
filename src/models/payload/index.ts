// The payload model's entry in the model list (src/models/index.ts): options under `models.payload`.
import type { ModelEntry } from '../index';
import { payloadModelSchema, type PayloadModelConfig } from './config';
import { PayloadScorer } from './scorer';
import { PayloadStage } from './stage';

export const payloadModel: ModelEntry<PayloadModelConfig> = {
  key: 'payload',
  description: 'character-level CNN over the request line, query and body prefix (shipped in models/payload); feeds the injection alerts',
  schema: payloadModelSchema,
  create: (options, context) => new PayloadStage(options, context, PayloadScorer.open(options.modelDir)),
};
