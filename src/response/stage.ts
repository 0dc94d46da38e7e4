// The response stage (issue 15): alerts whose playbook blocks or throttles become gateway decisions,
// stored in the state database, and every enabled feed is rendered and written when they change.
// `onAlert` only queues (no I/O in the packet path); `tick` stores what was queued, records each new
// decision in the audit trail, withdraws decisions whose alert an analyst judged a false positive,
// expires old ones, and re-renders. Decisions run on the wall clock: gateways act in real time.
import os from 'node:os';
import path from 'node:path';
import type { Alert } from '../alerting/types';
import type { AuditEntry } from '../audit/types';
import type { Counters } from '../core/counters';
import type { Logger } from '../core/logger';
import type { TransactionConsumer } from '../http/consumer';
import type { Db } from '../store/database';
import type { ResponseConfig } from './config';
import type { Decision, FeedFormat, RenderedFeed } from './decision';
import { C_DROPPED, DecisionsStore } from './decisions-store';
import { ensureFeedsDir, writeFeedFile } from './feed-files';
import { decisionsFromAlert } from './from-alert';

const SYSTEM_ACTOR = { kind: 'system', name: 'playbook' } as const;

export interface ResponseStageOptions {
  readonly db: Db;
  /** The database file, or `:memory:` (then no feed files are written). */
  readonly dbFile: string;
  readonly config: Readonly<ResponseConfig>;
  readonly counters: Counters;
  readonly log: Logger;
  /** The gateway formats to render (src/response/feeds FEEDS in the product). */
  readonly feeds: readonly FeedFormat[];
  /** Sensor name written into the feeds (alerting.sensor, else the host name). */
  readonly sensor?: string;
  /** The audit trail (the alert stage's `audit`): each new or withdrawn decision is its own record. */
  readonly audit?: (entry: AuditEntry) => unknown;
  /** Which of these alert ids analysts judged false positives (the alert store's query; none without it). */
  readonly falsePositives?: (alertIds: readonly string[]) => ReadonlySet<string>;
  /** Wall clock in seconds; tests pass their own. */
  readonly clock?: () => number;
}

export interface ResponseStage {
  readonly store: DecisionsStore;
  /** Where feed files go; null without a database file. */
  readonly feedsDir: string | null;
  /** Queues the alert's decisions (no I/O); stored at the next tick. */
  onAlert(alert: Alert): void;
  /** Stores, withdraws, expires and, when anything changed, renders and writes the feeds. */
  tick(now?: number): void;
  /** The latest rendered feed (rendered now if none was yet); null for an unknown or disabled feed. */
  feed(name: string): RenderedFeed | null;
  /** The pipeline consumer: ticks on every flush and on close. */
  readonly consumer: TransactionConsumer;
}

