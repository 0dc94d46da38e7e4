// Identity tables. An identity's learned uses (IPs, user agents, endpoints, hours, open sessions)
// live in a JSON column, written whole on flush (each is bounded); one row per identity, keyed by its
// id (WITHOUT ROWID: one b-tree per write). Credential bindings learned at login and the login-path
// verdicts are kept too, so a restart continues where the last run stopped (`replay A; replay B`
// equals `replay A B`). Version 13: keys seen once, waiting for a second request (admission.ts),
// rewritten whole at a clean stop as one JSON array of [id, packet time] (one row: a stop must stay
// quick with 100k of them) and read at start. Versions need only be distinct (src/daemon/migrations.ts sorts them).
import type { Migration } from '../store/database';

export const IDENTITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 11,
    name: 'identities, login bindings and login paths',
    sql: `
      CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        display TEXT NOT NULL,
        source TEXT NOT NULL,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        requests INTEGER NOT NULL,
        stats TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE identity_bindings (
        credential TEXT PRIMARY KEY,
        identity TEXT NOT NULL,
        learned_at REAL NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE identity_login_paths (
        key TEXT PRIMARY KEY,
        probes INTEGER NOT NULL,
        login INTEGER NOT NULL,
        last_seen REAL NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'identity first sightings',
    sql: `
      CREATE TABLE identity_first_sightings (
        entries TEXT NOT NULL
      );
    `,
  },
];
