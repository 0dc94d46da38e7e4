// Which labelled attacks each alert belongs to. An alert matches an attack when it names one of the
// attack's actors (its client IP is one of the attack's IPs, or its identity is one the attack's
// usernames, actors or requests resolve to) and it was raised (firstSeen, packet time) within the
// attack's window widened by the slack: [start − slackBefore, end + slackAfter]. One alert may
// match several attacks; an alert with neither client nor identity cannot match any.
import type { ScenarioLabels } from '../core/scenario-labels';
import type { AttackTarget, EvalAlert } from './types';

export interface MatchOptions {
  /** Seconds before an attack's start an alert still counts (default 0: earlier is not a detection). */
  readonly slackBeforeSec: number;
  /** Seconds after an attack's end an alert still counts (detectors report at window ends). */
  readonly slackAfterSec: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { slackBeforeSec: 0, slackAfterSec: 300 };

export interface AlertMatch {
  readonly alert: EvalAlert;
  /** Ids of the attacks it matches, in the labels' order. */
  readonly attacks: readonly string[];
  /** It has a client or an identity, so it could have matched. */
  readonly attributable: boolean;
}

/** Identities learned from the replay, per actor id and per attack id (see attribution.ts). */
export interface ResolvedIdentities {
  readonly byActor: ReadonlyMap<string, string>;
  readonly byAttack: ReadonlyMap<string, readonly string[]>;
}

const NONE_RESOLVED: ResolvedIdentities = { byActor: new Map(), byAttack: new Map() };

/** The labels' attacks with every identity that names their actors. */
export function attackTargets(labels: ScenarioLabels, resolved: ResolvedIdentities = NONE_RESOLVED): AttackTarget[] {
  return labels.attacks.map((a) => {
    const identities = new Set(a.usernames.map((u) => `user:${u}`));
    for (const actor of a.actors) {
      const id = resolved.byActor.get(actor);
      if (id !== undefined) identities.add(id);
    }
    for (const id of resolved.byAttack.get(a.id) ?? []) identities.add(id);
    return { id: a.id, type: a.type, start: a.start, end: a.end, ips: [...a.ips], identities: [...identities] };
  });
}

export function matchAlerts(alerts: readonly EvalAlert[], targets: readonly AttackTarget[], options: MatchOptions = DEFAULT_MATCH_OPTIONS): AlertMatch[] {
  const prepared = targets.map((t) => ({ id: t.id, from: t.start - options.slackBeforeSec, to: t.end + options.slackAfterSec, ips: new Set(t.ips), identities: new Set(t.identities) }));
  return alerts.map((alert) => {
    const ip = alertIp(alert);
    const identity = alert.identity ?? null;
    const attributable = ip !== null || identity !== null;
    const attacks = attributable
      ? prepared
          .filter((t) => alert.firstSeen >= t.from && alert.firstSeen <= t.to)
          .filter((t) => (ip !== null && t.ips.has(ip)) || (identity !== null && t.identities.has(identity)))
          .map((t) => t.id)
      : [];
    return { alert, attacks, attributable };
  });
}

/** The client address of an alert: its client (a port, if one was given, dropped), else an `ip:` identity. */
function alertIp(alert: EvalAlert): string | null {
  if (alert.client !== undefined && alert.client !== '') return withoutPort(alert.client);
  if (alert.identity?.startsWith('ip:')) return alert.identity.slice(3);
  return null;
}

function withoutPort(client: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(client);
  if (v6?.[1] !== undefined) return v6[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(client);
  return v4?.[1] ?? client;
}
