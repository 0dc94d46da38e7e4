// The stored audit trail (issue 17): `record` appends one analyst action, `list` reads them back for
// `tapwatch audit`. Rows are never updated (the table's trigger refuses it); the only delete is the
// retention bound, which removes the oldest beyond `audit.maxRecords` and counts them (audit.pruned).
// Errors are StoreErrors naming the file, as the alert store's are.
import type { Counters } from '../core/counters';
import { toStoreError, type Db } from '../store/database';
import type { ActorKind, AuditAction, AuditEntry, AuditRecord } from './types';

export interface AuditLogOptions {
  /** Records kept; beyond it the oldest are removed (audit.maxRecords). */
  maxRecords: number;
  counters: Counters;
  /** Sortable ids, time first (the alert ids' generator: alerting/ids.ts, given by the caller). */
  ids: { next(at: number): string };
  /** Wall clock in seconds; tests pass their own. */
  clock?: () => number;
}

export interface AuditQuery {
  /** Wall-clock seconds: records at or after it. */
  since?: number;
  action?: AuditAction;
  /** Actor name (token name, local user). */
  actor?: string;
  /** The newest this many (default 1000). */
  limit?: number;
}

interface AuditRow {
  id: string;
  at: number;
  actor_kind: ActorKind;
  actor_name: string;
  actor_address: string | null;
  action: AuditAction;
  target: string;
  details_json: string;
}

export class AuditLog {
  private readonly clock: () => number;
  private readonly insertStmt;
  private readonly pruneStmt;

  constructor(
    private readonly db: Db,
    /** Database file, named in errors. */
    private readonly file: string,
    private readonly opts: AuditLogOptions,
  ) {
    this.clock = opts.clock ?? ((): number => Date.now() / 1000);
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (id, at, actor_kind, actor_name, actor_address, action, target, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // ids sort by time, so the smallest ids are the oldest records
    this.pruneStmt = db.prepare(
      'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id LIMIT max(0, (SELECT COUNT(*) FROM audit_log) - ?))',
    );
  }

  /** Retention bound; the daemon sets it again on a config reload. */
  set maxRecords(n: number) {
    this.opts.maxRecords = n;
  }

  /** Appends the action (committed when this returns, or part of the caller's transaction). Throws StoreError. */
  record(entry: AuditEntry, now: number = this.clock()): AuditRecord {
    const record: AuditRecord = { ...entry, id: this.opts.ids.next(now), at: now, details: entry.details ?? {} };
    let pruned = 0;
    try {
      this.db.transaction(() => {
        this.insertStmt.run(record.id, record.at, entry.actor.kind, entry.actor.name, entry.actor.address ?? null, entry.action, entry.target, JSON.stringify(record.details));
        pruned = this.pruneStmt.run(this.opts.maxRecords).changes;
      })();
    } catch (err) {
      throw toStoreError(err, this.file, 'writing an audit record');
    }
    if (pruned > 0) this.opts.counters.inc('audit.pruned', pruned);
    this.opts.counters.inc('audit.recorded');
    return record;
  }

  /** The newest `limit` records matching the query, oldest first. */
  list(q: AuditQuery = {}): AuditRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.since !== undefined) {
      where.push('at >= ?');
      args.push(q.since);
    }
    if (q.action !== undefined) {
      where.push('action = ?');
      args.push(q.action);
    }
    if (q.actor !== undefined) {
      where.push('actor_name = ?');
      args.push(q.actor);
    }
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    let rows: AuditRow[];
    try {
      rows = this.db.prepare(sql).all(...args, q.limit ?? 1000) as AuditRow[];
    } catch (err) {
      throw toStoreError(err, this.file, 'reading the audit trail');
    }
    return rows.reverse().map(recordOf);
  }

  /** Records stored. */
  count(): number {
    try {
      return (this.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    } catch (err) {
      throw toStoreError(err, this.file, 'counting audit records');
    }
  }
}

function recordOf(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: r.at,
    actor: { kind: r.actor_kind, name: r.actor_name, ...(r.actor_address !== null ? { address: r.actor_address } : {}) },
    action: r.action,
    target: r.target,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  };
}
