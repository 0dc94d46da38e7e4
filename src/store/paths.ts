// Where the state database lives: the configured path, else systemd's StateDirectory, else a
// folder in the working directory (interactive use).
import path from 'node:path';

export function defaultDatabasePath(configured: string): string {
  if (configured) return configured;
  const stateDir = process.env['STATE_DIRECTORY']?.split(':')[0];
  return path.join(stateDir || path.resolve('tapwatch-state'), 'tapwatch.db');
}
