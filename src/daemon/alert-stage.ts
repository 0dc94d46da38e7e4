// The alerting stage: findings (today from the inventory; detectors and models later) go through
// the policy (suppression, dedupe, rate bound, severity, playbook); every alert is stored in SQLite
// before any sink sees it, then queued in the durable outbox for each destination whose filter it
// passes, and delivered in order by the dispatcher. Analyst actions' audit records take the same
// outbox to every destination that takes them (`audit(entry)`, the daemon's AuditSink).
import type { TapwatchConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import type { Logger } from '../core/logger';
import { AlertIdGenerator, AlertPolicy, AlertStore, findingsFromInventoryEvent, suppressionsFromConfig, type PolicyResult } from '../alerting';
import type { Alert, Finding } from '../alerting/types';
import type { InventoryEvent } from '../inventory/types';
import { createDestinations, type Destination } from '../outputs/destinations';
import { Dispatcher } from '../outputs/outbox/dispatcher';
import { Outbox } from '../outputs/outbox/outbox';
import type { Db } from '../store/database';
import { matchesFilter } from '../outputs/webhook/filter';
import { AuditLog } from '../audit/audit-log';
import { auditTrail, type AuditTrail } from '../audit/audit-trail';
import type { AuditEntry, AuditRecord } from '../audit/types';
import os from 'node:os';

export interface AlertStage {
  readonly policy: AlertPolicy;
  readonly store: AlertStore;
  readonly outbox: Outbox;
  readonly auditLog: AuditLog;
  /**
   * The daemon's AuditSink: stores the record and queues it for every destination that takes audit
   * records (whatever its filter), then wakes delivery. Throws StoreError when it cannot be stored.
   */
  audit(entry: AuditEntry): AuditRecord;
  /** An action and its audit record in one transaction (see AuditTrail.audited). */
  audited: AuditTrail['audited'];
  /** The destinations now configured (replaced by reconfigure). */
  readonly destinations: readonly Destination[];
  /** One finding through the policy; returns what the policy decided. */
  process(finding: Finding): PolicyResult;
  /** Inventory events that are findings: spec status (shadow, zombie, drift) and exposures. */
  onInventoryEvent(event: InventoryEvent): void;
  /** Alerts queued for a destination (all destinations without a name). */
  backlog(destination?: string): number;
  /**
   * Waits up to `drainMs` for the outbox to empty, then stops delivery. What is left stays queued
   * in SQLite and goes out on the next start.
   */
  close(drainMs: number): Promise<{ drained: boolean }>;
  /**
   * A reloaded config: policy thresholds at once; when the outputs changed, the old destinations
   * finish their sends in flight (up to `drainMs`) and the new ones take over the outbox. Throws,
   * changing nothing, when a new destination cannot be set up (the caller keeps the old config).
   */
  reconfigure(config: Readonly<TapwatchConfig>, drainMs: number): Promise<void>;
}

/** `onAlert` sees every alert that is delivered (new, or an update worth re-delivering). */
export function openAlertStage(
  config: Readonly<TapwatchConfig>,
  counters: Counters,
  db: Db,
  dbFile: string,
  log: Logger,
  onAlert: (alert: Alert, result: PolicyResult) => void,
): AlertStage {
  const store = new AlertStore(db, dbFile, undefined, config.alerting.maxSuppressionPrefix);
  // a copy of the config's rules in the database, so `tapwatch alerts` can show them
  store.syncConfigSuppressions(suppressionsFromConfig(config.alerting.suppressions));
  const policy = new AlertPolicy(config.alerting, counters, { suppressions: store });
  // dedupe carries across restarts: the newest stored alerts are open again
  policy.restoreOpen(store.listAlerts({ limit: config.alerting.maxOpenAlerts }).reverse());
  const outbox = new Outbox(db, { maxBacklogPerDestination: config.outputs.outbox.maxBacklogPerDestination, counters });
  const startDispatcher = (list: readonly Destination[]): Dispatcher => {
    const d = new Dispatcher(outbox, list.map((x) => ({ transport: x.transport, retry: x.retry })), { counters, logger: log });
    d.start();
    return d;
  };
  let destinations = createDestinations(config.outputs, counters);
  let dispatcher = startDispatcher(destinations);
  let outputsJson = JSON.stringify(config.outputs);
  let sensor = config.alerting.sensor || os.hostname();

  const auditLog = new AuditLog(db, dbFile, { maxRecords: config.audit.maxRecords, counters, ids: new AlertIdGenerator() });
  const trail = auditTrail({
    db,
    file: dbFile,
    log: auditLog,
    outbox,
    destinations: () => destinations.filter((d) => d.audit).map((d) => d.transport.name),
    sensor: () => sensor,
    onQueued: () => dispatcher.notify(),
  });

  // Retention: the count bound at open, both bounds after every PRUNE_EVERY new alerts. Age is
  // packet time (a replay of an old capture does not expire what it just raised).
  const PRUNE_EVERY = 1000;
  let policyConfig = config.alerting;
  let sincePrune = 0;
  const prune = (packetNow: number | null): void => {
    sincePrune = 0;
    try {
      const olderThan = packetNow === null ? -Infinity : packetNow - policyConfig.retentionDays * 86400;
      const removed = store.prune({ maxAlerts: policyConfig.maxStoredAlerts, olderThan });
      if (removed > 0) counters.inc('alerting.pruned', removed);
    } catch (err) {
      counters.inc('alerting.prune_failed');
      log.error({ err: (err as Error).message }, 'cannot prune old alerts');
    }
  };
  prune(null);

  const process = (finding: Finding): PolicyResult => {
    const result = policy.process(finding);
    const alert = result.alert;
    if (alert === null) return result;
    try {
      store.saveAlert(alert);
    } catch (err) {
      // disk full or similar: counted and logged; the alert still goes to the sinks
      counters.inc('alerting.store_failed');
      log.error({ err: (err as Error).message, alert: alert.id }, 'cannot store alert');
    }
    if (result.outcome === 'new' && ++sincePrune >= PRUNE_EVERY) prune(finding.ts);
    if (!result.deliver) return result;
    const names = destinations.filter((d) => matchesFilter(d.filter, alert)).map((d) => d.transport.name);
    if (names.length > 0) {
      try {
        outbox.enqueue(names, alert);
        dispatcher.notify();
      } catch (err) {
        counters.inc('outputs.enqueue_failed');
        log.error({ err: (err as Error).message, alert: alert.id }, 'cannot queue alert for delivery');
      }
    }
    onAlert(alert, result);
    return result;
  };

  const onInventoryEvent = (e: InventoryEvent): void => {
    // a new endpoint's spec status is known only at the next flush, as a spec-status event
    if (e.event === 'new-endpoint') return;
    for (const f of findingsFromInventoryEvent(e)) process(f);
  };

  const backlog = (destination?: string): number =>
    destination !== undefined ? outbox.backlog(destination) : destinations.reduce((n, d) => n + outbox.backlog(d.transport.name), 0);

  return {
    policy,
    store,
    outbox,
    auditLog,
    audit: (entry) => trail.record(entry),
    audited: (action, entryOf) => trail.audited(action, entryOf),
    get destinations(): readonly Destination[] {
      return destinations;
    },
    process,
    onInventoryEvent,
    backlog,
    async close(drainMs: number): Promise<{ drained: boolean }> {
      const deadline = Date.now() + drainMs;
      while (backlog() > 0 && Date.now() < deadline) {
        dispatcher.notify();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const stopped = await dispatcher.stop({ drainMs: Math.max(0, deadline - Date.now()) });
      return { drained: stopped.drained && backlog() === 0 };
    },
    async reconfigure(next: Readonly<TapwatchConfig>, drainMs: number): Promise<void> {
      const nextJson = JSON.stringify(next.outputs);
      const nextDestinations = nextJson === outputsJson ? null : createDestinations(next.outputs, counters);
      policy.reconfigure(next.alerting);
      policyConfig = next.alerting;
      store.suppressionBound = next.alerting.maxSuppressionPrefix;
      auditLog.maxRecords = next.audit.maxRecords;
      sensor = next.alerting.sensor || os.hostname();
      if (!nextDestinations) return;
      await dispatcher.stop({ drainMs });
      destinations = nextDestinations;
      dispatcher = startDispatcher(destinations);
      outputsJson = nextJson;
      log.info({ destinations: destinations.map((d) => `${d.kind}:${d.transport.name}`) }, 'alert destinations reloaded');
    },
  };
}
