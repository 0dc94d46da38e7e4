// Records the inventory stage emits (DESIGN §2): events for the alerting stage, printed by
// `replay --format jsonl` as `"type":"inventory"`.
import type { SpecDetail } from './endpoint-store';

/**
 * new-endpoint: first call of a template; new-sensitive-data: a kind of sensitive value first seen
 * in a response field; credential-in-url: a query parameter first seen carrying a credential (once
 * per endpoint and parameter); spec-status: the endpoint's status against the specs changed (or, for drift,
 * a new difference appeared), decided at flush time.
 */
export type InventoryEventKind = 'new-endpoint' | 'new-sensitive-data' | 'credential-in-url' | 'spec-status' | SpecBindingEventKind;

/** spec-binding: a spec's API became bound to (or unbound from) a host; spec-unbound: still no host after many transactions. */
export type SpecBindingEventKind = 'spec-binding' | 'spec-unbound';

export interface SpecBindingDetail {
  /** The API (`info.title` of its specs; `tapwatch specs` lists its files). */
  readonly api: string;
  readonly state: 'bound' | 'unbound';
  /** config / server / learned; `none` for spec-unbound. */
  readonly reason: string;
  /** Distinct documented operations called on the host (spec-unbound: on the likeliest host). */
  readonly operations: number;
  readonly undocumented: number;
  readonly pattern?: string;
}

export interface InventoryEvent {
  readonly type: 'inventory';
  readonly event: InventoryEventKind;
  readonly ts: number;
  readonly host: string;
  readonly method: string;
  readonly template: string;
  /**
   * For new-sensitive-data and credential-in-url: where it was seen (`request`/`response`; `query`,
   * `header`, `cookie` or `body`; the field name, JSON path, query parameter, or `(body)` for a whole
   * non-JSON body), of which kind, which detector rule matched (`luhn-card`, `jwt`, `aws-access-key`,
   * `high-entropy-token` ...) and the value redacted (`U2+x…, 44 chars`): the value is never kept.
   */
  readonly direction?: 'request' | 'response';
  readonly location?: string;
  readonly field?: string;
  readonly kind?: string;
  readonly rule?: string;
  readonly sample?: string;
  /** The message's body kind (`json`, `form`, `text` ...) and media type (`text/html`), for data found in a body. */
  readonly bodyKind?: string;
  readonly contentType?: string;
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
  /** For spec-binding / spec-unbound (`host` is the host bound, or the likeliest one; '' for none). */
  readonly binding?: SpecBindingDetail;
}
