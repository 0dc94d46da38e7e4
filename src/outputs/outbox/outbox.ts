// Durable outbox (DESIGN §7): every alert bound for a destination is a row in SQLite before any
// network I/O, so receiver outages and restarts lose nothing. `enqueue` commits before it returns (a
// SIGKILL right after it loses nothing; WAL with synchronous=NORMAL can still lose the last commits
// on power loss, which is the store's trade-off for every table). Rows leave only by `ack` (delivered
// or rejected for good) or by the backlog bound, which drops the oldest alert of the lowest severity
// so a critical alert is never dropped while an info one is queued. Another process may queue rows
// in the same file (the CLI's audit records): the cached counts are dropped whenever SQLite reports
// a commit by another connection, and writes inside a caller's transaction (which may still roll
// back) count from the table without caching.
import type { Alert } from '../../alerting/types';
import { SEVERITIES } from '../../alerting/types';
import type { Counters } from '../../core/counters';
import { toStoreError, type Db } from '../../store/database';

export interface OutboxOptions {
  /** Queued alerts per destination; beyond it the lowest-severity oldest one is dropped. */
  readonly maxBacklogPerDestination: number;
  readonly counters: Counters;
  /** Wall clock in milliseconds (tests may pass their own). */
  readonly now?: () => number;
}

/** One queued alert for one destination. */
export interface OutboxEntry {
  /** Per-destination sequence: strictly increasing, never reused. */
  readonly seq: number;
  readonly alert: Alert;
  /** Wall-clock milliseconds. */
  readonly createdAt: number;
  /** Failed delivery attempts so far. */
  readonly attempts: number;
  /** Wall-clock milliseconds before which no retry is due (0 = now). */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

interface EntryRow {
  seq: number;
  alert_json: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

const MAX_ERROR_CHARS = 1000;

export class Outbox {
  private readonly now: () => number;
  /** Queued rows per destination; loaded from the table on first use, then kept in step. */
  private readonly counts = new Map<string, number>();
  /** PRAGMA data_version when `counts` was last known good: it changes when another connection commits. */
  private dataVersion = -1;
  /** Highest sequence handed out by `lease` per destination: in flight, so never dropped. */
  private readonly leasedUpTo = new Map<string, number>();
  private readonly file: string;

  private readonly nextSeqStmt;
  private readonly insertStmt;
  private readonly countStmt;
  private readonly dropStmt;
  private readonly peekStmt;
  private readonly deleteStmt;
  private readonly failStmt;
  private readonly dataVersionStmt;

  constructor(
    private readonly db: Db,
    private readonly opts: OutboxOptions,
  ) {
    if (!Number.isInteger(opts.maxBacklogPerDestination) || opts.maxBacklogPerDestination < 1) {
      throw new RangeError(`maxBacklogPerDestination must be a positive integer, got ${opts.maxBacklogPerDestination}`);
    }
    this.now = opts.now ?? Date.now;
    this.file = db.name;
    this.nextSeqStmt = db.prepare<[string], { seq: number }>(
      `INSERT INTO outbox_sequences (destination, next_seq) VALUES (?, 2)
       ON CONFLICT (destination) DO UPDATE SET next_seq = next_seq + 1
       RETURNING next_seq - 1 AS seq`,
    );
    this.insertStmt = db.prepare(
      'INSERT INTO outbox (destination, seq, alert_id, severity, alert_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.countStmt = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE destination = ?');
    this.dropStmt = db.prepare(
      `DELETE FROM outbox WHERE destination = @destination AND seq IN (
         SELECT seq FROM outbox WHERE destination = @destination AND seq > @leased
         ORDER BY severity, seq LIMIT @excess)`,
    );
    this.peekStmt = db.prepare<[string, number], EntryRow>(
      `SELECT seq, alert_json, created_at, attempts, next_attempt_at, last_error
       FROM outbox WHERE destination = ? ORDER BY seq LIMIT ?`,
    );
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE destination = ? AND seq = ?');
    this.dataVersionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.failStmt = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE destination = ? AND seq = ?',
    );
  }

