// The inventory's own config: sampling and bounds, path templating, and which OpenAPI specs describe
// which hosts. Composed into the full schema by config/schema.ts.
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

export const templatingSchema = z
  .object({
    minDistinctValues: z.number().int().min(2).default(10).describe('Distinct agreeing sibling values before literal segments merge into a parameter.'),
    maxKeyDistance: z.number().min(0).max(1).default(0.2).describe('Largest Jaccard distance between request/response key sets that still counts as agreeing.'),
    maxTemplatesPerHost: z.number().int().min(1).default(2000).describe('Path templates learned per host; more are answered `/{overflow}`.'),
    maxHosts: z.number().int().min(1).default(10000).describe('Hosts whose paths are templated; more go to the `{overflow}` host.'),
    maxPendingPerParent: z.number().int().min(2).default(256).describe('Literal values waiting for evidence under one parent (at least minDistinctValues).'),
    maxSegments: z.number().int().min(2).default(32).describe('Path segments templated; longer paths are not templated (counted as truncated).'),
    maxKeysPerValue: z.number().int().min(1).default(64).describe('Request/response keys remembered per literal path value as evidence for merging.'),
  })
  .strict()
  .refine((t) => t.maxPendingPerParent >= t.minDistinctValues, { message: 'maxPendingPerParent must be >= minDistinctValues' });

export type TemplatingConfig = z.infer<typeof templatingSchema>;

export const inventorySchema = z
  .object({
    enabled: z.boolean().default(true).describe('Learn the endpoint map (off: the stream stages alone).'),
    maxEndpoints: z.number().int().min(1).default(50000).describe('Endpoints tracked in total; more are counted (inventory.endpoints.overflow), not learned.'),
    fullAnalysisCalls: z.number().int().min(1).default(100).describe('Calls of an endpoint analysed in full (parameters, auth, sensitive data) before sampling starts.'),
    sampleEvery: z.number().int().min(1).default(20).describe('After that, one call in this many is analysed; the others only update counts and status codes.'),
    stableAnalyses: z
      .number()
      .int()
      .min(1)
      .default(50)
      .describe('Analysed calls in a row that bring nothing new (parameter, type, sensitive field, status, auth) before the interval doubles.'),
    maxSampleEvery: z.number().int().min(1).default(1000).describe('Longest sampling interval of a stable endpoint; anything new brings it back to sampleEvery.'),
    maxCachedPaths: z.number().int().min(1).default(65536).describe('Concrete paths remembered for the sampling shortcut; the cache is emptied (and counted) when full.'),
    specs: z
      .array(specEntrySchema)
      .default([])
      .describe(
        'OpenAPI / Swagger files or folders (or `{path, hosts}` to name the hosts each describes): endpoints on a host a spec is bound to are classified documented, shadow, zombie or drift; elsewhere "no-spec". Specs with the same `info.title` are versions of one API, oldest first in this list: an endpoint only an older version documents is a zombie (removed).',
      ),
    specBinding: specBindingSchema
      .default(specBindingSchema.parse({}))
      .describe("How a spec without `hosts` is bound to the hosts serving it: its server URL's host after one documented call, any other host after several (the mirror sees internal names behind load balancers)."),
    orphanWindowSec: z.number().min(1).default(30 * 24 * 3600).describe('A spec operation without traffic for this long (packet time) is an orphan.'),
    templating: templatingSchema.default(templatingSchema.parse({})).describe('How concrete paths are generalised into templates (`/users/{id}`).'),
  })
  .strict();

export type InventoryConfig = z.infer<typeof inventorySchema>;

/** The file or folder of a spec entry. */
export function specPath(entry: SpecEntry): string {
  return typeof entry === 'string' ? entry : entry.path;
}
