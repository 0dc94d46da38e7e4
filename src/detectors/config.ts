// The `detectors` section of the config: one key per entry of the detector list, validated by that
// detector's own schema (so a typo in a detector's option is reported at its key), and `feedback`:
// how analysts' false-positive verdicts raise thresholds (feedback-tuning.ts).
import { z } from 'zod';
import { DETECTORS } from './index';

export const feedbackTuningSchema = z
  .object({
    stepFactor: z.number().min(1).default(1.5).describe("Each false-positive verdict multiplies the detector's thresholds for that identity (or client) and that endpoint by this."),
    maxFactor: z.number().min(1).default(4).describe('The most verdicts can raise a threshold (a multiple of the default).'),
    maxEntries: z.number().int().min(1).default(10000).describe('Judged (detector, who, endpoint) combinations kept, the most judged first (detectors.feedback.entries_overflow).'),
  })
  .strict();
export type FeedbackTuningConfig = z.infer<typeof feedbackTuningSchema>;

export const detectorsSchema = z
  .object({
    // defaults filled in, so `check-config` shows every detector's effective options
    ...Object.fromEntries(DETECTORS.map((d) => [d.key, (d.schema as z.ZodType).default(d.schema.parse({})).describe(d.description)])),
    feedback: feedbackTuningSchema.default(feedbackTuningSchema.parse({})).describe("How analysts' false-positive verdicts raise a detector's thresholds for one identity or endpoint."),
  })
  .strict();
