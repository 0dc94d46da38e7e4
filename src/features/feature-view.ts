// The FeatureView (types.ts) over a BaselineEngine: lookups by identity, IP, endpoint and pair,
// the learning rule, the vectors, and the session listeners.
import type { EndpointRef } from '../core/finding';
import type { Baseline } from './baseline';
import type { BaselineEngine } from './baseline-engine';
import type { FeaturesConfig } from './config';
import { endpointKey } from './endpoint-baseline';
import { FEATURE_SCHEMA_VERSION } from './feature-schema';
import { identityWindowVector, pairWindowVector, sessionVector, type LearningRule } from './feature-vector';
import type { SessionState } from './session-state';
import type { FeatureView, SessionEnd } from './types';

export function createFeatureView(engine: BaselineEngine, config: Readonly<FeaturesConfig>): FeatureView {
  const rule: LearningRule = { learningPeriodSec: config.learningPeriodSec, learningMinRequests: config.learningMinRequests };
  const listeners: ((s: SessionEnd) => void)[] = [];
  engine.onSessionEnd = (session: SessionState): void => {
    if (listeners.length === 0) return;
    const ended: SessionEnd = { identity: session.identity.key, session: session.key, start: session.start, end: session.last, vector: sessionVector(session, rule) };
    for (const l of listeners) l(ended);
  };
  return {
    schemaVersion: FEATURE_SCHEMA_VERSION,
    current: engine.current,
    forIdentity: (identity) => engine.identities.get(identity) ?? null,
    forClientIp: (ip) => engine.clientIps.get(ip) ?? null,
    forEndpoint: (ref: EndpointRef) => engine.endpoints.get(endpointKey(ref.host, ref.method, ref.template)) ?? null,
    forPair: (identity, ref) => engine.identities.get(identity)?.pairs?.get(endpointKey(ref.host, ref.method, ref.template)) ?? null,
    scored: (b: Baseline, now: number) => b.scored(now, rule.learningPeriodSec, rule.learningMinRequests),
    identityVector: (b, now, out) => identityWindowVector(b, now, rule, out),
    pairVector: (b, now, out) => pairWindowVector(b, now, out),
    sessionVector: (session, out) => sessionVector(session, rule, out),
    onSessionEnd(listener) {
      listeners.push(listener);
    },
  };
}
