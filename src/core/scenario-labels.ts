// The labels of a generated scenario: the contract between `tapwatch simulate`, which writes them
// beside the pcap it generates, and `tapwatch eval`, which scores alerts against them. Versioned:
// eval refuses a version it does not know. Everything here is synthetic (the simulated world's own
// users, keys and passwords); the secrets are listed so tests can search every output for them.
import { z } from 'zod';

export const SCENARIO_LABELS_VERSION = 1;

/** The attacks the detectors exist to catch (DESIGN §6); one detector per type, or a model. */
export const ATTACK_TYPES = [
  'credential-stuffing',
  'brute-force',
  'token-abuse',
  'bulk-pull',
  'enumeration',
  'scraping',
  'injection',
  'mass-assignment',
  'spike',
] as const;
export type AttackType = (typeof ATTACK_TYPES)[number];

const actorSchema = z.object({
  /** Stable id within the scenario, e.g. `user-17`, `svc-billing`, `attacker-3`. */
  id: z.string().min(1),
  role: z.enum(['user', 'service', 'support', 'admin', 'attacker']),
  /** What the client sends to prove who it is; `none` for anonymous traffic. */
  credential: z.enum(['bearer-jwt', 'bearer-opaque', 'api-key-header', 'api-key-query', 'basic', 'session-cookie', 'login', 'none']),
  /** The user name the API knows (JWT `sub`, Basic or login user), when there is one. */
  username: z.string().nullable(),
  /** Every source IP the actor used. */
  ips: z.array(z.string()),
  /** Raw secrets the actor sent (tokens, keys, passwords): synthetic, listed for the no-secret-leak tests. */
  secrets: z.array(z.string()),
});
export type ScenarioActor = z.infer<typeof actorSchema>;

const attackSchema = z.object({
  id: z.string().min(1),
  type: z.enum(ATTACK_TYPES),
  /** Actor ids that carried the attack (attackers, or a legitimate actor's stolen credential). */
  actors: z.array(z.string()),
  /** Source IPs of the attack's requests. */
  ips: z.array(z.string()),
  /** Usernames the attack used or targeted (stolen accounts, stuffed user names). */
  usernames: z.array(z.string()),
  /** Packet time of the attack's first and last request, seconds since the epoch. */
  start: z.number(),
  end: z.number(),
  /** Requests the attack sent. */
  requests: z.number().int().min(0),
  /** The knobs it was generated with: intensity, duration, source count, stealth … */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type LabelledAttack = z.infer<typeof attackSchema>;

export const scenarioLabelsSchema = z.object({
  version: z.literal(SCENARIO_LABELS_VERSION),
  seed: z.number().int(),
  /** The OpenAPI spec the simulated API implements (file name under the specs the generator used). */
  api: z.string(),
  /** Packet time of the first and last packet. */
  start: z.number(),
  end: z.number(),
  /** The pcap files of the scenario, relative to the labels file, in time order. */
  pcaps: z.array(z.string()).min(1),
  /** Per-request labels, JSON lines, relative to the labels file (one `RequestLabel` per line). */
  requestsFile: z.string(),
  actors: z.array(actorSchema),
  attacks: z.array(attackSchema),
  /** Benign requests in the scenario (false alerts are counted per million of these). */
  benignRequests: z.number().int().min(0),
});
export type ScenarioLabels = z.infer<typeof scenarioLabelsSchema>;

/** One line of the requests file: a request as it was sent, and what it was. */
export const requestLabelSchema = z.object({
  /** Packet time of the request's first byte. */
  ts: z.number(),
  /** `ip:port` of the client, as the transaction's `client`. */
  client: z.string(),
  method: z.string(),
  /** Request target as sent (origin form). */
  uri: z.string(),
  actor: z.string(),
  /** `benign`, or the id of the attack it belongs to. */
  label: z.string(),
});
export type RequestLabel = z.infer<typeof requestLabelSchema>;
