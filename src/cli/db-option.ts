// An explicit --db names a file in a directory that exists: a typo must not silently create
// directories (the default state directory is still created, as a service expects).
import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage-error';

/** Throws a UsageError when `--db FILE` points into a missing directory or through a file. */
export function checkDbOption(db: string | undefined): void {
  if (db === undefined) return;
  const dir = path.dirname(path.resolve(db));
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`--db ${db}: directory ${dir} does not exist; create it first or name a file in an existing directory`);
  }
  if (!isDirectory) throw new UsageError(`--db ${db}: ${dir} is not a directory; name a file in an existing directory`);
}
