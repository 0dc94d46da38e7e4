// Reading and ageing out stored alerts: the listing filters (since on the packet or the wall clock,
// minimum severity, detector; newest first, limited), the packet-time "now" and per-detector counts
// summaries use, and retention. Plain SQL on the database; AlertStore adds error context.
import type { Db } from '../store/database';
import type { AlertRow } from './alert-rows';
import { SEVERITIES, type Severity } from './types';

/**
 * The two clocks an alert carries: `packet` is traffic time (first/last seen; a replay of an old
 * capture has old alerts), `wall` is when the row was last written (created/updated at).
 */
export type AlertClock = 'packet' | 'wall';

export interface AlertQuery {
  /** Alerts active at or after this time, in seconds on `clock`: last_seen (packet) or updated_at (wall). */
  since?: number;
  /** Which clock `since` is on; default packet. */
  clock?: AlertClock;
  severityAtLeast?: Severity;
  /** Exactly this severity. */
  severity?: Severity;
  /** Detector name. */
  type?: string;
  /** Newest first (default), or highest score first (reports pick the strongest). */
  order?: 'newest' | 'score';
  /** At most this many. */
  limit?: number;
}

export function listAlertRows(db: Db, q: AlertQuery): AlertRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.since !== undefined) {
    where.push(q.clock === 'wall' ? 'updated_at >= ?' : 'last_seen >= ?');
    args.push(q.since);
  }
  if (q.severityAtLeast !== undefined) {
    const allowed = SEVERITIES.slice(SEVERITIES.indexOf(q.severityAtLeast));
    where.push(`severity IN (${allowed.map(() => '?').join(', ')})`);
    args.push(...allowed);
  }
  if (q.severity !== undefined) {
    where.push('severity = ?');
    args.push(q.severity);
  }
  if (q.type !== undefined) {
    where.push('type = ?');
    args.push(q.type);
  }
  const order = q.order === 'score' ? 'score DESC, first_seen, id' : 'last_seen DESC, id DESC';
  let sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}`;
  if (q.limit !== undefined) {
    sql += ' LIMIT ?';
    args.push(Math.max(0, Math.floor(q.limit)));
  }
  return db.prepare(sql).all(...args) as AlertRow[];
}

/** The newest packet time of any stored alert, null when there is none. */
export function newestLastSeen(db: Db): number | null {
  return (db.prepare('SELECT MAX(last_seen) AS t FROM alerts').get() as { t: number | null }).t;
}

/** How many stored alerts per detector and severity, most first. */
export function countByTypeAndSeverity(db: Db): { type: string; severity: Severity; count: number }[] {
  const sql = 'SELECT type, severity, COUNT(*) AS count FROM alerts GROUP BY type, severity ORDER BY count DESC, type, severity';
  return db.prepare(sql).all() as { type: string; severity: Severity; count: number }[];
}

/**
 * Removes alerts last seen before `olderThan` and, beyond `maxAlerts`, the least recently seen ones,
 * in one transaction; alerts with a verdict stay (they are labels). Returns how many were removed.
 */
export function pruneAlerts(db: Db, opts: { maxAlerts: number; olderThan: number }): number {
  return db.transaction(() => {
    const old = db.prepare('DELETE FROM alerts WHERE verdict IS NULL AND last_seen < ?').run(opts.olderThan).changes;
    const over = db
      .prepare('DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE verdict IS NULL ORDER BY last_seen DESC, id DESC LIMIT -1 OFFSET ?)')
      .run(opts.maxAlerts).changes;
    return old + over;
  })();
}

/**
 * The identities (else client IPs) of the newest `limit + 1` actors with an alert not judged a false
 * positive: the models keep them out of their training sets (one more than asked, so a caller can
 * tell the set was cut).
 */
export function actorsWithOpenOrConfirmedAlerts(db: Db, limit: number): Set<string> {
  const rows = db
    .prepare(
      `SELECT COALESCE(identity, client) AS who, MAX(last_seen) AS seen FROM alerts
       WHERE (verdict IS NULL OR verdict = 'true-positive') AND COALESCE(identity, client) IS NOT NULL
       GROUP BY who ORDER BY seen DESC LIMIT ?`,
    )
    .pluck()
    .all(limit + 1) as string[];
  return new Set(rows);
}

/** How many of `detector`'s alerts analysts judged false positives, per identity (else client IP), most first. */
export function falsePositiveCountsByActor(db: Db, detector: string, limit: number): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT COALESCE(identity, client) AS who, COUNT(*) AS n FROM alerts
       WHERE type = ? AND verdict = 'false-positive' AND COALESCE(identity, client) IS NOT NULL
       GROUP BY who ORDER BY n DESC LIMIT ?`,
    )
    .all(detector, limit) as { who: string; n: number }[];
  return new Map(rows.map((r) => [r.who, r.n]));
}

/** Which of `ids` analysts judged false positives (the response stage withdraws their decisions). */
export function falsePositiveAlertIds(db: Db, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  // bounded IN lists: SQLite limits the number of parameters of one statement
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = db
      .prepare(`SELECT id FROM alerts WHERE verdict = 'false-positive' AND id IN (${chunk.map(() => '?').join(', ')})`)
      .pluck()
      .all(...chunk) as string[];
    for (const id of rows) out.add(id);
  }
  return out;
}
