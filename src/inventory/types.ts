// Records the inventory stage emits (DESIGN §2): events for the alerting stage, printed by
// `replay --format jsonl` as `"type":"inventory"`.
import type { SpecDetail } from './endpoint-store';

/**
 * new-endpoint: first call of a template; new-sensitive-data: a kind of sensitive value first seen
 * in a response field; spec-status: the endpoint's status against the specs changed (or, for drift,
 * a new difference appeared), decided at flush time.
 */
export type InventoryEventKind = 'new-endpoint' | 'new-sensitive-data' | 'spec-status';

export interface InventoryEvent {
  readonly type: 'inventory';
  readonly event: InventoryEventKind;
  readonly ts: number;
  readonly host: string;
  readonly method: string;
  readonly template: string;
  /** For new-sensitive-data: where it was seen and of which kind (the value is never kept). */
  readonly location?: string;
  readonly field?: string;
  readonly kind?: string;
  /** For spec-status: documented / shadow / zombie / drift, what it was before, and why. */
  readonly status?: string;
  readonly previousStatus?: string;
  readonly specDetail?: SpecDetail;
  /** For spec-status: kinds of sensitive data the endpoint handles (raise the alert's severity). */
  readonly sensitiveKinds?: readonly string[];
  /** The transaction behind the event (for spec-status: the endpoint's latest call). */
  readonly client?: string;
  readonly server?: string;
  readonly httpStatus?: number;
}
