// Gateway decisions (issue 15): what Tapwatch recommends the gateways and WAFs in the request path
// do, derived from alerts' recommended responses (playbooks) and the rate-limit detector's learned
// limits. Tapwatch never blocks anything itself: feeds render these for nginx, Envoy, Kong, CrowdSec
// and plain JSON, dry-run until enforcement is switched on per feed.
import type { EndpointRef } from '../core/finding';

/** ban: refuse every request; captcha: challenge; throttle: allow `limitPerMinute`. */
export type DecisionAction = 'ban' | 'captcha' | 'throttle';

/**
 * Who a decision applies to, in a form a gateway can match: a client IP, a CIDR range, or a user
 * name a gateway knows its consumers by (a JWT `sub` or Basic user the identity stage shows in
 * clear). Keyed-hash identities (API keys, opaque tokens) are never a target: no gateway can match
 * them; their decisions target the client IPs they used instead.
 */
export interface DecisionTarget {
  readonly kind: 'ip' | 'range' | 'user';
  readonly value: string;
}

export type DecisionSource = 'playbook' | 'rate-limit' | 'manual';

export interface Decision {
  /** Stable for the same action, target and endpoint, so a repeated alert extends, not duplicates. */
  readonly id: string;
  readonly action: DecisionAction;
  readonly target: DecisionTarget;
  /** A throttle on one endpoint only; absent = every request of the target. */
  readonly endpoint?: EndpointRef;
  /** Throttle: requests per minute to allow. */
  readonly limitPerMinute?: number;
  /** Wall-clock seconds since the epoch (gateways act in real time). */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The alert it came from (absent for a manual decision). */
  readonly alertId?: string;
  readonly detector?: string;
  /** One plain sentence: why. */
  readonly reason: string;
  /** 0–1: the alert's score, or the learned limit's confidence. */
  readonly confidence: number;
  readonly source: DecisionSource;
}

/** How a feed renders: dry-run (shadow mode, logged but not enforced) until enforcement is on. */
export interface FeedRenderOptions {
  readonly enforce: boolean;
  /** Wall-clock seconds; decisions expired by then are left out. */
  readonly now: number;
  /** Sensor name, written as the origin/source of the decisions. */
  readonly sensor: string;
}

/** One rendered feed: written atomically to `<feeds dir>/<fileName>` and served at /feeds/<name>. */
export interface RenderedFeed {
  readonly fileName: string;
  readonly contentType: string;
  readonly text: string;
}

/** A gateway format: one file in src/response/feeds/ plus one entry in the FEEDS list. */
export interface FeedFormat {
  /** Config key and URL name: nginx, envoy, kong, crowdsec, json. */
  readonly name: string;
  render(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed;
}
