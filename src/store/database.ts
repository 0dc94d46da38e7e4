// SQLite state store (better-sqlite3, DESIGN §4): WAL journal so a crash leaves the database
// consistent, versioned migrations applied in order inside transactions, and typed errors that name
// the file so an operator knows what to fix (unwritable directory, not a database, disk full).
// The state is private to the service user whatever the umask: a directory this creates is 0700,
// the database and its -wal/-shm are 0600 (they hold the inventory, identities and alerts).
import Database from 'better-sqlite3';
import fs from 'node:fs';
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

/** Mode of the state directory and of the database files. */
export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

/** Files whose mode was tightened, and files left loose because chmod was refused (another owner). */
export const permissionCounts = { tightened: 0, refused: 0 };

export interface OpenOptions {
  /** Told when a loose file cannot be restricted (it belongs to another user); default: one line on stderr. */
  onPermissionWarning?: (message: string) => void;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`tapwatch: warning: ${message}\n`);
}

/**
 * Restricts `file` to 0600 when it is group- or world-accessible. A file of another user (chmod
 * refused) is left as it is and reported: the sensor still runs, `tapwatch doctor` names the fix.
 */
export function restrictFile(file: string, warn: (message: string) => void = warnOnStderr): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return; // not there (no -wal yet): nothing to restrict
  }
  if ((mode & 0o077) === 0) return;
  try {
    fs.chmodSync(file, STATE_FILE_MODE);
    permissionCounts.tightened++;
  } catch (err) {
    permissionCounts.refused++;
    warn(`${file} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}) and cannot be restricted (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run chmod 600 ${file} as its owner`);
  }
}

/** Creates the database's directory 0700 when missing; an existing directory is left as it is (doctor reports it). */
function ensureStateDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
  // mkdir's mode is masked by the umask; the directory that holds the state is set exactly
  fs.chmodSync(dir, STATE_DIR_MODE);
}

/** Opens (creating if needed) the database at `file` and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly Migration[], options: OpenOptions = {}): Db {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk) {
    try {
      ensureStateDir(path.dirname(path.resolve(file)));
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
  const warn = options.onPermissionWarning ?? warnOnStderr;
  // before WAL opens: SQLite gives the -wal and -shm files the database file's mode
  if (onDisk) restrictFile(file, warn);
  try {
    db.pragma('journal_mode = WAL');
    if (onDisk) for (const suffix of ['-wal', '-shm']) restrictFile(`${file}${suffix}`, warn);
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
