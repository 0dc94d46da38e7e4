// What the identity stage keeps about each caller, in the form it is stored and shown
// (`tapwatch identities --format json`). Later stages import only this file.

/** `user`: a person or account named by JWT sub, Basic or login; `key`: a credential named by its fingerprint; `ip`: nothing better. */
export type IdentityKind = 'user' | 'key' | 'ip';

/** How a request named its identity (a credential kind, `login`, `binding` for a credential a login handed out, or `ip`). */
export const IDENTITY_SOURCE_KINDS = ['bearer-jwt', 'bearer-opaque', 'basic', 'api-key-header', 'api-key-query', 'session-cookie', 'login', 'binding', 'ip'] as const;
export type IdentitySourceKind = (typeof IDENTITY_SOURCE_KINDS)[number];

/** Requests of one identity from one client IP, user agent or endpoint. */
export interface UseStats {
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

export interface IpUse extends UseStats {
  ip: string;
  /** Autonomous system number and organisation, when an ASN database is configured and knows the address. */
  asn?: number;
  asOrg?: string;
  /** ISO 3166 country code, when a country database is configured and knows the address. */
  country?: string;
}

export interface UserAgentUse extends UseStats {
  userAgent: string;
}

export interface EndpointUse extends UseStats {
  /** `METHOD host` and the template, as the inventory mapped it: `GET api.example.com/users/{id}`. */
  endpoint: string;
}

/** Non-secret JWT claims last seen on this identity's tokens. */
export interface ClaimSummary {
  iss: string | null;
  aud: readonly string[] | null;
  scope: readonly string[] | null;
  role: readonly string[] | null;
}

/** The latest session of an identity (per user agent for an `ip:` identity): a restart continues it when the next request comes within the idle timeout. */
export interface LastSession {
  /** The user agent of an `ip:` identity's session (one per user agent); absent for other identities. */
  userAgent?: string;
  id: string;
  started: number;
  lastSeen: number;
  requests: number;
}

/** Everything an identity record learned; stored as JSON beside the identity's columns. */
export interface IdentityStats {
  ips: IpUse[];
  /** Requests from client IPs beyond `identity.maxIpsPerIdentity`. */
  ipsOverflow: number;
  userAgents: UserAgentUse[];
  userAgentsOverflow: number;
  endpoints: EndpointUse[];
  endpointsOverflow: number;
  /** Requests per hour of the week (UTC, 0 = Monday 00:00–01:00), only hours with requests. */
  hoursOfWeek: Record<string, number>;
  /** Requests per source (how the identity was named). */
  sources: Partial<Record<IdentitySourceKind, number>>;
  /** Latest JWT `exp` seen on its tokens (seconds since the epoch), null when none carried one. */
  tokenExpiry: number | null;
  /** Requests made with a JWT whose `exp` had passed (packet time). */
  expiredTokenRequests: number;
  claims: ClaimSummary | null;
  /** Sessions started. */
  sessions: number;
  lastSessions: LastSession[];
}

/** An identity as stored and listed. */
export interface IdentityRow {
  /** `kind:value`, the same string as `ctx.identity` and alert identities. */
  id: string;
  kind: IdentityKind;
  /** What an analyst reads: the user name (or its hash), a key's 8-hex fingerprint, the IP. */
  display: string;
  /** How the identity was first named. */
  source: IdentitySourceKind;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  stats: IdentityStats;
}
