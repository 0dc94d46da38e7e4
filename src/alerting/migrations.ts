// Alert store tables (issue 5): alerts (one row per deduped alert), the feedback history and the
// suppressions, plus the index metrics scrapes count from. Versions 2 and 5: daemon/migrations.ts
// composes every stage's list into the one state database.
import type { Migration } from '../store/database';

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
