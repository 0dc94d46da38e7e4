// The alerting stage's public API: the policy, its store, its config fragment and the inventory
// converter. Records (Finding, Alert …) live in ./types.
export { alertingSchema, type AlertingConfig, type SuppressionRuleConfig, type PlaybookConfig } from './config';
export { AlertPolicy, RATE_EXCEEDED_DETECTOR, type PolicyOptions, type PolicyOutcome, type PolicyResult } from './policy';
export { ALERT_MIGRATIONS } from './migrations';
export {
  AlertStore,
  UnknownAlertError,
  type AlertQuery,
  type FeedbackOptions,
  type FeedbackRecord,
  type FeedbackResult,
  type StoredAlert,
  type Verdict,
} from './store';
export { SuppressionMatcher, suppressionsFromConfig, type Suppression, type SuppressionProvider, type SuppressionRule, type SuppressionSource } from './suppression';
export { findingsFromInventoryEvent, findingsForSpecStatus, INVENTORY_DETECTORS, type InventoryEventContext } from './from-inventory';
export { severityFor, severityFromScore } from './severity';
export { recommend, baselineRateOf } from './playbook';
export { AlertIdGenerator } from './ids';
export { parseAddress, parseRange, rangeContains } from '../core/address-match';
