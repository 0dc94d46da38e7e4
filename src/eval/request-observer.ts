// The consumer eval puts at the end of the pipeline: it sees every transaction with what the stages
// before it resolved (identity, client IP), finds the labelled request it was, and tallies the
// identities per actor (for attribution) and per attack (for matching alerts by identity).
import type { TransactionConsumer, TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import type { ScenarioLabels } from '../core/scenario-labels';
import type { ActorIdentityTally } from './attribution';
import type { RequestIndex } from './request-index';

/** Identities remembered per attack; a stuffing attack's many names beyond it add nothing to matching. */
const MAX_IDENTITIES_PER_ATTACK = 256;

export class RequestObserver {
  /** Some transaction had a resolved identity: an identity stage ran. */
  identitySeen = false;
  transactions = 0;
  measuredTransactions = 0;
  private readonly actorMatched: number[];
  private readonly actorIdentities: Map<string, number>[];
  private readonly attackIdentities: Set<string>[];

  constructor(
    private readonly labels: ScenarioLabels,
    private readonly index: RequestIndex,
  ) {
    this.actorMatched = labels.actors.map(() => 0);
    this.actorIdentities = labels.actors.map(() => new Map());
    this.attackIdentities = labels.attacks.map(() => new Set());
  }

  readonly consumer: TransactionConsumer = {
    name: 'eval.requests',
    onTransaction: (tx: HttpTransaction, ctx: TransactionContext): void => this.observe(tx, ctx),
  };

  /** Credentialed actors' tallies (actors without a credential are not measured). */
  actorTallies(): ActorIdentityTally[] {
    return this.labels.actors.flatMap((a, i) =>
      a.credential === 'none' ? [] : [{ actor: a.id, matched: this.actorMatched[i] ?? 0, identities: this.actorIdentities[i] ?? new Map<string, number>() }],
    );
  }

  /** Identities the requests of each attack resolved to, by attack id. */
  identitiesByAttack(): Map<string, string[]> {
    return new Map(this.labels.attacks.map((a, i) => [a.id, [...(this.attackIdentities[i] ?? [])]]));
  }

  private observe(tx: HttpTransaction, ctx: TransactionContext): void {
    this.transactions++;
    const identity = ctx.identity;
    if (identity !== null) this.identitySeen = true;
    if (tx.method === null || tx.path === null) return;
    const req = this.index.take(tx.client, tx.method, tx.path, tx.ts);
    if (!req) return;
    this.measuredTransactions++;
    if (req.attack >= 0) {
      const ids = this.attackIdentities[req.attack];
      if (identity !== null && ids && ids.size < MAX_IDENTITIES_PER_ATTACK) ids.add(identity);
      return;
    }
    this.actorMatched[req.actor] = (this.actorMatched[req.actor] ?? 0) + 1;
    const ids = this.actorIdentities[req.actor];
    if (identity !== null && ids) ids.set(identity, (ids.get(identity) ?? 0) + 1);
  }
}
