// The `detectors` section of the config: one key per entry of the detector list, validated by that
// detector's own schema (so a typo in a detector's option is reported at its key).
import { z } from 'zod';
import { DETECTORS } from './index';

export const detectorsSchema = z
  .object(Object.fromEntries(DETECTORS.map((d) => [d.key, (d.schema as z.ZodType).optional()])))
  .strict();
