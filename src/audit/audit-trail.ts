// Where an analyst action's audit record goes, for the daemon and the CLI alike: stored in the audit
// log and queued in the durable outbox for every destination that takes audit records, in one SQLite
// transaction, optionally with the action itself, so an action is never done without its record (or
// its record left unsent). Destinations' severity, detector and host filters do not apply: a SIEM
// must see every action (a destination opts out with `audit: false`).
import type { Db } from '../store/database';
import type { Outbox } from '../outputs/outbox/outbox';
import { toStoreError } from '../store/database';
import { auditAlert } from './audit-alert';
import type { AuditLog } from './audit-log';
import type { AuditEntry, AuditRecord } from './types';

export interface AuditTrailParts {
  readonly db: Db;
  readonly file: string;
  readonly log: AuditLog;
  readonly outbox: Outbox;
  /** Names of the destinations that take audit records, now. */
  readonly destinations: () => readonly string[];
  /** Sensor name written into the emitted record. */
  readonly sensor: () => string;
  /** Called after a record was queued (the daemon wakes its dispatcher). */
  readonly onQueued?: () => void;
}

export interface AuditTrail {
  /** Stores and queues the record; throws StoreError when it cannot (nothing is kept then). */
  record(entry: AuditEntry): AuditRecord;
  /**
   * Runs `action` and records what `entryOf` makes of its result in one transaction: if either
   * throws, neither is kept. Returns the action's result and the record.
   */
  audited<T>(action: () => T, entryOf: (result: T) => AuditEntry): { result: T; record: AuditRecord };
}

export function auditTrail(parts: AuditTrailParts): AuditTrail {
  const store = (entry: AuditEntry): AuditRecord => {
    const record = parts.log.record(entry);
    parts.outbox.enqueue(parts.destinations(), auditAlert(record, parts.sensor()));
    return record;
  };
  const inTransaction = <T>(fn: () => T): T => {
    let out: T;
    try {
      out = parts.db.transaction(fn)();
    } catch (err) {
      // the action's own errors (unknown alert, wide suppression) reach the caller as they are
      if (err instanceof Error && err.name !== 'SqliteError') throw err;
      throw toStoreError(err, parts.file, 'recording an action and its audit record');
    }
    parts.onQueued?.();
    return out;
  };
  return {
    record: (entry) => inTransaction(() => store(entry)),
    audited: (action, entryOf) =>
      inTransaction(() => {
        const result = action();
        return { result, record: store(entryOf(result)) };
      }),
  };
}