  /**
   * Queues `alert` for every destination in one transaction, committed before this returns. Throws a
   * StoreError (e.g. STORE_FULL) when the database refuses the write; nothing is queued then.
   */
  enqueue(destinations: readonly string[], alert: Alert): void {
    const targets = [...new Set(destinations)];
    if (targets.length === 0) return;
    const severity = SEVERITIES.indexOf(alert.severity);
    if (severity < 0) throw new TypeError(`alert ${alert.id}: unknown severity ${String(alert.severity)}`);
    const json = JSON.stringify(alert);
    const createdAt = this.now();
    const after = new Map<string, { count: number; dropped: number }>();
    // inside the caller's transaction, which may yet roll back: nothing cached from it
    const nested = this.db.inTransaction;
    const write = this.db.transaction(() => {
      for (const destination of targets) {
        // Read the committed count before the insert, so the lazy load cannot count the new row.
        let count = this.queued(destination, !nested) + 1;
        const { seq } = this.nextSeqStmt.get(destination) as { seq: number };
        this.insertStmt.run(destination, seq, alert.id, severity, json, createdAt);
        let dropped = 0;
        const excess = count - this.opts.maxBacklogPerDestination;
        if (excess > 0) {
          dropped = this.dropStmt.run({ destination, leased: this.leasedUpTo.get(destination) ?? 0, excess }).changes;
          count -= dropped;
        }
        after.set(destination, { count, dropped });
      }
    });
    try {
      write();
    } catch (err) {
      throw toStoreError(err, this.file, 'queueing an alert for delivery');
    }
    // Only after the commit: a rolled-back transaction must not move the counts.
    for (const [destination, { count, dropped }] of after) {
      if (nested) this.counts.delete(destination);
      else this.counts.set(destination, count);
      this.opts.counters.inc(`outputs.${destination}.enqueued`);
      if (dropped > 0) {
        this.opts.counters.inc(`outputs.${destination}.dropped_backlog`, dropped);
        this.opts.counters.inc('outputs.dropped_backlog', dropped);
      }
    }
  }

  /** The oldest `max` alerts queued for `destination`, in sequence order. */
  peek(destination: string, max: number): OutboxEntry[] {
    let rows: EntryRow[];
    try {
      rows = this.peekStmt.all(destination, Math.max(0, Math.floor(max)));
    } catch (err) {
      throw toStoreError(err, this.file, 'reading the outbox');
    }
    return rows.map((r) => ({
      seq: r.seq,
      alert: JSON.parse(r.alert_json) as Alert,
      createdAt: r.created_at,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
    }));
  }

  /**
   * `peek` for a sender: the returned alerts count as in flight from now on, so the backlog bound
   * never drops them and an alert a receiver may already have is never counted as lost.
   */
  lease(destination: string, max: number): OutboxEntry[] {
    const entries = this.peek(destination, max);
    const last = entries[entries.length - 1];
    if (last !== undefined && last.seq > (this.leasedUpTo.get(destination) ?? 0)) this.leasedUpTo.set(destination, last.seq);
    return entries;
  }

  /** Removes delivered (or rejected for good) alerts; returns how many rows went. */
  ack(destination: string, seqs: readonly number[]): number {
    let removed = 0;
    let before = 0;
    const nested = this.db.inTransaction;
    const remove = this.db.transaction(() => {
      // Read the count before the delete: a lazy load after it would already miss the acked rows.
      before = this.queued(destination, !nested);
      for (const seq of seqs) removed += this.deleteStmt.run(destination, seq).changes;
    });
    try {
      remove();
    } catch (err) {
      throw toStoreError(err, this.file, 'removing delivered alerts from the outbox');
    }
    if (nested) this.counts.delete(destination);
    else if (removed > 0) this.counts.set(destination, before - removed);
    return removed;
  }

  /** Records a failed attempt: attempts + 1, the error, and when the next attempt is due. */
  recordFailure(destination: string, seqs: readonly number[], error: string, nextAttemptAt: number): void {
    const message = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
    const update = this.db.transaction(() => {
      for (const seq of seqs) this.failStmt.run(message, Math.round(nextAttemptAt), destination, seq);
    });
    try {
      update();
    } catch (err) {
      throw toStoreError(err, this.file, 'recording a failed delivery');
    }
  }

  /** Alerts queued for `destination` (a gauge). */
  backlog(destination: string): number {
    return this.queued(destination);
  }

  /** Destinations with queued alerts, e.g. to find ones no longer configured. */
  destinations(): string[] {
    return (this.db.prepare('SELECT DISTINCT destination FROM outbox ORDER BY destination').all() as { destination: string }[]).map(
      (r) => r.destination,
    );
  }

  private queued(destination: string, cache = true): number {
    let version: number;
    try {
      version = this.dataVersionStmt.get() as number;
    } catch (err) {
      throw toStoreError(err, this.file, 'reading the outbox');
    }
    if (version !== this.dataVersion) {
      // another process committed (rows it queued, or acked): count again from the table
      this.counts.clear();
      this.dataVersion = version;
    }
    let n = cache ? this.counts.get(destination) : undefined;
    if (n === undefined) {
      n = this.countStmt.get(destination)?.n ?? 0;
      if (cache) this.counts.set(destination, n);
    }
    return n;
  }
}
