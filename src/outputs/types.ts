// Sink side of alert delivery (DESIGN §7). Every destination (webhook URL, syslog server) is fed
// from the durable outbox in order; a Transport only knows how to put a batch on the wire and says
// whether it got there, must be retried (optionally after a delay the receiver asked for), or can
// never be delivered (e.g. 4xx other than 408/429), in which case the outbox counts and drops it.
import type { Alert, Severity } from '../alerting/types';

export type SendResult =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface Transport {
  /** Destination name from config, used in counters and logs. */
  readonly name: string;
  /** Most alerts to hand over in one send (1 = one message per alert). */
  readonly maxBatch: number;
  send(alerts: readonly Alert[]): Promise<SendResult>;
  close(): Promise<void>;
}

/** Which alerts a destination wants. Empty lists mean "all". */
export interface DestinationFilter {
  readonly minSeverity: Severity;
  readonly detectors: readonly string[];
  readonly hosts: readonly string[];
}
