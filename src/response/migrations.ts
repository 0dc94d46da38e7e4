// The gateway decisions' table (issue 15): one row per decision id (a repeated alert extends the
// row), kept after it ends (withdrawn, revoked, expired) so `tapwatch decisions --all` shows what was
// done; response.maxDecisions bounds the rows. Version 16: daemon/migrations.ts composes every
// stage's list into the one state database.
import type { Migration } from '../store/database';

export const RESPONSE_MIGRATIONS: readonly Migration[] = [
  {
    version: 16,
    name: 'gateway decisions',
    sql: `
      CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        action TEXT NOT NULL CHECK (action IN ('ban', 'captcha', 'throttle')),
        target_kind TEXT NOT NULL CHECK (target_kind IN ('ip', 'range', 'user')),
        target_value TEXT NOT NULL,
        host TEXT,
        method TEXT,
        template TEXT,
        limit_per_minute INTEGER,
        -- wall-clock seconds since the epoch
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        alert_id TEXT,
        detector TEXT,
        reason TEXT NOT NULL,
        confidence REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('playbook', 'rate-limit', 'manual')),
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'revoked', 'expired')),
        ended_at REAL,
        ended_by TEXT,
        ended_reason TEXT
      );
      CREATE INDEX decisions_by_status ON decisions (status, expires_at);
      CREATE INDEX decisions_by_alert ON decisions (alert_id);
    `,
  },
];
