// The one interface for everything after HttpTransaction (DESIGN §1, in the spirit of
// OpenTelemetry's SpanProcessor): the inventory, identities, baselines, detectors and models each
// implement it, and the composition root (daemon/pipeline.ts) calls them in order for every
// transaction, then on the packet clock. Findings go to the FindingSink each consumer is given.
import type { EndpointRef, Finding } from '../core/finding';
import type { HttpTransaction } from './types';

/**
 * What the consumers before this one resolved for the transaction. One object is reused for every
 * transaction: read it during `onTransaction`, never keep it.
 */
export interface TransactionContext {
  /** The endpoint the inventory mapped the call to; null when the inventory is off or did not map it. */
  endpoint: EndpointRef | null;
  /**
   * Who the client is, as `kind:value` (set by the identity stage): `user:alice` (JWT sub, Basic or
   * login user), `key:<fingerprint>` (API key, opaque token, session cookie), `ip:10.0.0.5` as the
   * last resort. Null until the identity stage runs.
   */
  identity: string | null;
  /** The real client address: the packet's client IP, or the one a trusted proxy forwarded. */
  clientIp: string | null;
  /** The client's session id (set by the identity stage); null until one does. */
  session: string | null;
  /**
   * The user a login attempt names, as an identity (`user:alice`, hashed when identity.hashUsernames),
   * whatever its outcome (set by the identity stage); null when the request is not a login.
   */
  loginUser: string | null;
}

export interface TransactionConsumer {
  /** Names the consumer in logs and counters. */
  readonly name: string;
  /** Every transaction, in order: synchronous, bounded work, no I/O. May fill `ctx` for later consumers. */
  onTransaction(tx: HttpTransaction, ctx: TransactionContext): void;
  /** Packet time moved on by at least the tick interval (windows close, baselines roll). No I/O. */
  onTick?(now: number): void;
  /** The only place for I/O (SQLite writes), every `store.flushIntervalSec` of packet time. */
  flush?(now: number): void;
  /** End of input or shutdown: the last flush. */
  close?(now: number): void;
}

/** Where a consumer reports what it found; the alerting stage takes it from there. */
export type FindingSink = (finding: Finding) => void;

export function emptyContext(): TransactionContext {
  return { endpoint: null, identity: null, clientIp: null, session: null, loginUser: null };
}
