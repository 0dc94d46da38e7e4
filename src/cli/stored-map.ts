// Opens the endpoint map that `replay --db` / `run` wrote, for the commands that read or correct it.
import { existsSync } from 'node:fs';
import { Counters } from '../core/counters';
import { EndpointStore } from '../inventory/endpoint-store';
import { ALL_MIGRATIONS } from '../daemon/migrations';
import { BatchWriter } from '../store/batch-writer';
import { openDatabase, type Db } from '../store/database';
import { defaultDatabasePath } from '../store/paths';

export interface StoredMap {
  file: string;
  db: Db;
  store: EndpointStore;
}

/** The state database at --db (else store.path, else the state directory), or null after saying why not. */
export function openStateDatabase(dbOption: string | undefined, configured: string): { file: string; db: Db } | null {
  const file = defaultDatabasePath(dbOption ?? configured);
  if (!existsSync(file)) {
    process.stderr.write(`tapwatch: no database at ${file}: run 'tapwatch replay --db ${file} FILE' or 'tapwatch run' first\n`);
    return null;
  }
  return { file, db: openDatabase(file, ALL_MIGRATIONS) };
}

/** The endpoint map in the state database, or null after saying why not. */
export function openStoredMap(dbOption: string | undefined, configured: string): StoredMap | null {
  const opened = openStateDatabase(dbOption, configured);
  if (!opened) return null;
  const { file, db } = opened;
  // Commands write little (corrections, templater state): a small queue is plenty.
  return { file, db, store: new EndpointStore(db, new BatchWriter(db, file, 1000, new Counters())) };
}
