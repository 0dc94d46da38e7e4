// The inventory's own config: which OpenAPI specs describe which hosts. Composed into the full
// schema by config/schema.ts.
import { z } from 'zod';
import { compileHostPattern } from './openapi/host-patterns';

const hostPattern = z.string().superRefine((text, ctx) => {
  try {
    compileHostPattern(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const specEntrySchema = z.union([
  z.string().min(1).describe('An OpenAPI / Swagger file or folder; its hosts are learned from traffic.'),
  z
    .object({
      path: z.string().min(1).describe('An OpenAPI / Swagger file or folder.'),
      hosts: z
        .array(hostPattern)
        .min(1)
        .describe('The hosts this spec describes: names (any port), host:port, globs (`*.api.example.com`), CIDRs (a Host IP or server address in range). Only these hosts are compared with it.'),
    })
    .strict(),
]);

export type SpecEntry = z.infer<typeof specEntrySchema>;

export const specBindingSchema = z
  .object({
    minOperations: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe("Distinct documented operations a host's traffic must call before a spec without `hosts` is bound to it (all of a smaller spec's)."),
    maxUndocumentedShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("Largest share of a host's endpoints under the spec's base path that the spec may lack and still be bound by learning."),
    warnAfterTransactions: z
      .number()
      .int()
      .min(1)
      .default(10000)
      .describe('A spec still bound to no host after this many transactions is a warning naming the likeliest host.'),
  })
  .strict();

export type SpecBindingConfig = z.infer<typeof specBindingSchema>;

/** The file or folder of a spec entry. */
export function specPath(entry: SpecEntry): string {
  return typeof entry === 'string' ? entry : entry.path;
}
