// The CLI's audit trail: a command that changes what the sensor reports (feedback, endpoint edits,
// model rollback) stores its audit record in the state database and queues it in the outbox for
// the configured destinations, in the same transaction as the action where the action is in that
// database. A running daemon's dispatcher finds the queued rows on its idle poll and delivers them;
// no network connection is opened here. The actor is the person at the terminal (under sudo, the
// user who ran sudo, not root).
import os from 'node:os';
import type { TapwatchConfig } from '../config/schema';
import { AlertIdGenerator } from '../alerting/ids';
import { Counters } from '../core/counters';
import { AuditLog } from '../audit/audit-log';
import { auditTrail, type AuditTrail } from '../audit/audit-trail';
import type { AuditActor } from '../audit/types';
import { auditDestinationNames } from '../outputs/destinations';
import { Outbox } from '../outputs/outbox/outbox';
import type { Db } from '../store/database';

/** Who is at the terminal: $SUDO_USER when set, else the OS user. */
export function localActor(env: NodeJS.ProcessEnv = process.env): AuditActor {
  const sudo = env['SUDO_USER'];
  if (sudo) return { kind: 'local-user', name: sudo };
  try {
    return { kind: 'local-user', name: os.userInfo().username };
  } catch {
    // no passwd entry (a container's arbitrary uid): name the uid instead
    return { kind: 'local-user', name: `uid ${process.getuid?.() ?? '?'}` };
  }
}

/** The audit trail on the opened state database, queueing for the destinations in `config`. */
export function cliAuditTrail(db: Db, file: string, config: Readonly<TapwatchConfig>): AuditTrail {
  const counters = new Counters();
  return auditTrail({
    db,
    file,
    log: new AuditLog(db, file, { maxRecords: config.audit.maxRecords, counters, ids: new AlertIdGenerator() }),
    outbox: new Outbox(db, { maxBacklogPerDestination: config.outputs.outbox.maxBacklogPerDestination, counters }),
    destinations: () => auditDestinationNames(config.outputs),
    sensor: () => config.alerting.sensor || os.hostname(),
  });
}
