// The inventory as a pipeline consumer: maps each transaction to its endpoint (and tells the
// consumers after it which one), and writes the map on the flush ticks of the packet clock.
import type { TransactionConsumer } from '../http/consumer';
import type { Inventory } from './inventory';

export function inventoryConsumer(inventory: Inventory): TransactionConsumer {
  return {
    name: 'inventory',
    onTransaction(tx, ctx) {
      ctx.endpoint = inventory.observe(tx);
    },
    flush(now) {
      inventory.flush(now);
    },
    close(now) {
      inventory.flushAll(now);
    },
  };
}
