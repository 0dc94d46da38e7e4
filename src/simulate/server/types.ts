// What the API server knows about a request besides its bytes: the simulated time and source it
// happens at (from the recording relay), and the id the week's plan gives an object it creates.
export interface RequestContext {
  /** Simulated time of the request, µs. */
  readonly simUs: number;
  /** Simulated client address (what a proxy's X-Forwarded-For would tell a real server). */
  readonly clientIp: string;
  /** Id for the object this request creates. */
  readonly creates: number | string | null;
  /** A number in [0, 1) fixed for this request: draws the rare server error. */
  readonly noise: number;
}

export type ContextLookup = (relayPort: number) => RequestContext | undefined;

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function reply(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** crAPI's error body: `{"message": ..., "status": ...}`. */
export function fail(status: number, message: string, headers?: Record<string, string>): ApiResponse {
  return reply(status, { message, status }, headers);
}
