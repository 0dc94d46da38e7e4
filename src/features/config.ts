// The behaviour-baseline stage's options (issue 12 §2): learning period, robust history, body
// sampling, sessions and the bound of every collection that grows with traffic. Composed into the
// full schema by config/schema.ts as `features`.
import { z } from 'zod';

const count = (min: number) => z.number().int().min(min);

export const bodySamplingSchema = z
  .object({
    learnReads: count(0)
      .default(20)
      .describe("Eligible JSON bodies of an endpoint read in full at first (learns its bytes per record and request fields)."),
    sampleEvery: count(1).default(200).describe('After that, one eligible response body in this many is read per endpoint.'),
    requestSampleEvery: count(1)
      .default(25)
      .describe('After the learning reads, one eligible request body (JSON or form, POST/PUT/PATCH) in this many is read per endpoint for its field names.'),
    maxSampleEvery: count(1)
      .default(4096)
      .describe('Longest sampling interval: each sampled read that teaches nothing new doubles the interval up to this; something new brings it back.'),
    listReadsPerIdentityPerMinute: z
      .number()
      .min(0)
      .default(2)
      .describe("Extra reads of list responses (endpoints returning several records) per identity per minute of packet time: they teach which object ids an identity was shown."),
    maxBytes: count(0)
      .default(64 * 1024)
      .describe('Longest body (as sent, before decompression) that is read; longer ones are estimated from their length.'),
    maxIdsPerBody: count(1)
      .default(1000)
      .describe('Object ids taken from one response body; more are counted (features.body.ids_truncated), not remembered.'),
  })
  .strict();

export type BodySamplingConfig = z.infer<typeof bodySamplingSchema>;

export const featuresSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Learn behaviour baselines per identity, client IP, endpoint and (identity, endpoint).'),
    learningPeriodSec: z
      .number()
      .min(0)
      .default(24 * 3600)
      .describe('Packet-time seconds an identity or endpoint is observed before it is scored (with at least learningMinRequests requests).'),
    learningMinRequests: count(0).default(30).describe('Requests an identity or endpoint must make before it is scored (with learningPeriodSec elapsed).'),
    historyWindows: count(4)
      .max(256)
      .default(24)
      .describe('Completed active windows (per window length) kept for the median/MAD baseline: one burst is one sample among these.'),
    sessionIdleSec: z
      .number()
      .min(1)
      .default(1800)
      .describe("An idle gap longer than this ends a session (the identity stage's sessions, else one per identity) and hands its feature vector over."),
    persistIntervalSec: z
      .number()
      .min(0)
      .default(60)
      .describe('Packet-time seconds between writes of changed baselines to SQLite; always written at shutdown and at the end of a replay.'),
    maxRowsPerFlush: count(1).default(5000).describe('Baseline rows written per flush; the rest wait for the next flush (features.flush.deferred).'),
    admitOnSecondRequest: z
      .boolean()
      .default(true)
      .describe(
        "An identity named by a credential or login gets a baseline from its second request on (counting from there): credentials used once (random tokens, guessed user names) are counted on the client IP and endpoint only, so churn does not fill memory. `ip:` identities start at once.",
      ),
    admissionBits: count(1024)
      .default(1 << 20)
      .describe('Bits of the filter of identities seen once (two generations of a power of two); when one fills (one identity per 20 of its bits) the older is dropped (features.admission.rotated).'),
    maxIdentities: count(1)
      .default(20000)
      .describe('Identities with a baseline (about 3 KB each); beyond, the least recently active are forgotten (features.identities.evicted).'),
    maxSessions: count(1)
      .default(20000)
      .describe('Open sessions followed (about 1 KB each); beyond, the least recently active are forgotten without a session vector (features.sessions.evicted).'),
    maxClientIps: count(1)
      .default(20000)
      .describe('Client IPs with a baseline (about 2 KB each); beyond, the least recently active are forgotten (features.client_ips.evicted).'),
    maxEndpoints: count(1)
      .default(10000)
      .describe('Endpoints with a baseline (about 2 KB each); beyond, the least recently called are forgotten (features.endpoints.evicted).'),
    maxPairs: count(1)
      .default(50000)
      .describe('(identity, endpoint) pairs with a baseline (about 2 KB each); beyond, the least recently active are forgotten (features.pairs.evicted).'),
    maxIpsPerIdentity: count(1).default(16).describe('Client IPs remembered per identity; more are counted (features.identity_ips.overflow), not kept.'),
    maxUserAgentsPerIdentity: count(1)
      .default(8)
      .describe('User agents remembered per identity (and per client IP); more are counted (features.user_agents.overflow), not kept.'),
    maxAsnsPerIdentity: count(1).default(8).describe('Autonomous systems remembered per identity; more are counted (features.asns.overflow), not kept.'),
    maxBodyFieldsPerEndpoint: count(1)
      .default(128)
      .describe('Request body field names remembered per endpoint; more are counted (features.body_fields.overflow), not kept.'),
    idsSeenBits: count(256)
      .default(4096)
      .describe(
        'Bits of the Bloom filter of object ids shown to one identity in responses (two generations of a power of two); when one fills (a tenth of its bits in ids) the older is dropped (features.ids_seen.rotated).',
      ),
    bodySampling: bodySamplingSchema.default(bodySamplingSchema.parse({})).describe('Which response and request bodies are read (decompressed and parsed): most are not.'),
  })
  .strict();

export type FeaturesConfig = z.infer<typeof featuresSchema>;
