// The state store's typed errors, apart from the database driver so modules that only handle
// errors (the batch writer) load without better-sqlite3 (the config schema loads detectors, which
// keep a BatchWriter).
export type StoreErrorCode = 'STORE_OPEN' | 'STORE_NOT_A_DATABASE' | 'STORE_MIGRATION' | 'STORE_FULL' | 'STORE_READONLY' | 'STORE_WRITE';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps a better-sqlite3 error to a StoreError naming the file. */
export function toStoreError(err: unknown, file: string, doing: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  const kind: StoreErrorCode =
    code === 'SQLITE_FULL'
      ? 'STORE_FULL'
      : code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
        ? 'STORE_NOT_A_DATABASE'
        : code.startsWith('SQLITE_READONLY')
          ? 'STORE_READONLY'
          : code === 'SQLITE_CANTOPEN'
            ? 'STORE_OPEN'
            : 'STORE_WRITE';
  return new StoreError(kind, `${file}: ${doing} failed: ${message}${code ? ` (${code})` : ''}`, { cause: err });
}
