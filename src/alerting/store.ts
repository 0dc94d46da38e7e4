// SQLite store of alerts, analyst feedback and suppressions (issue 5). Every alert is written here
// before any sink sees it; a deduped alert is one row whose count, last_seen, score, severity and
// evidence are updated as findings fold into it. Feedback is kept as a history (what the models
// learn from); the alert row carries the latest verdict for listing.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { StoreError, toStoreError, type Db, type Migration } from '../store/database';
import type { Suppression, SuppressionProvider, SuppressionRule, SuppressionSource } from './suppression';
import { SEVERITIES, type Alert, type EndpointRef, type Severity } from './types';

export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'alerts, feedback and suppressions',
    sql: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        score REAL NOT NULL,
        identity TEXT,
        client TEXT,
        host TEXT,
        method TEXT,
        template TEXT,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        count INTEGER NOT NULL,
        explanation TEXT NOT NULL,
        recommendation TEXT NOT NULL,
        evidence TEXT NOT NULL,
        sensor TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        verdict TEXT CHECK (verdict IN ('false-positive', 'true-positive'))
      );
      CREATE INDEX alerts_by_last_seen ON alerts (last_seen);
      CREATE INDEX alerts_by_type ON alerts (type, last_seen);
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        verdict TEXT NOT NULL CHECK (verdict IN ('false-positive', 'true-positive')),
        note TEXT NOT NULL DEFAULT '',
        at REAL NOT NULL,
        "by" TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX feedback_by_alert ON feedback (alert_id);
      CREATE TABLE suppressions (
        id TEXT PRIMARY KEY,
        detector TEXT,
        identity TEXT,
        client TEXT,
        host TEXT,
        method TEXT,
        template TEXT,
        reason TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        expires_at REAL,
        source TEXT NOT NULL CHECK (source IN ('config', 'feedback')),
        alert_id TEXT
      );
    `,
  },
  // 3 is the outbox, 4 the inventory's spec detail (src/daemon/migrations.ts lists every migration).
  {
    version: 5,
    name: 'alerts: count by detector and severity from the index (metrics scrapes)',
    sql: `CREATE INDEX alerts_by_type_severity ON alerts (type, severity);`,
  },
];

export type Verdict = 'false-positive' | 'true-positive';

export interface StoredAlert extends Alert {
  /** Latest analyst verdict, null until someone gives one. */
  readonly verdict: Verdict | null;
  /** Wall-clock seconds when the row was first written and last updated. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

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
  /** Detector name. */
  type?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface FeedbackOptions {
  /** For a false positive: add a suppression matching the alert's detector, who and endpoint. */
  suppress?: boolean;
  /** How long that suppression lasts; absent = until deleted. */
  suppressForSec?: number;
  /** Who gave the verdict; defaults to the current OS user. */
  by?: string;
  /** Seconds since the epoch; defaults to the store clock. */
  now?: number;
}

export interface FeedbackResult {
  readonly alertId: string;
  readonly verdict: Verdict;
  /** The suppression created, when one was asked for. */
  readonly suppression: Suppression | null;
}

/** One verdict with the alert it judged, as training and threshold tuning read it. */
export interface FeedbackRecord {
  readonly alertId: string;
  readonly verdict: Verdict;
  readonly note: string;
  readonly at: number;
  readonly by: string;
  readonly alert: StoredAlert;
}

export class UnknownAlertError extends StoreError {
  constructor(
    readonly alertId: string,
    file: string,
  ) {
    super('STORE_WRITE', `${file}: no alert with id ${alertId}`);
  }
}

interface AlertRow {
  id: string;
  type: string;
  severity: string;
  score: number;
  identity: string | null;
  client: string | null;
  host: string | null;
  method: string | null;
  template: string | null;
  first_seen: number;
  last_seen: number;
  count: number;
  explanation: string;
  recommendation: string;
  evidence: string;
  sensor: string;
  created_at: number;
  updated_at: number;
  verdict: Verdict | null;
}

interface SuppressionRow {
  id: string;
  detector: string | null;
  identity: string | null;
  client: string | null;
  host: string | null;
  method: string | null;
  template: string | null;
  reason: string;
  created_at: number;
  expires_at: number | null;
  source: SuppressionSource;
  alert_id: string | null;
}

const wallClock = (): number => Date.now() / 1000;

export class AlertStore implements SuppressionProvider {
  private readonly upsert: (a: Alert, now: number) => void;

  constructor(
    private readonly db: Db,
    /** Database file, named in errors. */
    private readonly file: string,
    /** Wall clock for created/updated/feedback times (seconds); tests pass their own. */
    private readonly clock: () => number = wallClock,
  ) {
    const stmt = db.prepare(
      `INSERT INTO alerts (id, type, severity, score, identity, client, host, method, template, first_seen, last_seen,
         count, explanation, recommendation, evidence, sensor, created_at, updated_at)
       VALUES (@id, @type, @severity, @score, @identity, @client, @host, @method, @template, @firstSeen, @lastSeen,
         @count, @explanation, @recommendation, @evidence, @sensor, @now, @now)
       ON CONFLICT (id) DO UPDATE SET
         severity = excluded.severity, score = excluded.score,
         first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
         count = MAX(count, excluded.count), explanation = excluded.explanation,
         recommendation = excluded.recommendation, evidence = excluded.evidence, updated_at = excluded.updated_at`,
    );
    this.upsert = (a, now) => {
      stmt.run({
        id: a.id,
        type: a.type,
        severity: a.severity,
        score: a.score,
        identity: a.identity ?? null,
        client: a.client ?? null,
        host: a.endpoint?.host ?? null,
        method: a.endpoint?.method ?? null,
        template: a.endpoint?.template ?? null,
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        count: a.count,
        explanation: JSON.stringify(a.explanation),
        recommendation: JSON.stringify(a.recommendation),
        evidence: JSON.stringify(a.evidence),
        sensor: a.sensor,
        now,
      });
    };
  }

  /** Inserts a new alert or updates the stored row of a deduped one (same id). */
  saveAlert(alert: Alert): void {
    this.write('saving an alert', () => this.upsert(alert, this.clock()));
  }

  /** Several alerts in one transaction (one per policy tick). */
  saveAlerts(alerts: readonly Alert[]): void {
    const now = this.clock();
    this.write('saving alerts', () => this.db.transaction(() => alerts.forEach((a) => this.upsert(a, now)))());
  }

  getAlert(id: string): StoredAlert | null {
    const row = this.read('reading an alert', () => this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined);
    return row ? alertOf(row) : null;
  }

  listAlerts(q: AlertQuery = {}): StoredAlert[] {
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
    if (q.type !== undefined) {
      where.push('type = ?');
      args.push(q.type);
    }
    let sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen DESC, id DESC`;
    if (q.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(Math.max(0, Math.floor(q.limit)));
    }
    const rows = this.read('listing alerts', () => this.db.prepare(sql).all(...args) as AlertRow[]);
    return rows.map(alertOf);
  }

  /** The newest packet time of any stored alert (the store's "now" on the packet clock), null when empty. */
  newestLastSeen(): number | null {
    const row = this.read('reading alert times', () => this.db.prepare('SELECT MAX(last_seen) AS t FROM alerts').get() as { t: number | null });
    return row.t;
  }

  /** How many stored alerts per detector and severity (most first), for summaries. */
  countByTypeAndSeverity(): { type: string; severity: Severity; count: number }[] {
    const sql = 'SELECT type, severity, COUNT(*) AS count FROM alerts GROUP BY type, severity ORDER BY count DESC, type, severity';
    return this.read('counting alerts', () => this.db.prepare(sql).all() as { type: string; severity: Severity; count: number }[]);
  }

  /**
   * Records an analyst verdict. A false positive with `suppress` also stores a suppression for the
   * alert's detector, identity (or client IP when it has no identity) and endpoint, so the next
   * identical finding is suppressed once the policy re-reads suppressions.
   */
  recordFeedback(alertId: string, verdict: Verdict, note = '', opts: FeedbackOptions = {}): FeedbackResult {
    const at = opts.now ?? this.clock();
    const by = opts.by ?? currentUser();
    return this.write('recording feedback', () =>
      this.db.transaction((): FeedbackResult => {
        const alert = this.getAlert(alertId);
        if (!alert) throw new UnknownAlertError(alertId, this.file);
        this.db.prepare('INSERT INTO feedback (alert_id, verdict, note, at, "by") VALUES (?, ?, ?, ?, ?)').run(alertId, verdict, note, at, by);
        this.db.prepare('UPDATE alerts SET verdict = ?, updated_at = ? WHERE id = ?').run(verdict, at, alertId);
        let suppression: Suppression | null = null;
        if (verdict === 'false-positive' && opts.suppress) {
          suppression = this.insertSuppression(
            {
              detector: alert.type,
              ...(alert.identity !== undefined ? { identity: alert.identity } : alert.client !== undefined ? { client: alert.client } : {}),
              ...endpointFields(alert.endpoint),
              reason: `false positive ${alertId}${note ? `: ${note}` : ''}`,
              ...(opts.suppressForSec !== undefined ? { expiresAt: at + opts.suppressForSec } : {}),
            },
            'feedback',
            at,
            alertId,
          );
        }
        return { alertId, verdict, suppression };
      })(),
    );
  }

  /** Every verdict, oldest first, with the alert it judged. */
  listFeedback(q: { since?: number; verdict?: Verdict } = {}): FeedbackRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.since !== undefined) {
      where.push('f.at >= ?');
      args.push(q.since);
    }
    if (q.verdict !== undefined) {
      where.push('f.verdict = ?');
      args.push(q.verdict);
    }
    const sql = `SELECT f.alert_id AS f_alert_id, f.verdict AS f_verdict, f.note AS f_note, f.at AS f_at, f."by" AS f_by, a.*
      FROM feedback f JOIN alerts a ON a.id = f.alert_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY f.at, f.id`;
    type Row = AlertRow & { f_alert_id: string; f_verdict: Verdict; f_note: string; f_at: number; f_by: string };
    const rows = this.read('listing feedback', () => this.db.prepare(sql).all(...args) as Row[]);
    return rows.map((r) => ({ alertId: r.f_alert_id, verdict: r.f_verdict, note: r.f_note, at: r.f_at, by: r.f_by, alert: alertOf(r) }));
  }

  addSuppression(rule: SuppressionRule, source: SuppressionSource = 'feedback'): Suppression {
    return this.write('adding a suppression', () => this.insertSuppression(rule, source, this.clock(), null));
  }

  /** Suppressions not expired at `now` (seconds; packet time in the sensor, wall time in the CLI). */
  listSuppressions(now: number): Suppression[] {
    const rows = this.read(
      'listing suppressions',
      () => this.db.prepare('SELECT * FROM suppressions WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at, id').all(now) as SuppressionRow[],
    );
    return rows.map(suppressionOf);
  }

  /**
   * Retention: removes alerts last seen before `olderThan` (seconds) and, beyond `maxAlerts`, the
   * least recently seen ones. Alerts an analyst gave a verdict are kept: they are the labels
   * training and threshold tuning learn from. Returns how many were removed.
   */
  prune(opts: { maxAlerts: number; olderThan: number }): number {
    return this.write('pruning alerts', () =>
      this.db.transaction(() => {
        const old = this.db.prepare('DELETE FROM alerts WHERE verdict IS NULL AND last_seen < ?').run(opts.olderThan).changes;
        const over = this.db
          .prepare('DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE verdict IS NULL ORDER BY last_seen DESC, id DESC LIMIT -1 OFFSET ?)')
          .run(opts.maxAlerts).changes;
        return old + over;
      })(),
    );
  }

  /** True when a suppression with that id existed. */
  deleteSuppression(id: string): boolean {
    return this.write('deleting a suppression', () => this.db.prepare('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0);
  }

  /** Replaces the stored copy of the config's rules (so the CLI lists them next to feedback ones). */
  syncConfigSuppressions(rules: readonly SuppressionRule[]): void {
    const now = this.clock();
    this.write('storing config suppressions', () =>
      this.db.transaction(() => {
        this.db.prepare("DELETE FROM suppressions WHERE source = 'config'").run();
        for (const r of rules) this.insertSuppression(r, 'config', now, null);
      })(),
    );
  }

  private insertSuppression(rule: SuppressionRule, source: SuppressionSource, now: number, alertId: string | null): Suppression {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO suppressions (id, detector, identity, client, host, method, template, reason, created_at, expires_at, source, alert_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, rule.detector ?? null, rule.identity ?? null, rule.client ?? null, rule.host ?? null, rule.method ?? null, rule.template ?? null, rule.reason, now, rule.expiresAt ?? null, source, alertId);
    return suppressionOf(this.db.prepare('SELECT * FROM suppressions WHERE id = ?').get(id) as SuppressionRow);
  }

  private write<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.file, doing);
    }
  }

  private read<T>(doing: string, fn: () => T): T {
    return this.write(doing, fn);
  }
}

