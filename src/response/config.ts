// Options of the gateway decisions (issue 15): which alerts become decisions, how long throttles
// last, the bound on stored decisions, and per feed whether it is written and whether it enforces
// (dry-run until switched on). Merged into the main config schema as `response`.
import { z } from 'zod';

const SEVERITY_LEVELS = ['info', 'low', 'medium', 'high', 'critical'] as const;

export const feedSettingsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Render this feed: written to the feeds directory and served at /feeds/NAME.'),
    enforce: z.boolean().default(false).describe('Enforce the decisions; false = dry-run (the gateway logs what it would do).'),
  })
  .strict();

const feedDefault = feedSettingsSchema.parse({});
const FEED_NAMES = ['nginx', 'envoy', 'kong', 'crowdsec', 'json'] as const;

export const feedsSchema = z
  .object(Object.fromEntries(FEED_NAMES.map((n) => [n, feedSettingsSchema.default(feedDefault).describe(`The ${n} feed.`)])) as Record<(typeof FEED_NAMES)[number], z.ZodDefault<typeof feedSettingsSchema>>)
  .strict();

export const responseSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Turn alerts whose playbook blocks or throttles into gateway decisions.'),
    feedsDir: z.string().default('').describe("Directory the feed files are written to (0755, files 0644); empty = `feeds/` beside the state database. A replay without --db writes none."),
    minConfidence: z.number().min(0).max(1).default(0.5).describe("Alerts scoring below this make no decision (the score is the decision's confidence)."),
    minSeverity: z.enum(SEVERITY_LEVELS).default('high').describe('Alerts below this severity make no decision.'),
    defaultDurationSec: z.number().int().min(1).default(3600).describe('How long a throttle lasts (a block lasts the playbook’s blockDurationSec).'),
    maxDecisions: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe('Decisions kept in the database; beyond it ended ones go first (response.decisions.pruned), then the lowest-confidence oldest active one (response.decisions.dropped).'),
    feeds: feedsSchema.default(feedsSchema.parse({})).describe('Per gateway feed: enabled, enforce.'),
  })
  .strict();

export type ResponseConfig = z.infer<typeof responseSchema>;
export type FeedSettings = z.infer<typeof feedSettingsSchema>;
