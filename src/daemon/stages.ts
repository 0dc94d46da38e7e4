// The stages after HTTP, on one state database: the inventory and the alerting stage (policy,
// alert store, outbox, delivery). `replay` and `run` open them the same way; without a database
// file (replay without --db) the state lives in an in-memory SQLite database for the run.
import type { TapwatchConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import { installationKeyFor } from '../core/installation-key';
import type { Logger } from '../core/logger';
import type { PolicyResult } from '../alerting';
import type { Alert } from '../alerting/types';
import type { InventoryEvent } from '../inventory/types';
import { IdentityStage } from '../identity/stage';
import { openDatabase, type Db } from '../store/database';
import { ALL_MIGRATIONS } from './migrations';
import { openAlertStage, type AlertStage } from './alert-stage';
import { openInventoryStage, type InventoryStage } from './inventory-stage';

export interface Stages {
  readonly db: Db;
  /** The database file, or `:memory:`. */
  readonly dbFile: string;
  readonly inventory: InventoryStage | null;
  /** Identities, client IPs and sessions (identity.enabled); the pipeline runs it first. */
  readonly identity: IdentityStage | null;
  readonly alerts: AlertStage;
  /**
   * Final inventory flush at packet time `now`, outbox drained within `drainMs`, then `beforeDbClose`
   * (a last read of the state, e.g. replay's summary), database closed.
   */
  close(now: number, drainMs: number, beforeDbClose?: () => void): Promise<{ drained: boolean }>;
}

export interface StageHooks {
  onInventoryEvent?: (event: InventoryEvent) => void;
  onAlert?: (alert: Alert, result: PolicyResult) => void;
}

/** Throws StoreError (database) or an Error naming a destination that cannot be set up. */
export function openStages(
  config: Readonly<TapwatchConfig>,
  counters: Counters,
  dbPath: string | null,
  withInventory: boolean,
  log: Logger,
  hooks: StageHooks,
): Stages {
  const dbFile = dbPath ?? ':memory:';
  const db = openDatabase(dbFile, ALL_MIGRATIONS);
  try {
    // before the alert stage: a geo database that cannot be read stops the start with nothing to undo
    const identity = config.identity.enabled
      ? new IdentityStage(config.identity, counters, {
          // without a database file nothing reads identities back: they stay in memory for the run
          db: dbPath === null ? null : db,
          dbFile,
          maxRowsPerFlush: config.store.maxRowsPerFlush,
          maxPendingWrites: config.store.maxPendingWrites,
          // the same key as the sensor's credential fingerprints (the file beside the database)
          installationKey: () => installationKeyFor(dbPath),
        })
      : null;
    const alerts = openAlertStage(config, counters, db, dbFile, log, (a, r) => hooks.onAlert?.(a, r));
    const inventory = withInventory
      ? openInventoryStage(config, counters, db, dbFile, (e) => {
          hooks.onInventoryEvent?.(e);
          alerts.onInventoryEvent(e);
        })
      : null;
    return {
      db,
      dbFile,
      inventory,
      identity,
      alerts,
      async close(now: number, drainMs: number, beforeDbClose?: () => void): Promise<{ drained: boolean }> {
        inventory?.close(now);
        const result = await alerts.close(drainMs);
        try {
          beforeDbClose?.();
        } finally {
          db.close();
        }
        return result;
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