function endpointFields(e: EndpointRef | undefined): Pick<SuppressionRule, 'host' | 'method' | 'template'> {
  return e ? { host: e.host, method: e.method, template: e.template } : {};
}

function alertOf(r: AlertRow): StoredAlert {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity as Severity,
    score: r.score,
    ...(r.identity !== null ? { identity: r.identity } : {}),
    ...(r.client !== null ? { client: r.client } : {}),
    ...(r.host !== null && r.method !== null && r.template !== null ? { endpoint: { host: r.host, method: r.method, template: r.template } } : {}),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: r.count,
    explanation: JSON.parse(r.explanation) as Alert['explanation'],
    recommendation: JSON.parse(r.recommendation) as Alert['recommendation'],
    evidence: JSON.parse(r.evidence) as Alert['evidence'],
    sensor: r.sensor,
    verdict: r.verdict,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function suppressionOf(r: SuppressionRow): Suppression {
  return {
    id: r.id,
    source: r.source,
    reason: r.reason,
    createdAt: r.created_at,
    ...(r.detector !== null ? { detector: r.detector } : {}),
    ...(r.identity !== null ? { identity: r.identity } : {}),
    ...(r.client !== null ? { client: r.client } : {}),
    ...(r.host !== null ? { host: r.host } : {}),
    ...(r.method !== null ? { method: r.method } : {}),
    ...(r.template !== null ? { template: r.template } : {}),
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    ...(r.alert_id !== null ? { alertId: r.alert_id } : {}),
  };
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