export function openResponseStage(opts: ResponseStageOptions): ResponseStage {
  const { config, counters, log } = opts;
  const clock = opts.clock ?? ((): number => Date.now() / 1000);
  const store = new DecisionsStore(opts.db, opts.dbFile, { maxDecisions: config.maxDecisions, counters });
  const feedsDir = opts.dbFile === ':memory:' ? null : config.feedsDir !== '' ? config.feedsDir : path.join(path.dirname(path.resolve(opts.dbFile)), 'feeds');
  const sensor = opts.sensor ?? os.hostname();
  const settingsOf = (name: string): { enabled: boolean; enforce: boolean } =>
    (config.feeds as Readonly<Record<string, { enabled: boolean; enforce: boolean } | undefined>>)[name] ?? { enabled: true, enforce: false };
  const enabledFeeds = opts.feeds.filter((f) => settingsOf(f.name).enabled);
  // bounded like the table: a burst of alerts between two ticks cannot grow it past maxDecisions
  const pending = new Map<string, Decision>();
  const rendered = new Map<string, RenderedFeed>();
  // the first tick renders and writes, so files match the database after a restart
  let dirty = true;
  let filesDirty = true;
  let signature = '';

  const audit = (entry: AuditEntry): void => {
    if (!opts.audit) return;
    try {
      opts.audit(entry);
    } catch (err) {
      counters.inc('response.audit_failed');
      log.error({ err: (err as Error).message, decision: entry.target }, 'cannot record a decision in the audit trail');
    }
  };

  const onAlert = (alert: Alert): void => {
    const { decisions } = decisionsFromAlert(alert, config, clock());
    if (alert.recommendation.action === 'revoke-token') counters.inc('response.revoke_token.not_a_gateway_decision');
    for (const d of decisions) {
      if (!pending.has(d.id) && pending.size >= config.maxDecisions) {
        counters.inc(C_DROPPED);
        continue;
      }
      pending.set(d.id, d);
    }
  };

  const render = (now: number): void => {
    const active = store.listActive(now);
    for (const f of enabledFeeds) {
      const s = settingsOf(f.name);
      rendered.set(f.name, f.render(active, { enforce: s.enforce, now, sensor }));
    }
  };

  const writeFiles = (): void => {
    if (feedsDir === null || enabledFeeds.length === 0) {
      filesDirty = false;
      return;
    }
    try {
      ensureFeedsDir(feedsDir);
      for (const f of enabledFeeds) {
        const r = rendered.get(f.name);
        if (r) writeFeedFile(feedsDir, r);
      }
      filesDirty = false;
      counters.inc('response.feeds.written');
    } catch (err) {
      // kept dirty: the next tick tries again
      counters.inc('response.feeds.write_failed');
      log.error({ err: (err as Error).message, dir: feedsDir }, 'cannot write the gateway feeds; will retry');
    }
  };

  const tick = (now: number = clock()): void => {
    try {
      for (const d of pending.values()) {
        const outcome = store.upsert(d);
        if (outcome === 'kept-ended') continue;
        dirty = true;
        if (outcome === 'new') {
          counters.inc('response.decisions.added');
          audit({
            actor: SYSTEM_ACTOR,
            action: 'decision.add',
            target: d.id,
            details: {
              action: d.action,
              target: `${d.target.kind}:${d.target.value}`,
              ...(d.endpoint ? { endpoint: `${d.endpoint.method} ${d.endpoint.host}${d.endpoint.template}` } : {}),
              ...(d.limitPerMinute !== undefined ? { limitPerMinute: d.limitPerMinute } : {}),
              ...(d.alertId !== undefined ? { alertId: d.alertId } : {}),
              confidence: d.confidence,
              expiresAt: d.expiresAt,
            },
          });
        }
      }
      pending.clear();
      for (const alertId of opts.falsePositives?.(store.activeAlertIds()) ?? []) {
        for (const id of store.withdrawForAlert(alertId, 'false-positive verdict', now)) {
          dirty = true;
          counters.inc('response.decisions.withdrawn');
          audit({ actor: SYSTEM_ACTOR, action: 'decision.withdraw', target: id, details: { alertId } });
        }
      }
      const expired = store.expire(now);
      if (expired > 0) {
        dirty = true;
        counters.inc('response.decisions.expired', expired);
      }
      // a revoke from the command line changes the table under us
      const current = store.activeSignature();
      if (current !== signature) dirty = true;
      if (dirty) {
        signature = current;
        render(now);
        dirty = false;
        filesDirty = true;
      }
    } catch (err) {
      counters.inc('response.store_failed');
      log.error({ err: (err as Error).message }, 'cannot update the gateway decisions; will retry');
      return;
    }
    if (filesDirty) writeFiles();
  };

  return {
    store,
    feedsDir,
    onAlert,
    tick,
    feed(name: string): RenderedFeed | null {
      if (!enabledFeeds.some((f) => f.name === name)) return null;
      if (!rendered.has(name)) render(clock());
      return rendered.get(name) ?? null;
    },
    consumer: {
      name: 'response',
      onTransaction: () => {},
      flush: () => tick(),
      close: () => tick(),
    },
  };
}
