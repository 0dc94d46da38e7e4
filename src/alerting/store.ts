// SQLite store of alerts, analyst feedback and suppressions (issue 5): the one API the policy, the
// daemon's HTTP API and the CLI use. Every alert is written here before any sink sees it; a deduped
// alert is one row whose count, last_seen, score, severity and evidence are updated as findings fold
// into it. This file holds the clock, the transactions and the error context of each operation; the
// SQL lives with its rows: alert-rows.ts (alerts), alert-queries.ts (listing and retention),
// stored-feedback.ts (feedback and suppressions), migrations.ts (the tables).
import { StoreError, toStoreError, type Db } from '../store/database';
import { alertOf, prepareAlertUpsert, type AlertRow, type StoredAlert, type Verdict } from './alert-rows';
import { countByTypeAndSeverity, listAlertRows, newestLastSeen, pruneAlerts, type AlertQuery } from './alert-queries';
import {
  currentUser,
  deleteSuppression,
  falsePositiveRule,
  feedbackRecordOf,
  insertFeedback,
  insertSuppression,
  listActiveSuppressions,
  listFeedbackRows,
  replaceConfigSuppressions,
  type FeedbackOptions,
  type FeedbackRecord,
  type FeedbackResult,
} from './stored-feedback';
import {
  checkSuppressionWidth,
  DEFAULT_SUPPRESSION_PREFIX,
  type Suppression,
  type SuppressionPrefixBound,
  type SuppressionProvider,
  type SuppressionRule,
  type SuppressionSource,
  WideSuppressionError,
} from './suppression';
import type { Alert, Severity } from './types';

export type { AlertClock, AlertQuery } from './alert-queries';
export type { StoredAlert, Verdict } from './alert-rows';
export type { FeedbackOptions, FeedbackRecord, FeedbackResult } from './stored-feedback';

export class UnknownAlertError extends StoreError {
  constructor(
    readonly alertId: string,
    file: string,
  ) {
    super('STORE_WRITE', `${file}: no alert with id ${alertId}`);
  }
}

const wallClock = (): number => Date.now() / 1000;

export class AlertStore implements SuppressionProvider {
  private readonly upsert: (a: Alert, now: number) => void;

  constructor(
    private readonly db: Db,
    /** Database file, named in errors. */
    private readonly file: string,
    /** Wall clock for created/updated/feedback times (seconds); tests pass their own. */
    private readonly clock: () => number = wallClock,
    /** Suppressions wider than this need `allowWide` (alerting.maxSuppressionPrefix; set again on reload). */
    public suppressionBound: SuppressionPrefixBound = DEFAULT_SUPPRESSION_PREFIX,
  ) {
    this.upsert = prepareAlertUpsert(db);
  }

  /** Inserts a new alert or updates the stored row of a deduped one (same id). */
  saveAlert(alert: Alert): void {
    this.write('saving an alert', () => this.upsert(alert, this.clock()));
  }

  /** Several alerts in one transaction (one per policy tick). */
  saveAlerts(alerts: readonly Alert[]): void {
    const now = this.clock();
    this.write('saving alerts', () => this.db.transaction(() => alerts.forEach((a) => this.upsert(a, now)))());
  }

  getAlert(id: string): StoredAlert | null {
    const row = this.read('reading an alert', () => this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined);
    return row ? alertOf(row) : null;
  }

  listAlerts(q: AlertQuery = {}): StoredAlert[] {
    return this.read('listing alerts', () => listAlertRows(this.db, q)).map(alertOf);
  }

  /** The newest packet time of any stored alert (the store's "now" on the packet clock), null when empty. */
  newestLastSeen(): number | null {
    return this.read('reading alert times', () => newestLastSeen(this.db));
  }

  /** How many stored alerts per detector and severity (most first), for summaries. */
  countByTypeAndSeverity(): { type: string; severity: Severity; count: number }[] {
    return this.read('counting alerts', () => countByTypeAndSeverity(this.db));
  }

  /**
   * Records an analyst verdict. A false positive with `suppress` also stores a suppression for the
   * alert's detector, identity (or client IP when it has no identity) and endpoint, so the next
   * identical finding is suppressed once the policy re-reads suppressions. A wide one (the alert
   * names no identity, client or endpoint) throws WideSuppressionError unless `opts.allowWide`.
   */
  recordFeedback(alertId: string, verdict: Verdict, note = '', opts: FeedbackOptions = {}): FeedbackResult {
    const at = opts.now ?? this.clock();
    const by = opts.by ?? currentUser();
    return this.write('recording feedback', () =>
      this.db.transaction((): FeedbackResult => {
        const alert = this.getAlert(alertId);
        if (!alert) throw new UnknownAlertError(alertId, this.file);
        insertFeedback(this.db, alertId, verdict, note, at, by);
        let suppression: Suppression | null = null;
        if (verdict === 'false-positive' && opts.suppress) {
          const rule = falsePositiveRule(alert, note, at, opts.suppressForSec);
          checkSuppressionWidth(rule, this.suppressionBound, opts.allowWide);
          suppression = insertSuppression(this.db, rule, 'feedback', at, alertId);
        }
        return { alertId, verdict, suppression };
      })(),
    );
  }

  /** Every verdict, oldest first, with the alert it judged. */
  listFeedback(q: { since?: number; verdict?: Verdict } = {}): FeedbackRecord[] {
    return this.read('listing feedback', () => listFeedbackRows(this.db, q)).map(feedbackRecordOf);
  }

  /** Throws WideSuppressionError for a wide rule unless `opts.allowWide`. */
  addSuppression(rule: SuppressionRule, source: SuppressionSource = 'feedback', opts: { allowWide?: boolean } = {}): Suppression {
    checkSuppressionWidth(rule, this.suppressionBound, opts.allowWide);
    return this.write('adding a suppression', () => insertSuppression(this.db, rule, source, this.clock(), null));
  }

  /** Suppressions not expired at `now` (seconds; packet time in the sensor, wall time in the CLI). */
  listSuppressions(now: number): Suppression[] {
    return this.read('listing suppressions', () => listActiveSuppressions(this.db, now));
  }

  /**
   * Retention: removes alerts last seen before `olderThan` (seconds) and, beyond `maxAlerts`, the
   * least recently seen ones. Alerts an analyst gave a verdict are kept: they are the labels
   * training and threshold tuning learn from. Returns how many were removed.
   */
  prune(opts: { maxAlerts: number; olderThan: number }): number {
    return this.write('pruning alerts', () => pruneAlerts(this.db, opts));
  }

  /** True when a suppression with that id existed. */
  deleteSuppression(id: string): boolean {
    return this.write('deleting a suppression', () => deleteSuppression(this.db, id));
  }

  /** Replaces the stored copy of the config's rules (so the CLI lists them next to feedback ones). */
  syncConfigSuppressions(rules: readonly SuppressionRule[]): void {
    const now = this.clock();
    this.write('storing config suppressions', () => this.db.transaction(() => replaceConfigSuppressions(this.db, rules, now))());
  }

  private write<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      // a refused wide suppression is the caller's to answer (HTTP 400, a CLI sentence), not a store fault
      if (err instanceof WideSuppressionError) throw err;
      throw toStoreError(err, this.file, doing);
    }
  }

  private read<T>(doing: string, fn: () => T): T {
    return this.write(doing, fn);
  }
}
