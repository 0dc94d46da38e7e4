// The baselines table: one row per identity, client IP, endpoint and (identity, endpoint) pair with
// its whole learned state as JSON (baseline-codec.ts). `template` is set for endpoints and pairs so
// `tapwatch baseline TEMPLATE` finds them; `last_seen` orders the reload (most recent first).
import type { Migration } from '../store/database';

export const FEATURES_MIGRATIONS: readonly Migration[] = [
  {
    // 12: issue 12; versions only need to be distinct (src/daemon/migrations.ts sorts them)
    version: 12,
    name: 'behaviour baselines',
    sql: `
      CREATE TABLE baselines (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        template TEXT,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        requests INTEGER NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX baselines_by_template ON baselines (template) WHERE template IS NOT NULL;
    `,
  },
];
