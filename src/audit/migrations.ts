// The audit trail's table (issue 17): one row per analyst action, never updated. Rows leave only by
// the retention bound (audit.maxRecords); a trigger refuses updates so no code path can rewrite
// history. Version 15: daemon/migrations.ts composes every stage's list into the one state database.
import type { Migration } from '../store/database';

export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 15,
    name: 'audit trail of analyst actions',
    sql: `
      CREATE TABLE audit_log (
        -- sortable like alert ids (time first), so ORDER BY id is time order
        id TEXT PRIMARY KEY,
        -- wall-clock seconds since the epoch
        at REAL NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        actor_address TEXT,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        details_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_by_at ON audit_log (at);
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'audit records are append-only');
      END;
    `,
  },
];
