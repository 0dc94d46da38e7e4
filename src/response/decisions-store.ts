// The stored gateway decisions (issue 15): one row per decision id. A repeated alert for the same
// action, target and endpoint extends the row (later expiry, the higher confidence, the newest alert
// and reason) instead of adding one. A decision ends by expiry, by withdrawal (its alert judged a
// false positive) or by an analyst's revoke; ended rows stay for `decisions --all` until the bound
// (response.maxDecisions) removes them, oldest first, before any active one. Errors are StoreErrors
// naming the file.
import type { Counters } from '../core/counters';
import { toStoreError, type Db } from '../store/database';
import type { Decision, DecisionAction, DecisionSource, DecisionTarget } from './decision';

export type DecisionStatus = 'active' | 'withdrawn' | 'revoked' | 'expired';

export interface StoredDecision extends Decision {
  readonly status: DecisionStatus;
  readonly endedAt?: number;
  readonly endedBy?: string;
  readonly endedReason?: string;
}

/**
 * new: stored (or an ended one made active again); extended: an active one got a later expiry;
 * kept-ended: withdrawn or revoked for this very alert, so a repeat of the alert does not undo it.
 */
export type UpsertOutcome = 'new' | 'extended' | 'kept-ended';

interface DecisionRow {
  id: string;
  action: DecisionAction;
  target_kind: DecisionTarget['kind'];
  target_value: string;
  host: string | null;
  method: string | null;
  template: string | null;
  limit_per_minute: number | null;
  created_at: number;
  expires_at: number;
  alert_id: string | null;
  detector: string | null;
  reason: string;
  confidence: number;
  source: DecisionSource;
  status: DecisionStatus;
  ended_at: number | null;
  ended_by: string | null;
  ended_reason: string | null;
}

export const C_DROPPED = 'response.decisions.dropped';
export const C_PRUNED = 'response.decisions.pruned';

export class DecisionsStore {
  constructor(
    private readonly db: Db,
    /** Database file, named in errors. */
    private readonly file: string,
    private readonly opts: { maxDecisions: number; counters: Counters },
  ) {}

  /** Stores or extends `d`, then applies the bound. Throws StoreError. */
  upsert(d: Decision): UpsertOutcome {
    return this.write('storing a decision', () =>
      this.db.transaction((): UpsertOutcome => {
        const old = this.db.prepare('SELECT * FROM decisions WHERE id = ?').get(d.id) as DecisionRow | undefined;
        let outcome: UpsertOutcome;
        if (old === undefined) {
          this.insert(d);
          outcome = 'new';
        } else if (old.status === 'active') {
          this.db
            .prepare(
              `UPDATE decisions SET expires_at = MAX(expires_at, ?), confidence = MAX(confidence, ?), alert_id = ?, detector = ?, reason = ?,
               limit_per_minute = ? WHERE id = ?`,
            )
            .run(d.expiresAt, d.confidence, d.alertId ?? null, d.detector ?? null, d.reason, d.limitPerMinute ?? null, d.id);
          outcome = 'extended';
        } else if ((old.status === 'withdrawn' || old.status === 'revoked') && old.alert_id !== null && old.alert_id === d.alertId) {
          // the analyst's word on this alert stands while the alert keeps folding findings
          outcome = 'kept-ended';
        } else {
          this.db.prepare('DELETE FROM decisions WHERE id = ?').run(d.id);
          this.insert(d);
          outcome = 'new';
        }
        this.applyBound();
        return outcome;
      })(),
    );
  }

  /** Active decisions not expired at `now` (wall seconds), oldest first. */
  listActive(now: number): StoredDecision[] {
    return this.read('listing decisions', () =>
      (this.db.prepare("SELECT * FROM decisions WHERE status = 'active' AND expires_at > ? ORDER BY created_at, id").all(now) as DecisionRow[]).map(decisionOf),
    );
  }

  /** Active decisions (expired ones until `expire` marks them), or every stored one with `all`; oldest first. */
  list(q: { all?: boolean } = {}): StoredDecision[] {
    const sql = q.all ? 'SELECT * FROM decisions ORDER BY created_at, id' : "SELECT * FROM decisions WHERE status = 'active' ORDER BY created_at, id";
    return this.read('listing decisions', () => (this.db.prepare(sql).all() as DecisionRow[]).map(decisionOf));
  }

  get(id: string): StoredDecision | null {
    const row = this.read('reading a decision', () => this.db.prepare('SELECT * FROM decisions WHERE id = ?').get(id) as DecisionRow | undefined);
    return row === undefined ? null : decisionOf(row);
  }

