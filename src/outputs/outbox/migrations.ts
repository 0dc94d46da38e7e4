// Outbox tables (DESIGN §7). One row per (destination, alert): each destination keeps its own order
// and its own retry state, so a slow webhook never holds back a fast one. Version 3: versions 1 and 2
// are the inventory and the alert store; the integrator concatenates the lists.
import type { Migration } from '../../store/database';

export const OUTBOX_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    name: 'alert outbox per destination',
    sql: `
      -- The next sequence per destination lives apart from the rows, so it keeps rising after the
      -- queue drains and a sequence number is never reused.
      CREATE TABLE outbox_sequences (
        destination TEXT PRIMARY KEY,
        next_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE outbox (
        destination TEXT NOT NULL,
        seq INTEGER NOT NULL,
        alert_id TEXT NOT NULL,
        -- Index into SEVERITIES (0 = info): the backlog bound drops the lowest first.
        severity INTEGER NOT NULL,
        alert_json TEXT NOT NULL,
        -- Wall-clock milliseconds (network time, not packet time).
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        PRIMARY KEY (destination, seq)
      ) WITHOUT ROWID;
      CREATE INDEX outbox_drop_order ON outbox (destination, severity, seq);
    `,
  },
];
