// The schedule: visits (one actor, one client program, one source address, a run of requests in
// simulated time) made of fully planned requests. Values that depend on objects created later in
// the week (order and report ids) are resolved once the whole week is planned.
import type { Device } from '../world/devices';

export type Lazy<T> = T | (() => T);

export function resolve<T>(value: Lazy<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value;
}

/** An id the server gives to an object a request creates, decided when the week is planned. */
export interface PendingId {
  value: number | null;
}

export type Auth =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'api-key'; readonly header: string; readonly key: string };

export interface Step {
  /** Planned time of the request, µs. */
  readonly at: number;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Origin-form target, encoded as the client app encodes it. */
  readonly target: Lazy<string>;
  /** JSON text of the body. */
  readonly body?: Lazy<string>;
  readonly auth?: Auth;
  /** The id of the object this request creates (orders, reports, posts). */
  readonly creates?: PendingId | string;
}

export interface Visit {
  /** Index after the week is sorted; stable for a seed. */
  id: number;
  readonly actor: string;
  /** Visits of one actor and lane run one after the other (a person's day); lanes run side by side (a flood's connections). */
  readonly lane: string;
  /** `benign` or the attack id. */
  readonly label: string;
  readonly ip: string;
  readonly device: Device;
  /** User-Agent to send (the device's, or what an attacker chose). */
  readonly userAgent: string | null;
  /** Round-trip time between the client and the sensor, µs. */
  readonly rttUs: number;
  /** Routers between client and sensor (the TTL the sensor sees). */
  readonly hops: number;
  readonly steps: Step[];
}

export function visitStart(v: Visit): number {
  return v.steps[0]?.at ?? 0;
}

/** A step with everything decided: what the client sends. */
export interface Request {
  readonly at: number;
  readonly method: Step['method'];
  readonly target: string;
  readonly body: string | null;
  readonly auth: Auth | null;
  /** Id of the object the request creates, for the server. */
  readonly creates: number | string | null;
}

export interface PlannedVisit extends Omit<Visit, 'steps'> {
  readonly requests: readonly Request[];
}

export function materialize(visit: Visit): PlannedVisit {
  const { steps, ...rest } = visit;
  return {
    ...rest,
    requests: steps.map((s) => ({
      at: s.at, method: s.method, target: resolve(s.target), body: s.body === undefined ? null : resolve(s.body), auth: s.auth ?? null,
      creates: s.creates === undefined ? null : typeof s.creates === 'string' ? s.creates : s.creates.value,
    })),
  };
}
