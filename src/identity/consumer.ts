// The identity stage as two pipeline consumers: `resolve` runs first (fills ctx.clientIp,
// ctx.identity, ctx.session; ticks and flushes the stage), `activity` runs after the inventory and
// adds the endpoint it mapped to the identity resolved for the same transaction.
import type { TransactionConsumer } from '../http/consumer';
import type { IdentityStage } from './stage';

export interface IdentityConsumers {
  readonly resolve: TransactionConsumer;
  readonly activity: TransactionConsumer;
}

export function identityConsumers(stage: IdentityStage): IdentityConsumers {
  return {
    resolve: {
      name: 'identity',
      onTransaction(tx, ctx) {
        stage.resolve(tx, ctx);
      },
      onTick(now) {
        stage.tick(now);
      },
      flush() {
        stage.flush();
      },
      close() {
        stage.close();
      },
    },
    activity: {
      name: 'identity-activity',
      onTransaction(tx, ctx) {
        stage.noteEndpoint(tx, ctx);
      },
    },
  };
}