  /** Changes whenever the active set does, also by another process (a revoke from the CLI). */
  activeSignature(): string {
    return this.read('reading decisions', () =>
      JSON.stringify(this.db.prepare("SELECT COUNT(*) AS n, TOTAL(expires_at) AS e, TOTAL(confidence) AS c, TOTAL(limit_per_minute) AS l FROM decisions WHERE status = 'active'").get()),
    );
  }

  /** The alert ids active decisions came from (the false-positive check reads their verdicts). */
  activeAlertIds(): string[] {
    return this.read('listing decisions', () =>
      this.db.prepare("SELECT DISTINCT alert_id FROM decisions WHERE status = 'active' AND alert_id IS NOT NULL").pluck().all() as string[],
    );
  }

  /** Withdraws the active decisions of an alert judged a false positive; returns their ids. */
  withdrawForAlert(alertId: string, by: string, now: number): string[] {
    return this.write('withdrawing decisions', () =>
      this.db.transaction((): string[] => {
        const ids = this.db.prepare("SELECT id FROM decisions WHERE status = 'active' AND alert_id = ?").pluck().all(alertId) as string[];
        this.db
          .prepare("UPDATE decisions SET status = 'withdrawn', ended_at = ?, ended_by = ?, ended_reason = ? WHERE status = 'active' AND alert_id = ?")
          .run(now, by, `alert ${alertId} was judged a false positive`, alertId);
        return ids;
      })(),
    );
  }

  /** Ends an active decision by hand; false when there is no active decision with that id. */
  revoke(id: string, by: string, now: number, reason = 'revoked by hand'): boolean {
    return this.write('revoking a decision', () => {
      const r = this.db
        .prepare("UPDATE decisions SET status = 'revoked', ended_at = ?, ended_by = ?, ended_reason = ? WHERE id = ? AND status = 'active'")
        .run(now, by, reason, id);
      return r.changes > 0;
    });
  }

  /** Marks active decisions whose expiry is at or before `now` expired; returns how many. */
  expire(now: number): number {
    return this.write('expiring decisions', () => {
      const r = this.db
        .prepare("UPDATE decisions SET status = 'expired', ended_at = expires_at, ended_by = 'expiry', ended_reason = 'expired' WHERE status = 'active' AND expires_at <= ?")
        .run(now);
      return r.changes;
    });
  }

  private insert(d: Decision): void {
    this.db
      .prepare(
        `INSERT INTO decisions (id, action, target_kind, target_value, host, method, template, limit_per_minute, created_at, expires_at,
         alert_id, detector, reason, confidence, source, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')`,
      )
      .run(
        d.id,
        d.action,
        d.target.kind,
        d.target.value,
        d.endpoint?.host ?? null,
        d.endpoint?.method ?? null,
        d.endpoint?.template ?? null,
        d.limitPerMinute ?? null,
        d.createdAt,
        d.expiresAt,
        d.alertId ?? null,
        d.detector ?? null,
        d.reason,
        d.confidence,
        d.source,
      );
  }

  /** Beyond maxDecisions rows: ended ones first (oldest ended), then the lowest-confidence oldest active. */
  private applyBound(): void {
    const over = (this.db.prepare('SELECT COUNT(*) FROM decisions').pluck().get() as number) - this.opts.maxDecisions;
    if (over <= 0) return;
    const pruned = this.db
      .prepare("DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE status != 'active' ORDER BY ended_at, id LIMIT ?)")
      .run(over).changes;
    if (pruned > 0) this.opts.counters.inc(C_PRUNED, pruned);
    const rest = over - pruned;
    if (rest <= 0) return;
    const dropped = this.db
      .prepare("DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE status = 'active' ORDER BY confidence, created_at, id LIMIT ?)")
      .run(rest).changes;
    if (dropped > 0) this.opts.counters.inc(C_DROPPED, dropped);
  }

  private read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.file, what);
    }
  }

  private write<T>(what: string, fn: () => T): T {
    return this.read(what, fn);
  }
}

function decisionOf(r: DecisionRow): StoredDecision {
  return {
    id: r.id,
    action: r.action,
    target: { kind: r.target_kind, value: r.target_value },
    ...(r.host !== null && r.method !== null && r.template !== null ? { endpoint: { host: r.host, method: r.method, template: r.template } } : {}),
    ...(r.limit_per_minute !== null ? { limitPerMinute: r.limit_per_minute } : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ...(r.alert_id !== null ? { alertId: r.alert_id } : {}),
    ...(r.detector !== null ? { detector: r.detector } : {}),
    reason: r.reason,
    confidence: r.confidence,
    source: r.source,
    status: r.status,
    ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
    ...(r.ended_by !== null ? { endedBy: r.ended_by } : {}),
    ...(r.ended_reason !== null ? { endedReason: r.ended_reason } : {}),
  };
}
