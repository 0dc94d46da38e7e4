// The shape of a route: a method, a path pattern, whether it needs a caller, and a handler that
// turns the parsed request into an answer.
import type { Principal } from './auth';
import type { ApiStore } from './store';
import type { ApiResponse, RequestContext } from './types';
import type { World } from '../world/types';

export interface Call {
  readonly method: string;
  /** Path segments after the route's prefix, percent-decoded where they decode. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  /** Parsed JSON body; undefined without a body. */
  readonly body: unknown;
  readonly ctx: RequestContext;
  readonly principal: Principal | null;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly auth: boolean;
  readonly handle: (call: Call) => ApiResponse;
}

export interface RouteDeps {
  readonly store: ApiStore;
  readonly world: World;
}

export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

export function text(body: unknown, name: string): string | null {
  const v = field(body, name);
  return typeof v === 'string' ? v : null;
}

/** `limit`/`offset` paging: null when a value is not a whole number in range. */
export function paging(query: URLSearchParams, defaultLimit: number, maxLimit: number): { limit: number; offset: number } | null {
  const limit = query.get('limit') ?? String(defaultLimit);
  const offset = query.get('offset') ?? '0';
  if (!/^\d{1,6}$/.test(limit) || !/^\d{1,7}$/.test(offset)) return null;
  const l = Number(limit);
  return l < 1 || l > maxLimit ? null : { limit: l, offset: Number(offset) };
}

export const EMAIL = /^[^\s@"'<>;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
