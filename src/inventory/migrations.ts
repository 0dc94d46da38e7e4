// Inventory tables. Learned statistics live in a JSON column so what an endpoint learns can grow
// without a migration for every new field; the columns are what queries filter and sort on.
import type { Migration } from '../store/database';

export const INVENTORY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'inventory endpoints and templater state',
    sql: `
      CREATE TABLE endpoints (
        id INTEGER PRIMARY KEY,
        host TEXT NOT NULL,
        method TEXT NOT NULL,
        template TEXT NOT NULL,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        calls INTEGER NOT NULL,
        spec_status TEXT NOT NULL DEFAULT 'unknown',
        stats TEXT NOT NULL,
        UNIQUE (host, method, template)
      );
      CREATE INDEX endpoints_by_status ON endpoints (spec_status);
      CREATE TABLE templater_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        updated_at REAL NOT NULL
      );
    `,
  },
  // 2 and 3 are the alert store and the outbox (src/daemon/migrations.ts lists every migration).
  {
    version: 4,
    name: 'inventory: why an endpoint is drift or zombie',
    sql: `ALTER TABLE endpoints ADD COLUMN spec_detail TEXT;`,
  },
];
