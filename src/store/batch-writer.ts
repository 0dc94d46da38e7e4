// Batched writes (DESIGN §4): stages queue their writes and one flush per tick applies them in a
// single transaction. A failed flush (disk full, read-only, locked) keeps the batch for the next tick,
// so nothing stored is lost to a passing fault; the queue is bounded, and when it is full the oldest
// writes are dropped and counted, so the sensor keeps running whatever the disk does.
import type { Counters } from '../core/counters';
import type { Db } from './database';
import { toStoreError, type StoreError } from './errors';

export type Write = (db: Db) => void;

export interface FlushResult {
  written: number;
  pending: number;
  error?: StoreError;
}

export class BatchWriter {
  private queue: Write[] = [];
  private readonly runBatch: (writes: Write[]) => void;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    /** Writes held while the database refuses them; the oldest go first when full. */
    private readonly maxPending: number,
    private readonly counters: Counters,
  ) {
    this.runBatch = db.transaction((writes: Write[]) => {
      for (const w of writes) w(db);
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(write: Write): void {
    if (this.queue.length >= this.maxPending) {
      this.queue.shift();
      this.counters.inc('store.pending.dropped');
    }
    this.queue.push(write);
  }

  /** Applies every queued write in one transaction; on failure the writes stay queued. */
  flush(): FlushResult {
    if (this.queue.length === 0) return { written: 0, pending: 0 };
    const batch = this.queue;
    try {
      this.runBatch(batch);
    } catch (err) {
      this.counters.inc('store.flush.failed');
      return { written: 0, pending: batch.length, error: toStoreError(err, this.file, 'writing a batch') };
    }
    this.queue = [];
    this.counters.inc('store.flush.ok');
    return { written: batch.length, pending: 0 };
  }
}
