// The identity stage's options (issue 12 §1): which credential names whom, in what order, which
// proxies may speak for a client, how login requests are recognised, and the bound of every
// collection that grows with traffic. Composed into the full schema by config/schema.ts as `identity`.
import { z } from 'zod';
import { parseRange } from '../core/address-match';

const count = (min: number) => z.number().int().min(min);

/** Where an identity can come from, besides the client IP (always the last resort). */
export const IDENTITY_SOURCES = ['login', 'api-key', 'bearer', 'basic', 'session-cookie'] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];

const cidr = z.string().superRefine((text, ctx) => {
  if (parseRange(text) === null) ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: ${text}` });
});

const names = (list: readonly string[], what: string) => z.array(z.string().min(1)).default([...list]).describe(what);

export const loginSchema = z
  .object({
    pathHints: names(
      ['login', 'logon', 'signin', 'sign-in', 'sign_in', 'auth', 'authenticate', 'session', 'sessions', 'token', 'tokens', 'j_security_check'],
      'Path words (between slashes, dots or dashes, any case) that mark a request as a possible login, so its body is read.',
    ),
    userFields: names(
      ['username', 'user', 'user_name', 'userName', 'login', 'login_id', 'loginId', 'email', 'mail', 'account', 'uname', 'j_username', 'name'],
      'Form, JSON or query fields that carry the user name of a login (matched without case).',
    ),
    passwordFields: names(
      ['password', 'passwd', 'pass', 'pwd', 'j_password', 'passphrase'],
      'Form, JSON or query fields that carry a password; a login has one of these and a user field.',
    ),
    tokenFields: names(
      ['token', 'access_token', 'accessToken', 'auth_token', 'authToken', 'id_token', 'jwt', 'session', 'session_id', 'sessionId', 'sid'],
      'JSON fields of a successful login response whose string value is a token the client will send: its fingerprint is then bound to the user.',
    ),
    maxBodyBytes: count(64).default(8192).describe('Longest request body (as captured) read to find a login; longer bodies are not logins.'),
    probeCalls: count(0)
      .default(2)
      .describe('Calls of a path without a login word whose small form or JSON body is read to learn whether it is a login endpoint.'),
    maxProbedPaths: count(1)
      .default(10000)
      .describe('Paths remembered with their login verdict; beyond, paths without a login word are not probed (identity.login.paths_full).'),
  })
  .strict();

export type LoginConfig = z.infer<typeof loginSchema>;

export const geoSchema = z
  .object({
    asnDatabase: z.string().default('').describe('MaxMind-format ASN database (GeoLite2-ASN .mmdb); empty = no ASN.'),
    countryDatabase: z.string().default('').describe('MaxMind-format country database (GeoLite2-Country .mmdb or compatible); empty = no country.'),
    maxCachedAddresses: count(1).default(65536).describe('Addresses whose lookup is remembered; when full the cache is emptied (identity.geo.cache_reset).'),
  })
  .strict();

export type GeoConfig = z.infer<typeof geoSchema>;

export const identitySchema = z
  .object({
    enabled: z.boolean().default(true).describe('Resolve who calls (identity, real client IP, session) before the other consumers.'),
    precedence: z
      .array(z.enum(IDENTITY_SOURCES))
      .min(1)
      .default(['login', 'api-key', 'bearer', 'basic', 'session-cookie'])
      .refine((list) => new Set(list).size === list.length, { message: 'a source is listed twice' })
      .describe(
        'Order in which a request’s credentials name its identity; the client IP is the last resort. A login request names the user it logs in as; a key, token or cookie a login handed out names that user.',
      ),
    trustedProxies: z
      .array(cidr)
      .default([])
      .describe('Proxies (IPs or CIDRs) whose X-Forwarded-For is believed: the client is then the rightmost address not in this list.'),
    hashUsernames: z.boolean().default(false).describe('Show JWT subjects, Basic and login user names as keyed hashes (installation key) instead of names.'),
    maxIdentities: count(1)
      .default(100000)
      .describe('Identities held in memory; beyond, the least recently seen are written and forgotten (identity.identities.evicted).'),
    idleEvictSec: z
      .number()
      .min(1)
      .default(24 * 3600)
      .describe('Packet-time seconds without a request after which an identity is written and forgotten from memory (identity.identities.idle_evicted).'),
    admitOnSecondRequest: z
      .boolean()
      .default(true)
      .describe(
        'A `key:` identity (opaque token, API key, session cookie) gets a record from its second request on (the first counted in); one seen once (a random token per request) is attributed but not stored, so churn fills neither memory nor disk. One recorded in an earlier run or before it was forgotten is recorded at once; `user:` and `ip:` identities always are.',
      ),
    maxFirstSightings: count(1)
      .default(200000)
      .describe('Keys and tokens seen once, waiting for a second request (about 100 bytes each); beyond, the oldest are forgotten (identity.first_sightings.evicted).'),
    knownFilterBits: count(1024)
      .default(1 << 23)
      .describe('Bits of the filter of identities recorded before (two generations; one identity per 20 bits each, about 0.1% false positives); when one fills the older is dropped (identity.known_filter.rotated).'),
    maxRememberedAtStart: count(0)
      .default(200000)
      .describe('Stored identities, newest first, put in that filter at start (read once).'),
    maxIpsPerIdentity: count(1).default(64).describe('Client IPs remembered per identity; requests from more are counted (identity.ips.overflow), not kept.'),
    maxUserAgentsPerIdentity: count(1)
      .default(16)
      .describe('User agents remembered per identity; more are counted (identity.user_agents.overflow), not kept.'),
    maxEndpointsPerIdentity: count(1)
      .default(256)
      .describe('Endpoint templates remembered per identity; more are counted (identity.endpoints.overflow), not kept.'),
    sessionIdleSec: z.number().min(1).default(1800).describe('A gap longer than this between two requests of an identity (or IP and user agent) starts a new session.'),
    maxSessions: count(1).default(100000).describe('Open sessions held; beyond, the least recently active end early (identity.sessions.evicted).'),
    maxBindings: count(1)
      .default(100000)
      .describe('Credential fingerprints bound to the user who logged in with them; beyond, the oldest bindings are forgotten (identity.bindings.evicted).'),
    login: loginSchema.default(loginSchema.parse({})).describe('How login requests are recognised and what they teach.'),
    geo: geoSchema.default(geoSchema.parse({})).describe('Offline ASN and country of client IPs (none for private or loopback addresses).'),
  })
  .strict()
  .refine((c) => c.idleEvictSec >= c.sessionIdleSec, { message: 'idleEvictSec must be >= sessionIdleSec (an identity outlives its session)' });

export type IdentityConfig = z.infer<typeof identitySchema>;
