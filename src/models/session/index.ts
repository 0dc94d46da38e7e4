// The session model's entry in MODELS (`models.session`).
import type { ModelEntry } from '../index';
import { sessionModelSchema, type SessionModelConfig } from './config';
import { SessionModelStage } from './stage';

export const sessionModel: ModelEntry<SessionModelConfig> = {
  key: 'session',
  description: "Autoencoder over each ended session's features, trained and retrained on the site's own clean sessions; reports sessions unlike them (`session-model`).",
  schema: sessionModelSchema,
  create: (options, context) => new SessionModelStage(options, context, context.log),
};
