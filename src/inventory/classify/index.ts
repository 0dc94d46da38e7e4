// Public surface of the inventory data-classification modules.
export * from './types';
export { inferStringFormat, inferTextType, decodeJwtHeader, isEmail, type JwtHeader } from './format';
export { walkJson, type WalkLimits, type WalkResult, type WalkSink, type ScalarType } from './json-walk';
export { PiiCounter } from './pii';
export { fieldHint } from './pii-field-hints';
export { isCardNumber, isCnResidentId, isIban, isPrivateIpv4, isPrivateIpv6, isValidSsn, luhnValid } from './pii-validators';
export { DEFAULT_PII_OPTIONS, credentialFormat, findPii, isHighEntropySecret, type PiiOptions, type PiiSpan } from './pii-scan';
export { redactSample, redactText, redactedSample } from './pii-redact';
export { findUrlCredentials } from './url-credentials';
export { DEFAULT_AUTH_OPTIONS, classifyAuth, type AuthOptions, type AuthSource } from './auth';
export {
  DEFAULT_LEARN_OPTIONS,
  DEFAULT_ENVELOPE_KEYS,
  DEFAULT_STANDARD_HEADERS,
  bodyKind,
  classifyMessage,
  classifyTransaction,
  learnOptions,
  parseUrlEncoded,
  type ClassifiableTransaction,
  type LearnOptions,
} from './learn';
export { EndpointLearner } from './accumulator';
export { statusClass } from './learner-counting';
export {
  DEFAULT_ENDPOINT_LEARNER_OPTIONS,
  type EndpointLearnerOptions,
  type EndpointSnapshot,
  type LearnEvent,
  type ObservationMeta,
  type ParamSnapshot,
  type ParamStats,
  type PiiFieldStats,
  type UrlCredentialStats,
} from './endpoint-learner-types';
