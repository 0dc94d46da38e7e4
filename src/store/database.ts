// SQLite state store (better-sqlite3, DESIGN §4): WAL journal so a crash leaves the database
// consistent, versioned migrations applied in order inside transactions, and typed errors that name
// the file so an operator knows what to fix (unwritable directory, not a database, disk full).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreError, toStoreError } from './errors';

export type Db = Database.Database;

export interface Migration {
  /** Strictly increasing from 1. */
  version: number;
  name: string;
  sql: string;
}

export { StoreError, toStoreError, type StoreErrorCode } from './errors';

/** Opens (creating if needed) the database at `file` and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly Migration[]): Db {
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (err) {
      throw new StoreError('STORE_OPEN', `${file}: cannot create its directory: ${(err as Error).message}`, { cause: err });
    }
  }
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw toStoreError(err, file, 'opening the database');
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, file);
  } catch (err) {
    db.close();
    throw toStoreError(err, file, 'preparing the database');
  }
  return db;
}

function migrate(db: Db, migrations: readonly Migration[], file: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new StoreError('STORE_MIGRATION', `${file}: schema version ${newest} is newer than this Tapwatch knows (${known}); upgrade Tapwatch`);
  }
  let previous = 0;
  for (const m of migrations) {
    if (m.version <= previous) throw new StoreError('STORE_MIGRATION', `migration ${m.version} (${m.name}) is out of order`);
    previous = m.version;
    if (applied.has(m.version)) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
    });
    try {
      apply();
    } catch (err) {
      throw new StoreError('STORE_MIGRATION', `${file}: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Schema version the database is at. */
export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
