// Identity attribution: the share of credentialed requests whose resolved identity is consistent
// with the labelled actor. Each actor's identity is the one most of its requests resolved to (an
// `ip:` fallback does not count: the request carried a credential); a request is consistent when it
// resolved to its actor's identity and no other actor has that identity. Only benign requests are
// measured: attacks break the one-actor-one-identity rule on purpose (stuffing tries many names, a
// stolen token is its victim's identity).
import type { AttributionResult } from './types';
import { round } from './metrics';

/** What the replay resolved for one actor's credentialed benign requests. */
export interface ActorIdentityTally {
  readonly actor: string;
  /** Its requests found again in the traffic. */
  readonly matched: number;
  /** Resolved identity → requests (requests with no identity are not in it). */
  readonly identities: ReadonlyMap<string, number>;
}

export interface Attribution {
  readonly result: AttributionResult;
  /** Each actor's identity, for matching alerts to attacks by identity. */
  readonly byActor: ReadonlyMap<string, string>;
}

/**
 * @param credentialedRequests benign requests of credentialed actors in the labels (the denominator)
 * @param available some transaction had a resolved identity (an identity stage ran)
 */
export function attributeIdentities(tallies: readonly ActorIdentityTally[], credentialedRequests: number, available: boolean): Attribution {
  const byActor = new Map<string, string>();
  const owners = new Map<string, number>();
  for (const t of tallies) {
    const main = mainIdentity(t.identities);
    if (main === null) continue;
    byActor.set(t.actor, main);
    owners.set(main, (owners.get(main) ?? 0) + 1);
  }
  let consistent = 0;
  for (const t of tallies) {
    const main = byActor.get(t.actor);
    if (main !== undefined && owners.get(main) === 1) consistent += t.identities.get(main) ?? 0;
  }
  const matched = tallies.reduce((n, t) => n + t.matched, 0);
  return {
    result: {
      available,
      credentialedRequests,
      matchedRequests: matched,
      consistentRequests: available ? consistent : 0,
      share: available && credentialedRequests > 0 ? round(consistent / credentialedRequests, 4) : null,
      actors: tallies.length,
      sharedIdentities: [...owners.values()].filter((n) => n > 1).length,
    },
    byActor,
  };
}

/** The identity most requests resolved to, ties to the smallest name; `ip:` fallbacks are not one. */
function mainIdentity(identities: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [id, n] of identities) {
    if (id.startsWith('ip:')) continue;
    if (n > bestCount || (n === bestCount && best !== null && id < best)) {
      best = id;
      bestCount = n;
    }
  }
  return best;
}
