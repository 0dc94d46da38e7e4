// pino logger factory: JSON lines to stdout for the daemon (journald), to stderr for commands whose
// stdout carries records (replay --format jsonl).
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, toStderr: boolean): Logger {
  return pino({ level, base: { svc: 'tapwatch' } }, pino.destination({ fd: toStderr ? 2 : 1, sync: true }));
}
