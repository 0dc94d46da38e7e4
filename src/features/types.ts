// What the features stage offers the stages after it (detectors, models): read-only access to the
// baselines and their feature vectors. The composition root (daemon/pipeline.ts) hands the view to
// later consumers; during their onTransaction, `current` holds the baselines of that transaction.
import type { EndpointRef } from '../core/finding';
import type { Baseline } from './baseline';
import type { CurrentBaselines } from './baseline-engine';
import type { EndpointBaseline } from './endpoint-baseline';
import type { IdentityBaseline } from './identity-baseline';
import type { IpBaseline } from './ip-baseline';
import type { PairBaseline } from './pair-baseline';
import type { SessionState } from './session-state';

export type { Baseline, BaselineKind } from './baseline';
export type { CurrentBaselines } from './baseline-engine';
export type { EndpointBaseline } from './endpoint-baseline';
export type { IdentityBaseline } from './identity-baseline';
export type { IpBaseline } from './ip-baseline';
export type { PairBaseline } from './pair-baseline';
export type { SessionState } from './session-state';
export type { FeatureSpec, Normalisation } from './feature-schema';

/** A session that ended: its identity, span and feature vector (SESSION_FEATURES order, raw values). */
export interface SessionEnd {
  readonly identity: string;
  /** The identity stage's session id, or the identity when it gave none. */
  readonly session: string;
  readonly start: number;
  readonly end: number;
  readonly vector: Float32Array;
}

/**
 * Read-only access to the baselines (never modify what it returns). Vectors are raw values in the
 * order of feature-schema.ts; pass `out` to reuse one array per caller.
 */
export interface FeatureView {
  readonly schemaVersion: number;
  /** The baselines of the transaction being processed (valid during later consumers' onTransaction). */
  readonly current: Readonly<CurrentBaselines>;
  forIdentity(identity: string): IdentityBaseline | null;
  forClientIp(ip: string): IpBaseline | null;
  forEndpoint(ref: EndpointRef): EndpointBaseline | null;
  forPair(identity: string, ref: EndpointRef): PairBaseline | null;
  /** Out of the learning period (features.learningPeriodSec and learningMinRequests) at `now`. */
  scored(b: Baseline, now: number): boolean;
  identityVector(b: IdentityBaseline, now: number, out?: Float32Array): Float32Array;
  pairVector(b: PairBaseline, now: number, out?: Float32Array): Float32Array;
  /** An open session (`current.session`, or an identity's `lastSession`). */
  sessionVector(session: SessionState, out?: Float32Array): Float32Array;
  /** Called with every session that ends (idle for longer than features.sessionIdleSec), on packet time. */
  onSessionEnd(listener: (session: SessionEnd) => void): void;
}
