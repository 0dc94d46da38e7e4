// Public surface of the inventory data-classification modules.
export * from './types';
export { inferStringFormat, inferTextType, decodeJwtHeader, isEmail, type JwtHeader } from './format';
export { walkJson, type WalkLimits, type WalkResult, type WalkSink, type ScalarType } from './json-walk';
export {
  DEFAULT_PII_OPTIONS,
  PiiCounter,
  credentialFormat,
  fieldHint,
  findPii,
  isCardNumber,
  isCnResidentId,
  isHighEntropySecret,
  isIban,
  isPrivateIpv4,
  isPrivateIpv6,
  isValidSsn,
  luhnValid,
  redactSample,
  redactText,
  redactedSample,
  type PiiOptions,
  type PiiSpan,
} from './pii';
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
export {
  DEFAULT_ENDPOINT_LEARNER_OPTIONS,
  EndpointLearner,
  statusClass,
  type EndpointLearnerOptions,
  type EndpointSnapshot,
  type LearnEvent,
  type ObservationMeta,
  type ParamSnapshot,
  type ParamStats,
  type PiiFieldStats,
  type UrlCredentialStats,
} from './accumulator';
