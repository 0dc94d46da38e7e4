// The features stage as a pipeline consumer: every transaction updates its baselines (no I/O),
// ticks end idle sessions, and flushes write the changed baselines to SQLite every
// `features.persistIntervalSec` of packet time (all of them at close), so `replay A; replay B`
// continues exactly where `replay A` stopped. Without a database file (replay without --db) nothing
// is written: nobody could read it back.
import type { Counters } from '../core/counters';
import type { TransactionConsumer } from '../http/consumer';
import { BatchWriter } from '../store/batch-writer';
import type { Db } from '../store/database';
import type { BaselineKind } from './baseline';
import type { DecodeBounds } from './baseline-codec';
import { BaselineEngine, type AsnLookup } from './baseline-engine';
import { BaselineStore, SESSION_KIND } from './baseline-store';
import type { BaselineTable } from './baseline-table';
import type { FeaturesConfig } from './config';
import type { EndpointBaseline } from './endpoint-baseline';
import { createFeatureView } from './feature-view';
import type { IdentityBaseline } from './identity-baseline';
import type { IpBaseline } from './ip-baseline';
import type { PairBaseline } from './pair-baseline';
import { admissionFilter } from '../core/seen-filter';
import type { FeatureView } from './types';

/** The row of the admission filter (identities seen once). */
const ADMISSION_FILTER = 'admission';

/** Packet-time seconds between sweeps for idle sessions. */
const SESSION_SWEEP_SEC = 60;

export interface FeaturesStage {
  readonly consumer: TransactionConsumer;
  readonly view: FeatureView;
  readonly engine: BaselineEngine;
  /** Told when a write fails (disk full ...); the writes stay queued for the next flush. */
  onStoreError: ((err: Error) => void) | null;
}

export interface FeaturesStageOptions {
  /** The state database, or null to keep baselines in memory only. */
  db: Db | null;
  dbFile: string;
  /** store.maxPendingWrites. */
  maxPendingWrites: number;
  asnOf?: AsnLookup;
}

export function decodeBounds(config: Readonly<FeaturesConfig>): DecodeBounds {
  return {
    historySize: config.historyWindows,
    maxIps: config.maxIpsPerIdentity,
    maxUserAgents: config.maxUserAgentsPerIdentity,
    maxAsns: config.maxAsnsPerIdentity,
    idsSeenBits: config.idsSeenBits,
    maxBodyFields: config.maxBodyFieldsPerEndpoint,
  };
}

type AnyTable = BaselineTable<IdentityBaseline> | BaselineTable<IpBaseline> | BaselineTable<EndpointBaseline> | BaselineTable<PairBaseline>;

export function openFeaturesStage(config: Readonly<FeaturesConfig>, counters: Counters, opts: FeaturesStageOptions): FeaturesStage {
  const engine = new BaselineEngine(config, counters, opts.asnOf ?? null);
  const persistent = opts.db !== null && opts.dbFile !== ':memory:';
  const store = persistent && opts.db ? new BaselineStore(opts.db, new BatchWriter(opts.db, opts.dbFile, opts.maxPendingWrites, counters)) : null;
  const tables: [BaselineKind, AnyTable][] = [
    ['identity', engine.identities],
    ['ip', engine.clientIps],
    ['endpoint', engine.endpoints],
    ['pair', engine.pairs],
  ];
  if (store) {
    const admission = engine.admission ? store.loadFilter(ADMISSION_FILTER, (state) => admissionFilter(config.admissionBits, state)) : null;
    if (admission) engine.admission = admission;
    const bounds = decodeBounds(config);
    for (const [kind, table] of tables) {
      // rows beyond a bound lowered since they were written
      const trimmed = store.trim(kind, table.max);
      if (trimmed > 0) counters.inc(table.evictedCounter, trimmed);
      for (const b of store.load(kind, table.max, bounds)) {
        // a pair whose identity was not kept has nothing to hang on
        if (!engine.restore(b as IdentityBaseline | IpBaseline | EndpointBaseline | PairBaseline)) store.remove(kind, b.key);
      }
    }
    for (const session of store.loadSessions(engine.sessions.max, (key) => engine.identities.get(key))) engine.restoreSession(session);
  }

  const stage: FeaturesStage = {
    engine,
    view: createFeatureView(engine, config),
    onStoreError: null,
    consumer: {
      name: 'features',
      onTransaction(tx, ctx) {
        // a response whose request was not captured says nothing about who asked for what
        if (tx.method === null) counters.inc('features.skipped.no_request');
        else engine.observe(tx, ctx);
      },
      onTick(now) {
        if (now < nextSweep) return;
        nextSweep = now + SESSION_SWEEP_SEC;
        engine.sweepSessions(now);
      },
      flush(now) {
        if (now < nextPersist) return;
        nextPersist = now + config.persistIntervalSec;
        persist(config.maxRowsPerFlush);
      },
      close(now) {
        engine.sweepSessions(now);
        persist(Infinity);
      },
    },
  };
  let nextSweep = -Infinity;
  let nextPersist = -Infinity;

  /** Writes up to `limit` changed baselines (and every deletion) in one transaction. */
  function persist(limit: number): void {
    if (!store) {
      for (const table of [...tables.map(([, table]) => table), engine.sessions]) {
        table.takeDirty(Infinity);
        table.removed.clear();
      }
      return;
    }
    if (engine.admission && engine.admissionChanged) store.saveFilter(ADMISSION_FILTER, engine.admission);
    engine.admissionChanged = false;
    let budget = limit;
    for (const [kind, table] of tables) {
      for (const key of table.removed) store.remove(kind, key);
      table.removed.clear();
      const rows = table.takeDirty(budget);
      budget -= rows.length;
      for (const b of rows) store.save(b);
    }
    for (const key of engine.sessions.removed) store.remove(SESSION_KIND, key);
    engine.sessions.removed.clear();
    for (const session of engine.sessions.takeDirty(budget)) store.saveSession(session);
    let deferred = engine.sessions.dirtyCount;
    for (const [, table] of tables) deferred += table.dirtyCount;
    if (deferred > 0) counters.inc('features.flush.deferred', deferred);
    const result = store.commit();
    if (result.error) stage.onStoreError?.(result.error);
  }

  return stage;
}
