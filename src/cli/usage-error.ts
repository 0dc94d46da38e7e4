// What a person at a terminal sees when a command cannot do its job: one plain line on stderr
// (`tapwatch: <what went wrong>; <what to do>`), not a JSON log line. The daemon's logs stay JSON
// once it is up; these errors happen before.

/** The command was called wrongly (bad option value, unknown format, bad BPF filter ...): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command was called rightly but cannot run (a capture that cannot be opened, a busy port): exit 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Writes one plain line to stderr. */
export function sayError(message: string): void {
  process.stderr.write(`tapwatch: ${message}\n`);
}
