// Options of the audit trail (issue 17): how many records the state database keeps. Merged into the
// main config schema as `audit`.
import { z } from 'zod';

export const auditSchema = z
  .object({
    maxRecords: z
      .number()
      .int()
      .min(1)
      .default(100_000)
      .describe('Audit records kept in the database; beyond it the oldest are removed (audit.pruned). Each one was also sent to the outputs.'),
  })
  .strict();

export type AuditConfig = z.infer<typeof auditSchema>;
