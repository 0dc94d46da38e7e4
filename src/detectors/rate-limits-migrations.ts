// The rate_limits table: one row per (identity, endpoint) pair the rate-limit detector learned, with
// the limits it recommends per band (JSON, what `tapwatch limits` lists) and its learned peaks
// (JSON, rate-limits-pair.ts) so a restarted sensor keeps them. `last_seen` orders the reload.
import type { Migration } from '../store/database';

export const RATE_LIMIT_MIGRATIONS: readonly Migration[] = [
  {
    // 14: issue 13; versions only need to be distinct (src/daemon/migrations.ts sorts them)
    version: 14,
    name: 'adaptive rate limits',
    sql: `
      CREATE TABLE rate_limits (
        identity TEXT NOT NULL,
        host TEXT NOT NULL,
        method TEXT NOT NULL,
        template TEXT NOT NULL,
        last_seen REAL NOT NULL,
        limits TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (identity, host, method, template)
      );
      CREATE INDEX rate_limits_by_last_seen ON rate_limits (last_seen);
    `,
  },
];
